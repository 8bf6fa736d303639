"""training/choose.py: the ship rule over PublicTest and its shifts, on arrays and on a
small csv made here with the shipped int8 file (no TensorFlow)."""

import numpy as np

from moodplayer.training.choose import main, passes, scores, shifted_sets
from moodplayer.training.shifted import SHIFTS
from moodplayer.vision.classifier import DEFAULT_MODEL
from tests.test_evaluation import _write_csvs
from tests.test_training_teacher import _faces


def _log_p(predicted: np.ndarray) -> np.ndarray:
    """(sets, n) class indices -> (sets, n, 7) log-probabilities that pick them."""
    return np.log(np.where(np.eye(7)[predicted] > 0, 0.9, 0.1 / 6))


def test_scores_take_accuracy_on_clean_images_and_recalls_over_the_shifts():
    truth = np.array([0, 0, 1, 1])
    predicted = np.array([[0, 0, 1, 1],   # clean: all right
                          [0, 6, 1, 1],   # shift 1: one angry missed
                          [6, 6, 1, 6]])  # shift 2: both angry and one disgust missed
    s = scores(_log_p(predicted), truth)
    assert s["accuracy"] == 1.0
    assert s["pooled"][0] == 0.25 and s["worst"][0] == 0.0
    assert s["pooled"][1] == 0.75 and s["worst"][1] == 0.5
    assert np.isnan(s["pooled"][3])  # no happy faces: no recall, not zero


def test_the_ship_rule_needs_the_accuracy_and_every_recall():
    base = {"accuracy": 0.85, "pooled": np.array([0.6, 0.3, np.nan]), "worst": np.array([0.3, 0.1, np.nan])}
    better = {"accuracy": 0.87, "pooled": np.array([0.7, 0.3, 0.0]), "worst": np.array([0.4, 0.1, 0.0])}
    assert passes(better, base)
    assert not passes({**better, "accuracy": 0.859}, base)
    assert not passes({**better, "worst": np.array([0.4, 0.09, 0.0])}, base)
    assert not passes({**better, "pooled": np.array([0.59, 0.3, 0.0])}, base)


def test_every_shift_is_one_set_after_the_clean_one(data_dir):
    faces = _faces(data_dir)
    sets = shifted_sets(faces)
    assert len(sets) == 1 + len(SHIFTS) and np.array_equal(sets[0], faces)
    assert all(s.shape == faces.shape for s in sets)


def test_the_command_compares_members_with_the_baseline(tmp_path, data_dir, capsys):
    faces = _faces(data_dir)
    fer, plus = _write_csvs(tmp_path, [(3, faces[0], "Training"), (3, faces[0], "PublicTest"),
                                       (6, faces[2], "PublicTest")],
                            ["0,10,0,0,0,0,0,0,0,0", "0,10,0,0,0,0,0,0,0,0", "10,0,0,0,0,0,0,0,0,0"])
    assert main(["--fer2013", str(fer), "--ferplus", str(plus), "--member", str(DEFAULT_MODEL),
                 "--knobs", "0", "--baseline", str(DEFAULT_MODEL)]) == 0
    lines = capsys.readouterr().out.splitlines()
    baseline = next(line for line in lines if line.startswith("baseline"))
    knob = next(line for line in lines if line.startswith("knob +0.00"))
    # The same model as member and baseline: the same numbers, judged on the accuracy alone.
    assert knob[15:].removesuffix("  PASSES").removesuffix("  no") == baseline[15:]
    accuracy = float(baseline.split()[1])
    assert knob.endswith("PASSES") == (accuracy >= 0.86)
