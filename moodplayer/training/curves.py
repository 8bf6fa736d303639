"""Training curves (loss and accuracy per epoch) as a PNG, from Keras' CSV log."""

from __future__ import annotations

import csv
from pathlib import Path


def plot_history(history_csv: Path, out_png: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(history_csv, newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r.get("epoch", "").isdigit()]
    # A resumed run appends; the last row for an epoch is the one that counts.
    by_epoch = {int(r["epoch"]): r for r in rows}
    epochs = sorted(by_epoch)
    series = {k: [float(by_epoch[e][k]) for e in epochs] for k in
              ("loss", "val_loss", "accuracy", "val_accuracy")}
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    xs = [e + 1 for e in epochs]
    left.plot(xs, series["loss"], label="train")
    left.plot(xs, series["val_loss"], label="PublicTest")
    left.set(title="loss (cross-entropy, FER+ soft labels)", xlabel="epoch")
    right.plot(xs, series["accuracy"], label="train (vs soft-label argmax)")
    right.plot(xs, series["val_accuracy"], label="PublicTest (FER+ majority)")
    right.set(title="accuracy", xlabel="epoch")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    out_png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_png, dpi=100)
    plt.close(fig)
    return out_png
