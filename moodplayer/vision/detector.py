"""Face detection with MediaPipe's BlazeFace short-range model.

The model file is MediaPipe's; the anchor generation, box decoding and
non-maximum suppression below are ours (numpy), following the options of
MediaPipe's face_detection_short_range graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from moodplayer.config import MODELS_DIR
from moodplayer.vision.runtime import load_interpreter

DEFAULT_MODEL = MODELS_DIR / "face_detection_short_range.tflite"
INPUT_SIZE = 128
# SSD anchor options of the short-range graph: four layers, two anchors per layer
# and cell (aspect 1 plus the interpolated scale); equal strides share one grid.
STRIDES = (8, 16, 16, 16)
ANCHORS_PER_LAYER = 2
NUM_KEYPOINTS = 6
SCORE_CLIP = 100.0
KEYPOINT_NAMES = ("right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear")


@dataclass
class Face:
    """One detected face. box = (x, y, w, h) and keypoints (6, 2) in frame pixels."""

    box: tuple[float, float, float, float]
    score: float
    keypoints: np.ndarray

    @property
    def centre(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return x + w / 2, y + h / 2

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]


def generate_anchors(input_size: int = INPUT_SIZE, strides=STRIDES) -> np.ndarray:
    """(N, 2) anchor centres (x, y) in [0, 1], in the model's output order.

    The short-range model uses fixed-size anchors, so only the centres matter.
    """
    anchors = []
    layer = 0
    while layer < len(strides):
        stride = strides[layer]
        same = 1
        while layer + same < len(strides) and strides[layer + same] == stride:
            same += 1
        cells = int(np.ceil(input_size / stride))
        ys, xs = np.mgrid[0:cells, 0:cells]
        centres = np.stack([(xs + 0.5) / cells, (ys + 0.5) / cells], axis=-1).reshape(-1, 1, 2)
        per_cell = ANCHORS_PER_LAYER * same
        anchors.append(np.repeat(centres, per_cell, axis=1).reshape(-1, 2))
        layer += same
    return np.concatenate(anchors).astype(np.float32)


def decode(regressors: np.ndarray, logits: np.ndarray, anchors: np.ndarray,
           min_score: float, input_size: int = INPUT_SIZE):
    """Raw model outputs -> (boxes (n,4) as x0,y0,x1,y1, keypoints (n,6,2), scores (n,)),
    all in [0, 1] of the model input, only where the score reaches `min_score`."""
    logits = np.clip(logits.reshape(-1).astype(np.float64), -SCORE_CLIP, SCORE_CLIP)
    scores = 1.0 / (1.0 + np.exp(-logits))
    keep = scores >= min_score
    raw = regressors.reshape(len(anchors), -1)[keep] / input_size
    centres = anchors[keep]
    cx = raw[:, 0] + centres[:, 0]
    cy = raw[:, 1] + centres[:, 1]
    half_w, half_h = raw[:, 2] / 2, raw[:, 3] / 2
    boxes = np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1)
    keypoints = raw[:, 4:4 + 2 * NUM_KEYPOINTS].reshape(-1, NUM_KEYPOINTS, 2) + centres[:, None, :]
    return boxes, keypoints, scores[keep]


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one x0,y0,x1,y1 box against many."""
    ix0 = np.maximum(box[0], boxes[:, 0])
    iy0 = np.maximum(box[1], boxes[:, 1])
    ix1 = np.minimum(box[2], boxes[:, 2])
    iy1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def non_max_suppression(boxes: np.ndarray, keypoints: np.ndarray, scores: np.ndarray,
                        threshold: float = 0.3, weighted: bool = True):
    """Greedy NMS by score. Weighted (MediaPipe's default for faces): each kept
    detection is the score-weighted mean of the ones it suppresses, which
    steadies the box from frame to frame. Returns the same three arrays."""
    order = np.argsort(-scores)
    boxes, keypoints, scores = boxes[order], keypoints[order], scores[order]
    out_boxes, out_points, out_scores = [], [], []
    remaining = np.arange(len(scores))
    while remaining.size:
        overlap = iou(boxes[remaining[0]], boxes[remaining])
        group = remaining[overlap > threshold]
        group = group if group.size else remaining[:1]
        top = remaining[0]
        if weighted:
            w = scores[group][:, None]
            out_boxes.append((boxes[group] * w).sum(0) / w.sum())
            out_points.append((keypoints[group] * w[:, :, None]).sum(0) / w.sum())
        else:
            out_boxes.append(boxes[top])
            out_points.append(keypoints[top])
        out_scores.append(scores[top])
        remaining = remaining[overlap <= threshold]
        remaining = remaining[remaining != top]
    if not out_scores:
        return boxes[:0], keypoints[:0], scores[:0]
    return np.array(out_boxes), np.array(out_points), np.array(out_scores)


