"""A teacher's soft predictions for every Training row, for `--teacher P.npy --distill A`.

python -m moodplayer.training.teacher --fer2013 CSV --member A.tflite [--member B.weights.h5
    --widths 48,96,192,384] [--prior-shift 0 0.25] --out teacher.npy

Members are int8 files (run by the app's interpreter, no TensorFlow) or training
checkpoints (Keras, the [train] extra). The teacher is the softmax of the members'
mean log-probabilities (what ensemble.py's one-file ensemble computes), plus beta * log
prior per member, averaged with the same on the mirrored face. Rows are all the file's
Training rows in file order, shape (n, 7): training picks the rows it keeps.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

LOG_FLOOR = 1e-4


def _log_probs_int8(path: Path, images: np.ndarray) -> np.ndarray:
    from moodplayer.vision.classifier import EmotionClassifier

    classifier = EmotionClassifier(path)
    probs = np.array([classifier.predict(np.ascontiguousarray(img)) for img in images])
    return np.log(np.maximum(probs, LOG_FLOOR))


def _log_probs_keras(path: Path, images: np.ndarray, widths) -> np.ndarray:
    from moodplayer.training.model import build_model, logits_model

    model = build_model(widths)
    logits_model(model).load_weights(str(path))
    probs = model.predict(images[..., None].astype(np.float32), batch_size=512, verbose=0)
    return np.log(np.maximum(probs, LOG_FLOOR))


def log_probs(path: Path, images: np.ndarray, widths=(32, 64, 128, 256)) -> np.ndarray:
    if path.suffix == ".tflite":
        return _log_probs_int8(path, images)
    return _log_probs_keras(path, images, widths)


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def teacher_predictions(members, images: np.ndarray, shifts: list[np.ndarray]) -> np.ndarray:
    """members: callables images -> (n, 7) log-probabilities. Mirror-averaged teacher."""
    views = (images, np.ascontiguousarray(images[:, :, ::-1]))
    out = np.zeros((len(images), 7), dtype=np.float64)
    for view in views:
        mean = sum(member(view) + shift for member, shift in zip(members, shifts, strict=True))
        out += softmax(mean / len(members)) / len(views)
    return out.astype(np.float32)


def main(argv=None) -> int:
    from moodplayer.training.ensemble import prior_shifts
    from moodplayer.vision.fer_data import load_split

    parser = argparse.ArgumentParser(prog="python -m moodplayer.training.teacher", description=__doc__)
    parser.add_argument("--fer2013", type=Path, required=True)
    parser.add_argument("--ferplus", type=Path, required=True, help="for the class prior")
    parser.add_argument("--member", type=Path, action="append", required=True)
    parser.add_argument("--widths", default="32,64,128,256", help="of the checkpoint members")
    parser.add_argument("--prior-shift", type=float, nargs="*", default=[])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = load_split(args.fer2013, "Training", args.ferplus)
    shifts = prior_shifts(parser, args, rows)
    widths = tuple(int(w) for w in args.widths.split(","))
    members = [lambda imgs, p=p: log_probs(p, imgs, widths) for p in args.member]
    teacher = teacher_predictions(members, rows.images, shifts)
    np.save(args.out, teacher)
    agree = rows.ferplus_majority()
    kept = agree >= 0
    print(f"wrote {args.out}: {teacher.shape}; agrees with the FER+ majority on "
          f"{(teacher[kept].argmax(axis=1) == agree[kept]).mean():.1%} of the Training rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
