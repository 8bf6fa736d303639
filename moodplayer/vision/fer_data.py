"""Reading FER2013 (Kaggle csv) and FER+ votes (Microsoft csv) with numpy only.

Used by `moodplayer evaluate` and by the training pipeline, so both see the
same rows and the same labels.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# FER+ vote columns, in the file's order.
FERPLUS_COLUMNS = (
    "neutral", "happiness", "surprise", "sadness", "anger",
    "disgust", "fear", "contempt", "unknown", "NF",
)
# For each of our 7 classes (angry..neutral) the FER+ column that holds its votes.
FERPLUS_TO_OURS = (4, 5, 6, 1, 3, 2, 0)
SPLITS = ("Training", "PublicTest", "PrivateTest")


@dataclass
class FerRows:
    """Images of one split with both label sets; arrays share the row order."""

    images: np.ndarray  # (n, 48, 48) uint8
    labels: np.ndarray  # (n,) int, FER2013 label 0..6
    votes: np.ndarray | None  # (n, 10) int FER+ votes, or None

    def ferplus_soft(self) -> np.ndarray:
        """Vote shares over our 7 classes (contempt, unknown and NF dropped)."""
        ours = self.votes[:, FERPLUS_TO_OURS].astype(np.float32)
        total = ours.sum(axis=1, keepdims=True)
        return np.divide(ours, total, out=np.zeros_like(ours), where=total > 0)

    def ferplus_majority(self) -> np.ndarray:
        """Plurality label over all 10 FER+ columns mapped to ours; -1 where it is
        contempt, unknown or not-a-face (or the row has no votes)."""
        top = np.argmax(self.votes, axis=1)
        lookup = np.full(len(FERPLUS_COLUMNS), -1, dtype=np.int64)
        for ours, column in enumerate(FERPLUS_TO_OURS):
            lookup[column] = ours
        label = lookup[top]
        label[self.votes.sum(axis=1) == 0] = -1
        return label


def _open_text(path: Path):
    if str(path).endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def read_fer2013(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (images uint8 (n,48,48), labels (n,), usage (n,) str) for every row."""
    images, labels, usage = [], [], []
    with _open_text(Path(path)) as handle:
        reader = csv.reader(handle)
        header = next(reader)
        if [h.strip().lower() for h in header[:3]] != ["emotion", "pixels", "usage"]:
            raise ValueError(f"{path}: expected header 'emotion,pixels,Usage', got {header!r}")
        for line_no, row in enumerate(reader, start=2):
            pixels = np.array(row[1].split(), dtype=np.uint8)
            if pixels.size != 48 * 48:
                raise ValueError(f"{path}:{line_no}: expected 2304 pixels, got {pixels.size}")
            images.append(pixels.reshape(48, 48))
            labels.append(int(row[0]))
            usage.append(row[2].strip())
    return np.stack(images), np.array(labels, dtype=np.int64), np.array(usage)


def read_ferplus(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Return (votes (n,10) int, usage (n,) str) from Microsoft's fer2013new.csv."""
    votes, usage = [], []
    with _open_text(Path(path)) as handle:
        reader = csv.reader(handle)
        header = next(reader)
        if len(header) < 12 or header[2].strip().lower() != "neutral":
            raise ValueError(f"{path}: not a FER+ votes file (header {header!r})")
        for row in reader:
            usage.append(row[0].strip())
            votes.append([int(v or 0) for v in row[2:12]])
    return np.array(votes, dtype=np.int64), np.array(usage)


def load_split(fer2013: str | Path, split: str, ferplus: str | Path | None = None) -> FerRows:
    """Rows of one split; FER+ votes aligned row by row when given."""
    return load_splits(fer2013, (split,), ferplus)[split]


def load_splits(fer2013: str | Path, splits, ferplus: str | Path | None = None) -> dict[str, FerRows]:
    """Rows of each split, reading the files once; FER+ votes aligned row by row when given."""
    for split in splits:
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    images, labels, usage = read_fer2013(fer2013)
    votes = None
    if ferplus is not None:
        votes, plus_usage = read_ferplus(ferplus)
        if len(votes) != len(images):
            raise ValueError(
                f"FER+ file has {len(votes)} rows but FER2013 file has {len(images)}; "
                "they must be the same rows in the same order"
            )
        if not np.array_equal(plus_usage, usage):
            raise ValueError("FER+ and FER2013 files disagree on the Usage column")
    found = {}
    for split in splits:
        keep = usage == split
        if not keep.any():
            raise ValueError(f"{fer2013}: no rows with Usage={split}")
        found[split] = FerRows(images[keep], labels[keep], None if votes is None else votes[keep])
    return found
