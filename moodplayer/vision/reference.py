"""Population statistics of the emotion model that calibration measures a user against:
per class, the mean logits and mean embedding over FER2013 Training rows (FER+ majority
labels). Stored next to the model as <model>.reference.json, stamped with the model's
sha256, and made by

    python -m moodplayer.vision.reference --fer2013 fer2013-trainval.csv.gz \
        --ferplus fer2013new-trainval.csv

A model without a matching reference still calibrates, with the weaker fallback
described in calibration.py.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from moodplayer.emotions import LABELS
from moodplayer.vision.features import FeatureClassifier, model_sha256

log = logging.getLogger(__name__)
FORMAT = 1


@dataclass
class Reference:
    logits: np.ndarray  # (7, 7) mean logits per true class
    embedding: np.ndarray  # (7, D) mean embedding per true class
    counts: np.ndarray  # (7,) rows behind each mean


def reference_path(model_path: str | Path) -> Path:
    model_path = Path(model_path)
    return model_path.with_name(model_path.stem + ".reference.json")


def load_reference(model_path: str | Path, embedding_size: int) -> Reference | None:
    """The reference for this model file, or None (missing, for another model, or unreadable)."""
    path = reference_path(model_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("model_sha256") != model_sha256(model_path):
            log.warning("%s was made for another model; calibration runs without it", path)
            return None
        classes = [data["classes"][label] for label in LABELS]
        reference = Reference(np.array([c["logits_mean"] for c in classes], np.float32),
                              np.array([c["embedding_mean"] for c in classes], np.float32),
                              np.array([c["count"] for c in classes], np.int64))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("cannot read %s (%s); calibration runs without it", path, exc)
        return None
    if reference.logits.shape != (7, 7) or reference.embedding.shape != (7, embedding_size):
        log.warning("%s does not fit the model's tensors; calibration runs without it", path)
        return None
    return reference


def build_reference(classifier: FeatureClassifier, images: np.ndarray, labels: np.ndarray) -> dict:
    """The reference file's content from labelled 48x48 crops (labels -1 are skipped)."""
    readings = [classifier.read(image) for image in images]
    logits = np.array([r.logits for r in readings])
    embedding = np.array([r.embedding for r in readings])
    classes = {}
    for index, label in enumerate(LABELS):
        keep = labels == index
        if not keep.any():
            raise ValueError(f"no rows of class {label}: the reference needs every class")
        classes[label] = {"count": int(keep.sum()),
                          "logits_mean": [round(float(v), 5) for v in logits[keep].mean(axis=0)],
                          "embedding_mean": [round(float(v), 5) for v in embedding[keep].mean(axis=0)]}
    return {"format": FORMAT, "model": classifier.model_path.name, "model_sha256": classifier.sha256,
            "embedding": classifier.embedding_kind,
            "source": "FER2013 Training rows, FER+ majority labels", "classes": classes}


def main(argv: list[str] | None = None) -> int:
    from moodplayer.vision.fer_data import load_split

    parser = argparse.ArgumentParser(prog="python -m moodplayer.vision.reference", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fer2013", required=True)
    parser.add_argument("--ferplus", required=True)
    parser.add_argument("--model", help="model file (default: the shipped one)")
    args = parser.parse_args(argv)
    classifier = FeatureClassifier(args.model)
    rows = load_split(args.fer2013, "Training", args.ferplus)
    content = build_reference(classifier, rows.images, rows.ferplus_majority())
    path = reference_path(classifier.model_path)
    path.write_text(json.dumps(content, separators=(",", ":")) + "\n", encoding="utf-8")
    counts = ", ".join(f"{k} {v['count']}" for k, v in content["classes"].items())
    print(f"wrote {path} ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
