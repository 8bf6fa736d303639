"""Measures how FER2013 frames a face, so the app's crop matches the training data.

Each 48x48 image is upscaled, padded with grey (BlazeFace needs room around a
face) and run through our detector. The ratio of the image side to the detected
box size and the offset of the image centre from the box centre, in box sizes,
give CROP_SCALE and CROP_SHIFT in classifier.py. The overlap (IoU) of the crop
the rule cuts from each canvas with the true image square says how well the
rule frames single faces.

    python -m moodplayer.vision.crop_rule --fer2013 fer2013.csv.gz [--n 300]

With --ferplus and --tilts, it scores the emotion model through the detector on each canvas
turned by those degrees, the square cut upright against turned back with the eyes
(crop_face's eyes argument): FER+ majority accuracy and per-class recall.
"""

from __future__ import annotations

import argparse
import json

import cv2
import numpy as np

from moodplayer.vision.classifier import CROP_SIZE, EmotionClassifier, crop_box
from moodplayer.vision.detector import FaceDetector, primary_face
from moodplayer.vision.fer_data import load_split, load_splits

UPSCALE = 4
GREY = 128


def canvas(image48: np.ndarray) -> tuple[np.ndarray, int]:
    """The image upscaled and padded by half its side on each edge; returns (bgr, pad)."""
    side = CROP_SIZE * UPSCALE
    pad = side // 2
    big = cv2.resize(image48, (side, side), interpolation=cv2.INTER_CUBIC)
    padded = cv2.copyMakeBorder(big, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=GREY)
    return cv2.cvtColor(padded, cv2.COLOR_GRAY2BGR), pad


def measure(images: np.ndarray, detector: FaceDetector) -> dict:
    side = CROP_SIZE * UPSCALE
    ratio, shift_x, shift_y, overlap = [], [], [], []
    for image in images:
        frame, pad = canvas(image)
        faces = detector.detect(frame)
        if not faces:
            continue
        x, y, w, h = max(faces, key=lambda f: f.area).box
        size = (w + h) / 2
        ratio.append(side / size)
        shift_x.append((pad + side / 2 - (x + w / 2)) / size)
        shift_y.append((pad + side / 2 - (y + h / 2)) / size)
        x0, y0, crop_side = crop_box((x, y, w, h))
        overlap.append(_square_iou(x0, y0, crop_side, pad, pad, side))

    def quartiles(values):
        return [round(float(v), 3) for v in np.percentile(values, [25, 50, 75])]

    return {"images": len(images), "detected": len(ratio), "side_over_box": quartiles(ratio),
            "shift_x": quartiles(shift_x), "shift_y": quartiles(shift_y),
            "crop_iou": quartiles(overlap)}


def turned_canvas(image48: np.ndarray, degrees: float) -> np.ndarray:
    """canvas() turned counter-clockwise on screen by degrees, grey where it was not."""
    frame, _ = canvas(image48)
    if not degrees:
        return frame
    h, w = frame.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(frame, m, (w, h), borderValue=(GREY, GREY, GREY))


def measure_tilts(images: np.ndarray, truth: np.ndarray, detector, classifier, tilts) -> dict:
    """Per tilt: faces found, and accuracy and per-class recall cut upright and turned back."""
    report = {}
    for degrees in tilts:
        upright, turned, seen = [], [], []
        for image, label in zip(images, truth, strict=True):
            frame = turned_canvas(image, degrees)
            face = primary_face(detector.detect(frame), frame.shape)
            if face is None:
                continue
            seen.append(label)
            upright.append(int(np.argmax(classifier.classify(frame, face.box))))
            turned.append(int(np.argmax(classifier.classify(frame, face.box, face.keypoints[:2]))))
        seen = np.array(seen)
        report[str(degrees)] = {"faces": len(seen), "of": len(images),
                                "upright": _scores(np.array(upright), seen),
                                "turned": _scores(np.array(turned), seen)}
    return report


def _scores(predicted: np.ndarray, truth: np.ndarray) -> dict:
    recall = [round(float((predicted[truth == c] == c).mean()), 3) if (truth == c).any() else None
              for c in range(7)]
    return {"accuracy": round(float((predicted == truth).mean()), 4) if len(truth) else None,
            "recall": recall}


def _square_iou(ax: float, ay: float, a: float, bx: float, by: float, b: float) -> float:
    ix = max(0.0, min(ax + a, bx + b) - max(ax, bx))
    iy = max(0.0, min(ay + a, by + b) - max(ay, by))
    inter = ix * iy
    return inter / (a * a + b * b - inter)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fer2013", required=True, help="FER2013 csv or csv.gz")
    parser.add_argument("--split", default="PublicTest")
    parser.add_argument("--n", type=int, default=300, help="images drawn at random (seed 0)")
    parser.add_argument("--ferplus", help="FER+ votes csv: score the model on turned faces")
    parser.add_argument("--tilts", default="0,15,-15,30,-30", help="degrees, with --ferplus")
    args = parser.parse_args(argv)
    if args.ferplus:
        rows = load_splits(args.fer2013, (args.split,), args.ferplus)[args.split]
        truth = rows.ferplus_majority()
        keep = truth >= 0
        tilts = [float(t) for t in args.tilts.split(",")]
        print(json.dumps(measure_tilts(rows.images[keep], truth[keep], FaceDetector(),
                                       EmotionClassifier(), tilts), indent=2))
        return
    rows = load_split(args.fer2013, args.split)
    pick = np.random.default_rng(0).choice(len(rows.images), min(args.n, len(rows.images)), replace=False)
    print(json.dumps(measure(rows.images[pick], FaceDetector()), indent=2))


if __name__ == "__main__":
    main()
