"""The shifted PublicTest validation (training/shifted.py) runs without TensorFlow."""

import numpy as np
import pytest

from moodplayer.emotions import LABELS
from moodplayer.training.shifted import SHIFTS, _reframe, shifted_report
from moodplayer.vision.classifier import EmotionClassifier


def _face() -> np.ndarray:
    yy, xx = np.mgrid[0:48, 0:48]
    return np.clip(128 + 100 * np.sin(xx / 5.0) * np.cos(yy / 7.0), 0, 255).astype(np.uint8)


def test_every_shift_keeps_a_48px_grey_crop_and_changes_it():
    face = _face()
    for name, shift in SHIFTS.items():
        moved = shift(face, 3)
        assert moved.shape == (48, 48) and moved.dtype == np.uint8, name
        assert not np.array_equal(moved, face), name


def test_tighter_framing_magnifies_around_the_centre():
    face = np.zeros((48, 48), np.uint8)
    face[20:28, 20:28] = 255  # an 8-px square in the middle
    assert (_reframe(face, 0.8) > 127).sum() > (face > 127).sum()
    assert (_reframe(face, 1.25) > 127).sum() < (face > 127).sum()


def test_report_has_each_shift_and_the_worst_recall_per_class():
    classifier = EmotionClassifier()
    images = np.stack([np.roll(_face(), k, axis=1) for k in range(7)])
    truth = np.arange(7)
    report = shifted_report(classifier, images, truth)
    assert set(SHIFTS) <= set(report) and "clean" in report
    for c in LABELS:
        assert report["worst recall"][c] == pytest.approx(min(report[s]["recall"][c] for s in SHIFTS))
    assert 0.0 <= report["mean shifted accuracy"] <= 1.0
