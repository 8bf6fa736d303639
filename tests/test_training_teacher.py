"""training/teacher.py: a teacher's mirror-averaged predictions for every Training row,
from the shipped int8 file (no TensorFlow), on small csv files made here."""

import cv2
import numpy as np
import pytest

from moodplayer.training.teacher import log_probs, main, softmax, teacher_predictions
from moodplayer.vision.classifier import DEFAULT_MODEL, EmotionClassifier
from tests.test_evaluation import _write_csvs


def _faces(data_dir) -> np.ndarray:
    image = cv2.imread(str(data_dir / "astronaut.png"), cv2.IMREAD_GRAYSCALE)
    face = cv2.resize(image[43:193, 151:301], (48, 48), interpolation=cv2.INTER_AREA)
    return np.stack([face, np.roll(face, 4, axis=1), np.full((48, 48), 128, np.uint8)])


def test_one_member_teacher_is_the_model_averaged_with_its_mirror_image(data_dir):
    faces = _faces(data_dir)
    teacher = teacher_predictions([lambda imgs: log_probs(DEFAULT_MODEL, imgs)], faces, [np.zeros(7)])
    classifier = EmotionClassifier()
    for face, row in zip(faces, teacher, strict=True):
        plain = classifier.predict(face)
        mirrored = classifier.predict(np.ascontiguousarray(face[:, ::-1]))
        # log-probabilities are floored at 1e-4 before the softmax: close, not equal
        np.testing.assert_allclose(row, (plain + mirrored) / 2, atol=2e-3)
    assert np.allclose(teacher.sum(axis=1), 1.0, atol=1e-5)


def test_a_prior_shift_moves_the_teacher_towards_the_shifted_class(data_dir):
    faces = _faces(data_dir)
    member = [lambda imgs: log_probs(DEFAULT_MODEL, imgs)]
    towards_disgust = np.zeros(7)
    towards_disgust[1] = 3.0
    plain = teacher_predictions(member, faces, [np.zeros(7)])
    shifted = teacher_predictions(member, faces, [towards_disgust])
    assert (shifted[:, 1] > plain[:, 1]).all()
    # The flat grey face is its own mirror image, so its teacher is one softmax: shifting its
    # logits is shifting the log of its teacher.
    np.testing.assert_allclose(softmax(np.log(plain[2:]) + towards_disgust), shifted[2:], atol=1e-5)


def test_the_command_writes_one_row_per_training_row(tmp_path, data_dir, capsys):
    faces = _faces(data_dir)
    rows = [(3, faces[0], "Training"), (3, faces[1], "Training"), (6, faces[2], "PublicTest")]
    fer, plus = _write_csvs(tmp_path, rows, ["0,10,0,0,0,0,0,0,0,0", "2,8,0,0,0,0,0,0,0,0",
                                             "10,0,0,0,0,0,0,0,0,0"])
    out = tmp_path / "teacher.npy"
    assert main(["--fer2013", str(fer), "--ferplus", str(plus), "--member", str(DEFAULT_MODEL),
                 "--out", str(out)]) == 0
    teacher = np.load(out)
    assert teacher.shape == (2, 7) and np.allclose(teacher.sum(axis=1), 1.0, atol=1e-5)
    assert "Training rows" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--fer2013", str(fer), "--ferplus", str(plus), "--member", str(DEFAULT_MODEL),
              "--prior-shift", "0", "1", "--out", str(out)])