def letterbox(frame_bgr: np.ndarray, size: int = INPUT_SIZE):
    """Resize keeping aspect, pad to a size x size square (centred).

    Returns (rgb float32 in [-1, 1] of shape (1, size, size, 3), scale, pad_x, pad_y)
    where frame pixel = (model pixel - pad) / scale.
    """
    h, w = frame_bgr.shape[:2]
    scale = size / max(h, w)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    resized = cv2.resize(frame_bgr, (new_w, new_h), interpolation=cv2.INTER_AREA)
    pad_x, pad_y = (size - new_w) // 2, (size - new_h) // 2
    square = cv2.copyMakeBorder(resized, pad_y, size - new_h - pad_y, pad_x, size - new_w - pad_x,
                                cv2.BORDER_CONSTANT, value=(0, 0, 0))
    rgb = cv2.cvtColor(square, cv2.COLOR_BGR2RGB)
    tensor = (rgb.astype(np.float32) * (2.0 / 255.0) - 1.0)[None]
    return tensor, scale, pad_x, pad_y


class FaceDetector:
    """detect(frame_bgr) -> faces, best first."""

    def __init__(self, model_path: str | Path | None = None, num_threads: int = 1,
                 min_score: float = 0.5, nms_threshold: float = 0.3, weighted_nms: bool = True):
        self.model_path = Path(model_path or DEFAULT_MODEL)
        self.min_score = min_score
        self.nms_threshold = nms_threshold
        self.weighted_nms = weighted_nms
        self._interp = load_interpreter(self.model_path, num_threads)
        self._input = self._interp.get_input_details()[0]
        outputs = {d["name"]: d for d in self._interp.get_output_details()}
        # By name where the file names them; otherwise the wide one holds the boxes.
        by_width = sorted(outputs.values(), key=lambda d: d["shape"][-1])
        self._scores = outputs.get("classificators", by_width[0])
        self._boxes = outputs.get("regressors", by_width[-1])
        self._anchors = generate_anchors()
        if self._boxes["shape"][1] != len(self._anchors):
            raise ValueError(f"{self.model_path}: expected {len(self._anchors)} anchors, "
                             f"got output shape {tuple(self._boxes['shape'])}")

    def detect(self, frame_bgr: np.ndarray) -> list[Face]:
        tensor, scale, pad_x, pad_y = letterbox(frame_bgr)
        self._interp.set_tensor(self._input["index"], tensor)
        self._interp.invoke()
        boxes, points, scores = decode(self._interp.get_tensor(self._boxes["index"])[0],
                                       self._interp.get_tensor(self._scores["index"])[0],
                                       self._anchors, self.min_score)
        boxes, points, scores = non_max_suppression(boxes, points, scores,
                                                    self.nms_threshold, self.weighted_nms)
        faces = []
        # Boxes are not clipped to the frame: the crop needs the true centre and size.
        for box, kp, score in zip(boxes, points, scores, strict=True):
            x0, y0, x1, y1 = ((box * INPUT_SIZE - (pad_x, pad_y, pad_x, pad_y)) / scale).tolist()
            if x1 <= x0 or y1 <= y0:
                continue
            frame_kp = (kp * INPUT_SIZE - (pad_x, pad_y)) / scale
            faces.append(Face((x0, y0, x1 - x0, y1 - y0), float(score), frame_kp.astype(np.float32)))
        return faces


def primary_face(faces: list[Face], frame_shape) -> Face | None:
    """The face the app follows: the largest, discounted by distance from the
    centre, so a big face at the edge loses to a slightly smaller central one."""
    if not faces:
        return None
    h, w = frame_shape[:2]
    half_diagonal = np.hypot(w, h) / 2

    def weight(face: Face) -> float:
        cx, cy = face.centre
        off_centre = np.hypot(cx - w / 2, cy - h / 2) / half_diagonal
        return face.area * (1.0 - 0.5 * off_centre)

    return max(faces, key=weight)
