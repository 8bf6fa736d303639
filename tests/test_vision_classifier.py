"""The FER-style face crop and the real int8 emotion model on a real face."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from moodplayer.emotions import Emotion
from moodplayer.vision.classifier import CROP_SCALE, CROP_SHIFT, EmotionClassifier, crop_box, crop_face
from moodplayer.vision.detector import FaceDetector

DATA = Path(__file__).parent / "data"


def test_crop_rule_is_the_measured_one():
    # Measured on FER2013 PublicTest with python -m moodplayer.vision.crop_rule.
    assert CROP_SCALE == pytest.approx(1.16) and CROP_SHIFT == pytest.approx((0.0, -0.10))
    x0, y0, side = crop_box((100, 200, 100, 100))
    assert side == 116
    assert x0 + side / 2 == pytest.approx(150, abs=0.5)
    assert y0 + side / 2 == pytest.approx(250 - 10, abs=0.5)


def test_crop_cuts_the_rule_square_in_grey():
    # A frame whose grey value tells the position: rows encode y, columns encode x.
    ys, xs = np.mgrid[0:480, 0:640]
    frame = np.dstack([(xs % 256), (ys % 256), np.zeros_like(xs)]).astype(np.uint8)
    box = (150, 100, 100, 100)
    crop = crop_face(frame, box)
    assert crop.shape == (48, 48) and crop.dtype == np.uint8
    x0, y0, side = crop_box(box)
    expected = cv2.resize(cv2.cvtColor(frame[y0:y0 + side, x0:x0 + side], cv2.COLOR_BGR2GRAY), (48, 48),
                          interpolation=cv2.INTER_AREA)
    assert np.array_equal(crop, expected)


def test_crop_at_the_frame_edge_repeats_edge_pixels():
    frame = np.zeros((200, 200, 3), np.uint8)
    frame[:, :10] = 255  # a white stripe along the left edge
    crop = crop_face(frame, (-40, 50, 80, 80))  # left half of the square is outside
    assert crop.shape == (48, 48)
    assert (crop[:, :20] == 255).all()  # outside the frame: the white edge column repeated
    assert (crop[:, 32:] == 0).all()  # inside, past the stripe
    crop = crop_face(frame, (500, 500, 50, 50))  # entirely outside: still a valid crop
    assert crop.shape == (48, 48)


def test_crop_accepts_grey_frames():
    frame = np.full((100, 100), 77, np.uint8)
    assert (crop_face(frame, (20, 20, 40, 40)) == 77).all()


@pytest.fixture(scope="module")
def classifier():
    return EmotionClassifier(num_threads=1)


def test_predict_returns_seven_probabilities(classifier):
    probs = classifier.predict(np.full((48, 48), 128, np.uint8))
    assert probs.shape == (7,) and probs.dtype == np.float32
    assert probs.sum() == pytest.approx(1.0, abs=1e-5) and (probs >= 0).all()
    with pytest.raises(ValueError):
        classifier.predict(np.zeros((64, 64), np.uint8))


def test_astronaut_is_happy(classifier):
    frame = cv2.imread(str(DATA / "astronaut.png"))
    (face,) = FaceDetector(num_threads=1).detect(frame)
    probs = classifier.classify(frame, face.box)
    assert Emotion(int(probs.argmax())) is Emotion.HAPPY
    assert probs[Emotion.HAPPY] > 0.5
