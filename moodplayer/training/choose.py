"""Choose an ensemble on PublicTest and the shifted PublicTest together, not on one number.

python -m moodplayer.training.choose --fer2013 CSV --ferplus CSV --member A --member B
    [--knobs -0.25 0 0.25] [--baseline models/emotion_int8.tflite]

For each knob k (k * log class prior added to the members' mean log-probabilities:
below 0 favours the rare classes, above 0 neutral and happy), prints the PublicTest
FER+ majority accuracy, each class's recall pooled over all shifted images and its
worst on one shift, and whether it passes the ship rule against the baseline:
accuracy >= 86 % and no class's pooled or worst shifted recall below the baseline's.
Members are int8 files or checkpoints (as in teacher.py); the numbers are for the
members as given (float for checkpoints), so export the chosen one and measure it again.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np

from moodplayer.emotions import LABELS
from moodplayer.training.shifted import SHIFTS
from moodplayer.training.teacher import log_probs

SHIP_ACCURACY = 0.86


def shifted_sets(images: np.ndarray) -> list[np.ndarray]:
    """The clean images first, then each shift of training/shifted.py."""
    return [images] + [np.stack([shift(img, i) for i, img in enumerate(images)])
                       for shift in SHIFTS.values()]


def scores(log_p: np.ndarray, truth: np.ndarray) -> dict:
    """log_p: (sets, n, 7), clean first. Accuracy on the clean set; recalls over the shifts."""
    predicted = log_p.argmax(axis=-1)
    recall = np.array([[(p[truth == c] == c).mean() if (truth == c).any() else np.nan
                        for c in range(len(LABELS))] for p in predicted[1:]])
    with warnings.catch_warnings():  # a class with no faces has no recall: NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        pooled, worst = np.nanmean(recall, axis=0), np.nanmin(recall, axis=0)
    return {"accuracy": float((predicted[0] == truth).mean()), "pooled": pooled, "worst": worst}


def passes(candidate: dict, baseline: dict) -> bool:
    keep = ~np.isnan(baseline["pooled"])
    return bool(candidate["accuracy"] >= SHIP_ACCURACY
                and (candidate["pooled"][keep] >= baseline["pooled"][keep]).all()
                and (candidate["worst"][keep] >= baseline["worst"][keep]).all())


def _line(name: str, s: dict, ok: bool | None = None) -> str:
    fmt = lambda v: " ".join(f"{x:.2f}" for x in v)  # noqa: E731
    verdict = "" if ok is None else ("  PASSES" if ok else "  no")
    return f"{name:14s} {s['accuracy']:.4f}  pooled {fmt(s['pooled'])}  worst {fmt(s['worst'])}{verdict}"


def main(argv=None) -> int:
    from moodplayer.config import MODELS_DIR
    from moodplayer.training.ensemble import class_prior
    from moodplayer.vision.fer_data import load_splits

    parser = argparse.ArgumentParser(prog="python -m moodplayer.training.choose", description=__doc__)
    parser.add_argument("--fer2013", type=Path, required=True)
    parser.add_argument("--ferplus", type=Path, required=True)
    parser.add_argument("--member", type=Path, action="append", required=True)
    parser.add_argument("--widths", default="32,64,128,256", help="of the checkpoint members")
    parser.add_argument("--knobs", type=float, nargs="+", default=[-0.25, 0.0, 0.25])
    parser.add_argument("--baseline", type=Path, default=MODELS_DIR / "emotion_int8.tflite")
    args = parser.parse_args(argv)
    rows = load_splits(args.fer2013, ("Training", "PublicTest"), args.ferplus)
    truth = rows["PublicTest"].ferplus_majority()
    keep = truth >= 0
    sets = shifted_sets(rows["PublicTest"].images[keep])
    log_prior = np.log(class_prior(rows["Training"]))
    widths = tuple(int(w) for w in args.widths.split(","))

    def member_log_p(path: Path) -> np.ndarray:
        return np.stack([log_probs(path, s, widths) for s in sets])

    baseline = scores(member_log_p(args.baseline), truth[keep])
    mean = np.mean([member_log_p(p) for p in args.member], axis=0)
    print("classes:", " ".join(LABELS))
    print(_line("baseline", baseline))
    for knob in args.knobs:
        candidate = scores(mean + knob * log_prior, truth[keep])
        print(_line(f"knob {knob:+.2f}", candidate, passes(candidate, baseline)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
