"""Out-of-domain validation made from PublicTest: the same faces seen as another
camera or another face cropper would show them.

python -m moodplayer.training.shifted --fer2013 CSV --ferplus CSV [--model M.tflite ...]

Each shift changes every PublicTest image one way (framed tighter or looser,
moved, darker, brighter, low contrast, blurred, noisy, small and upscaled,
JPEG) and scores the int8 file through the app's own classifier. A v2 model
ships only if no class's recall on these falls below v1's. Needs no TensorFlow.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from moodplayer.emotions import LABELS
from moodplayer.vision.evaluation import scores


def _reframe(img: np.ndarray, scale: float, dx: float = 0.0, dy: float = 0.0) -> np.ndarray:
    """scale < 1: tighter (zoom in); > 1: looser (edges repeated, as the app's crop does)."""
    c = 23.5
    m = np.array([[1 / scale, 0, c - c / scale + dx * 48], [0, 1 / scale, c - c / scale + dy * 48]],
                 dtype=np.float32)
    return cv2.warpAffine(img, m, (48, 48), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _gamma(img: np.ndarray, g: float) -> np.ndarray:
    return np.clip(255.0 * (img / 255.0) ** g, 0, 255).astype(np.uint8)


def _contrast(img: np.ndarray, k: float) -> np.ndarray:
    mean = img.mean()
    return np.clip((img.astype(np.float32) - mean) * k + mean, 0, 255).astype(np.uint8)


def _noise(img: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(img + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)


def _small(img: np.ndarray, side: int) -> np.ndarray:
    down = cv2.resize(img, (side, side), interpolation=cv2.INTER_AREA)
    return cv2.resize(down, (48, 48), interpolation=cv2.INTER_LINEAR)


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, blob = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(blob, cv2.IMREAD_GRAYSCALE) if ok else img


SHIFTS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "tight 0.8": lambda im, i: _reframe(im, 0.8),
    "loose 1.25": lambda im, i: _reframe(im, 1.25),
    "moved": lambda im, i: _reframe(im, 1.0, 0.08 * (1 if i % 2 else -1), 0.06),
    "dark (gamma 1.8)": lambda im, i: _gamma(im, 1.8),
    "bright (gamma 0.55)": lambda im, i: _gamma(im, 0.55),
    "low contrast": lambda im, i: _contrast(im, 0.5),
    "blurred": lambda im, i: cv2.GaussianBlur(im, (5, 5), 1.2),
    "noisy": lambda im, i: _noise(im, 8.0, i),
    "small (20 px)": lambda im, i: _small(im, 20),
    "jpeg q20": lambda im, i: _jpeg(im, 20),
}


def shifted_report(classifier, images: np.ndarray, truth: np.ndarray) -> dict:
    """Accuracy and per-class recall on the clean images and on each shift, plus the
    lowest recall of each class over all shifts."""
    report = {"clean": _score(classifier, images, truth)}
    for name, shift in SHIFTS.items():
        moved = np.stack([shift(img, i) for i, img in enumerate(images)])
        report[name] = _score(classifier, moved, truth)
    worst = {c: min(report[s]["recall"][c] for s in SHIFTS) for c in LABELS}
    report["worst recall"] = worst
    report["mean shifted accuracy"] = round(float(np.mean([report[s]["accuracy"] for s in SHIFTS])), 4)
    return report


def _score(classifier, images: np.ndarray, truth: np.ndarray) -> dict:
    predicted = np.array([int(np.argmax(classifier.predict(img))) for img in images])
    result = scores(truth, predicted)
    return {"accuracy": result["accuracy"],
            "recall": {c: result["per_class"][c]["recall"] for c in LABELS}}


def main(argv=None) -> int:
    from moodplayer.vision.classifier import EmotionClassifier
    from moodplayer.vision.fer_data import load_split

    parser = argparse.ArgumentParser(prog="python -m moodplayer.training.shifted", description=__doc__)
    parser.add_argument("--fer2013", type=Path, required=True)
    parser.add_argument("--ferplus", type=Path, required=True)
    parser.add_argument("--model", type=Path, action="append", help="int8 TFLite file(s); default: shipped")
    parser.add_argument("--out", type=Path, help="write the JSON report here too")
    args = parser.parse_args(argv)
    rows = load_split(args.fer2013, "PublicTest", args.ferplus)
    truth = rows.ferplus_majority()
    keep = truth >= 0
    reports = {}
    for model in args.model or [None]:
        classifier = EmotionClassifier(model)
        reports[str(classifier.model_path)] = shifted_report(classifier, rows.images[keep], truth[keep])
    text = json.dumps(reports, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
