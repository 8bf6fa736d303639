"""BlazeFace: our anchors, decoding and NMS, and the real model on real pictures."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from moodplayer.vision.detector import (
    INPUT_SIZE,
    Face,
    FaceDetector,
    decode,
    generate_anchors,
    iou,
    letterbox,
    non_max_suppression,
    primary_face,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def detector():
    return FaceDetector(num_threads=1)


@pytest.fixture(scope="module")
def astronaut():
    return cv2.imread(str(DATA / "astronaut.png"))


def test_anchors_match_the_model_layout():
    anchors = generate_anchors()
    assert anchors.shape == (896, 2)
    # stride 8: a 16x16 grid with 2 anchors per cell, in row-major order
    assert np.allclose(anchors[0], [0.5 / 16, 0.5 / 16]) and np.allclose(anchors[1], anchors[0])
    assert np.allclose(anchors[2], [1.5 / 16, 0.5 / 16])
    assert np.allclose(anchors[32], [0.5 / 16, 1.5 / 16])
    # three stride-16 layers share one 8x8 grid: 6 anchors per cell
    assert np.allclose(anchors[512:518], [0.5 / 8, 0.5 / 8])
    assert np.allclose(anchors[518], [1.5 / 8, 0.5 / 8])
    assert np.allclose(anchors[-1], [7.5 / 8, 7.5 / 8])


def test_decode_places_box_and_keypoints_relative_to_the_anchor():
    anchors = generate_anchors()
    regressors = np.zeros((896, 16), np.float32)
    logits = np.full(896, -10.0, np.float32)
    regressors[600] = [12.8, -6.4, 32, 64] + [1.28, 2.56] * 6  # pixels of the 128 input
    logits[600] = 3.0
    boxes, keypoints, scores = decode(regressors, logits, anchors, min_score=0.5)
    assert len(scores) == 1 and scores[0] == pytest.approx(1 / (1 + np.exp(-3.0)))
    cx, cy = anchors[600] + [0.1, -0.05]
    assert np.allclose(boxes[0], [cx - 0.125, cy - 0.25, cx + 0.125, cy + 0.25])
    assert np.allclose(keypoints[0], anchors[600] + [0.01, 0.02])


def test_decode_drops_low_scores():
    anchors = generate_anchors()
    boxes, _, scores = decode(np.zeros((896, 16), np.float32), np.full(896, 0.1, np.float32),
                              anchors, min_score=0.6)
    assert len(boxes) == 0 and len(scores) == 0


def _three_boxes():
    boxes = np.array([[0.10, 0.10, 0.50, 0.50], [0.12, 0.12, 0.52, 0.52], [0.60, 0.60, 0.90, 0.90]])
    keypoints = np.stack([np.full((6, 2), b[0]) for b in boxes])
    return boxes, keypoints, np.array([0.6, 0.9, 0.7])


def test_plain_nms_keeps_the_best_of_each_overlapping_group():
    boxes, keypoints, scores = _three_boxes()
    kept, points, kept_scores = non_max_suppression(boxes, keypoints, scores, 0.3, weighted=False)
    assert np.allclose(kept_scores, [0.9, 0.7])
    assert np.allclose(kept[0], boxes[1]) and np.allclose(kept[1], boxes[2])
    assert np.allclose(points[0], 0.12)


def test_weighted_nms_averages_the_suppressed_boxes_by_score():
    boxes, keypoints, scores = _three_boxes()
    kept, points, kept_scores = non_max_suppression(boxes, keypoints, scores, 0.3, weighted=True)
    assert np.allclose(kept_scores, [0.9, 0.7])
    expected = (boxes[0] * 0.6 + boxes[1] * 0.9) / 1.5
    assert np.allclose(kept[0], expected) and np.allclose(points[0], expected[0])
    assert np.allclose(kept[1], boxes[2])


def test_nms_of_nothing_is_nothing():
    boxes, points, scores = non_max_suppression(np.zeros((0, 4)), np.zeros((0, 6, 2)), np.zeros(0))
    assert boxes.shape == (0, 4) and points.shape == (0, 6, 2) and scores.shape == (0,)


def test_iou():
    assert iou(np.array([0, 0, 2, 2.0]), np.array([[1, 1, 3, 3.0], [5, 5, 6, 6.0]])) == pytest.approx(
        [1 / 7, 0.0])


def test_letterbox_keeps_aspect_and_maps_back():
    frame = np.zeros((480, 640, 3), np.uint8)
    frame[200:280, 300:340] = (0, 0, 255)  # a red patch, BGR
    tensor, scale, pad_x, pad_y = letterbox(frame)
    assert tensor.shape == (1, INPUT_SIZE, INPUT_SIZE, 3) and tensor.dtype == np.float32
    assert (scale, pad_x, pad_y) == (0.2, 0, 16)
    assert tensor.min() == pytest.approx(-1.0) and tensor.max() == pytest.approx(1.0)
    # the patch lands where the mapping says, as red in RGB order
    y, x = round(240 * scale + pad_y), round(320 * scale + pad_x)
    assert np.allclose(tensor[0, y, x], [1.0, -1.0, -1.0])
    assert np.allclose(tensor[0, 5, 64], -1.0)  # padding


def test_astronaut_has_one_face_around_her_head(detector, astronaut):
    faces = detector.detect(astronaut)
    assert len(faces) == 1
    face = faces[0]
    x, y, w, h = face.box
    assert face.score > 0.8
    # her face spans about x 175-275, y 80-180 in the 512x512 photo
    assert 160 < x < 200 and 60 < y < 110 and 80 < w < 120 and 80 < h < 120
    right_eye, left_eye, nose, mouth = face.keypoints[:4]
    assert right_eye[0] < left_eye[0] and nose[1] < mouth[1]
    assert all(x <= px <= x + w and y <= py <= y + h for px, py in face.keypoints[:4])


def test_box_follows_the_face_in_a_wider_frame(detector, astronaut):
    frame = np.full((480, 640, 3), 90, np.uint8)
    frame[:, 100:612] = astronaut[20:500]
    (face,) = detector.detect(frame)
    x, y, w, h = face.box
    expected = np.array([178, 81, 94, 94]) + [100, -20, 0, 0]
    assert np.allclose([x, y, w, h], expected, atol=8)


def test_blank_and_flat_frames_have_no_face(detector):
    assert detector.detect(np.zeros((480, 640, 3), np.uint8)) == []
    assert detector.detect(np.full((480, 640, 3), 200, np.uint8)) == []


def test_primary_face_prefers_large_and_central():
    shape = (480, 640, 3)
    kp = np.zeros((6, 2), np.float32)
    central = Face((270, 190, 100, 100), 0.9, kp)
    edge_bigger = Face((0, 0, 110, 110), 0.95, kp)
    tiny = Face((300, 220, 20, 20), 0.99, kp)
    assert primary_face([edge_bigger, tiny, central], shape) is central
    assert primary_face([tiny, Face((0, 0, 300, 300), 0.6, kp)], shape).box[2] == 300
    assert primary_face([], shape) is None
