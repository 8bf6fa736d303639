"""The FER-style face crop and the real int8 emotion model on a real face."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from moodplayer.emotions import Emotion
from moodplayer.vision.classifier import (
    CROP_SCALE,
    CROP_SHIFT,
    FREE_TILT,
    EmotionClassifier,
    crop_box,
    crop_face,
    eye_tilt,
)
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


def _turned(frame: np.ndarray, centre, degrees: float) -> np.ndarray:
    """The frame turned counter-clockwise on screen by degrees about centre."""
    m = cv2.getRotationMatrix2D(centre, degrees, 1.0)
    return cv2.warpAffine(frame, m, frame.shape[1::-1], borderMode=cv2.BORDER_REPLICATE)


def _bar_angle(crop: np.ndarray) -> float:
    """Clockwise-on-screen angle of the bright bar in a crop (image moments)."""
    m = cv2.moments((crop > 128).astype(np.uint8), binaryImage=True)
    return float(np.degrees(0.5 * np.arctan2(2 * m["mu11"], m["mu20"] - m["mu02"])))


def _bar_frame():
    """A bright horizontal bar through a face box's crop centre, and two 'eyes' on it."""
    frame = np.zeros((480, 640, 3), np.uint8)
    box = (270, 190, 100, 100)
    x0, y0, side = crop_box(box)
    cy = y0 + side // 2
    frame[cy - 4:cy + 5, x0 + 10:x0 + side - 10] = 255
    return frame, box, (x0 + side / 2, cy), np.array([[300.0, cy], [340.0, cy]])


def test_eye_tilt_is_the_turn_of_the_line_between_the_eyes():
    assert eye_tilt(None) == 0.0
    assert eye_tilt([[100, 100], [140, 100]]) == pytest.approx(0.0)
    assert eye_tilt([[100, 100], [140, 140]]) == pytest.approx(40.0)  # 45 degrees: past MAX_TILT
    assert eye_tilt([[100, 100], [140, 90]]) == pytest.approx(-14.04, abs=0.01)
    assert eye_tilt([[100, 100], [100.2, 100.3]]) == 0.0  # the same point twice: no direction


def test_a_face_tilted_no_more_than_fer2013_faces_is_cut_as_before():
    frame, box, centre, eyes = _bar_frame()
    assert np.array_equal(crop_face(frame, box, eyes), crop_face(frame, box))
    turned, turned_eyes = _turned(frame, centre, FREE_TILT - 1), _rotate(eyes, centre, FREE_TILT - 1)
    assert np.array_equal(crop_face(turned, box, turned_eyes), crop_face(turned, box))


def _rotate(points: np.ndarray, centre, degrees: float) -> np.ndarray:
    m = cv2.getRotationMatrix2D(centre, degrees, 1.0)
    return points @ m[:, :2].T + m[:, 2]


@pytest.mark.parametrize("degrees", [25.0, -25.0])
def test_a_tilted_face_is_turned_back_to_the_tilt_fer2013_faces_have(degrees):
    frame, box, centre, eyes = _bar_frame()
    turned, turned_eyes = _turned(frame, centre, degrees), _rotate(eyes, centre, degrees)
    assert _bar_angle(crop_face(frame, box)) == pytest.approx(0.0, abs=1.0)
    assert _bar_angle(crop_face(turned, box)) == pytest.approx(-degrees, abs=1.5)
    levelled = _bar_angle(crop_face(turned, box, turned_eyes))
    assert levelled == pytest.approx(-np.sign(degrees) * FREE_TILT, abs=1.5)


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


def test_a_tilted_real_face_is_cut_nearly_as_it_is_upright(classifier):
    frame = cv2.imread(str(DATA / "astronaut.png"))
    detector = FaceDetector(num_threads=1)
    (upright,) = detector.detect(frame)
    # Clockwise, on top of her own lean (about 10 degrees the same way): both crops are then
    # turned back to FER2013's 5 degrees, so they should nearly match.
    tilted = _turned(frame, upright.centre, -20.0)
    (face,) = detector.detect(tilted)
    assert eye_tilt(face.keypoints[:2]) == pytest.approx(eye_tilt(upright.keypoints[:2]) + 20.0, abs=6.0)
    reference = crop_face(frame, upright.box, upright.keypoints[:2]).astype(np.float32)
    as_cut = crop_face(tilted, face.box).astype(np.float32)
    turned = crop_face(tilted, face.box, face.keypoints[:2]).astype(np.float32)
    assert np.abs(turned - reference).mean() < 0.6 * np.abs(as_cut - reference).mean()
    probs = classifier.classify(tilted, face.box, face.keypoints[:2])
    assert Emotion(int(probs.argmax())) is Emotion.HAPPY


class _EyesSeen(EmotionClassifier):
    """The real classifier, noting the eye points each classify() was given."""

    def __init__(self):
        super().__init__(num_threads=1)
        self.eyes = []

    def classify(self, frame_bgr, box, eyes=None):
        self.eyes.append(None if eyes is None else np.asarray(eyes))
        return super().classify(frame_bgr, box, eyes)


def test_the_camera_path_and_the_photo_path_level_the_face_they_classify(tmp_path):
    from moodplayer.vision.pipeline import VisionPipeline
    from moodplayer.vision.still import analyse_image

    frame = cv2.imread(str(DATA / "astronaut.png"))
    detector, seen = FaceDetector(num_threads=1), _EyesSeen()
    tilted = _turned(frame, detector.detect(frame)[0].centre, -20.0)
    (face,) = detector.detect(tilted)
    result = VisionPipeline(detector=detector, classifier=seen).process(tilted, 0.0)
    cv2.imwrite(str(tmp_path / "tilted.png"), tilted)
    analyse_image(tmp_path / "tilted.png", detector, seen)
    assert len(seen.eyes) == 2 and result.primary is not None
    for eyes in seen.eyes:
        assert eyes is not None and np.allclose(eyes, face.keypoints[:2], atol=0.5)


def test_the_tilt_measure_scores_upright_and_turned_crops(classifier):
    from moodplayer.vision.crop_rule import measure_tilts

    frame = cv2.imread(str(DATA / "astronaut.png"))
    detector = FaceDetector(num_threads=1)
    (face,) = detector.detect(frame)
    faces = np.stack([crop_face(frame, face.box)] * 2)
    report = measure_tilts(faces, np.array([Emotion.HAPPY, Emotion.SAD]), detector, classifier, [0, 25])
    assert set(report) == {"0", "25"}
    for tilt in report.values():
        assert tilt["faces"] == 2 and tilt["of"] == 2
        for cut in ("upright", "turned"):  # happy is right, sad is not
            assert tilt[cut]["accuracy"] == 0.5
            assert tilt[cut]["recall"][Emotion.HAPPY] == 1.0 and tilt[cut]["recall"][Emotion.SAD] == 0.0
            assert tilt[cut]["recall"][Emotion.ANGRY] is None
