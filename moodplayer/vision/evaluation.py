"""Scores the shipped model on FER2013 rows (original labels and FER+ majority)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from moodplayer.emotions import LABELS
from moodplayer.vision.classifier import EmotionClassifier
from moodplayer.vision.fer_data import FerRows, load_split


def predict_all(classifier: EmotionClassifier, images: np.ndarray) -> np.ndarray:
    return np.array([int(np.argmax(classifier.predict(img))) for img in images], dtype=np.int64)


def confusion(truth: np.ndarray, predicted: np.ndarray, classes: int = 7) -> np.ndarray:
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (truth, predicted), 1)
    return matrix


def scores(truth: np.ndarray, predicted: np.ndarray) -> dict:
    """Accuracy, macro-F1 (over classes present in the truth), per-class P/R/F1."""
    matrix = confusion(truth, predicted)
    per_class, f1s = {}, []
    for i, name in enumerate(LABELS):
        hits, support, claimed = matrix[i, i], matrix[i].sum(), matrix[:, i].sum()
        precision = hits / claimed if claimed else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[name] = {"precision": round(float(precision), 4), "recall": round(float(recall), 4),
                           "f1": round(float(f1), 4), "support": int(support)}
        if support:
            f1s.append(f1)
    return {
        "n": int(len(truth)),
        "accuracy": round(float((truth == predicted).mean()), 4) if len(truth) else 0.0,
        "macro_f1": round(float(np.mean(f1s)), 4) if f1s else 0.0,
        "per_class": per_class,
        "confusion": matrix.tolist(),
    }


def evaluate(model_path: str | Path | None, fer2013: str | Path, split: str,
             ferplus: str | Path | None = None, profile: str | Path | None = None) -> dict:
    """The report; with `profile` the crops go through that calibration profile, and
    report["profile"] says whether it was used (a profile for another model is not)."""
    rows = load_split(fer2013, split, ferplus)
    if profile is None:
        return evaluate_rows(EmotionClassifier(model_path), rows, split)
    from moodplayer.vision.calibration import open_classifier

    classifier, message = open_classifier(profile, model_path)
    report = evaluate_rows(classifier, rows, split)
    report["profile"] = {"path": str(profile), "used": not message, "message": message,
                         "samples": classifier.profile.sample_counts()}
    return report


def evaluate_rows(classifier: EmotionClassifier, rows: FerRows, split: str) -> dict:
    """The report for rows already read: FER2013 labels, and FER+ majority when votes are there."""
    predicted = predict_all(classifier, rows.images)
    report = {"model": str(classifier.model_path), "split": split,
              "fer2013": scores(rows.labels, predicted)}
    if rows.votes is not None:
        majority = rows.ferplus_majority()
        keep = majority >= 0
        report["ferplus"] = scores(majority[keep], predicted[keep])
        report["ferplus"]["left_out"] = int((~keep).sum())
    return report


def draw_confusion(matrix: np.ndarray, title: str, path: str | Path) -> Path:
    """A labelled heat map (row-normalised colour, counts and row %) as a PNG."""
    matrix = np.asarray(matrix)
    cell, left, top = 74, 110, 96
    size = len(LABELS)
    canvas = np.full((top + cell * size + 40, left + cell * size + 20, 3), 255, np.uint8)
    rows = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, rows, out=np.zeros(matrix.shape, float), where=rows > 0)
    colours = cv2.applyColorMap((share * 255).astype(np.uint8), cv2.COLORMAP_VIRIDIS)
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(canvas, title, (10, 26), font, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(canvas, "predicted", (left + cell * size // 2 - 40, 52), font, 0.5, (60, 60, 60), 1,
                cv2.LINE_AA)
    for i in range(size):
        cv2.putText(canvas, LABELS[i], (left + i * cell + 6, top - 10), font, 0.45, (0, 0, 0), 1,
                    cv2.LINE_AA)
        cv2.putText(canvas, LABELS[i], (10, top + i * cell + cell // 2 + 5), font, 0.5, (0, 0, 0), 1,
                    cv2.LINE_AA)
        for j in range(size):
            x, y = left + j * cell, top + i * cell
            colour = tuple(int(c) for c in colours[i, j])
            cv2.rectangle(canvas, (x, y), (x + cell - 2, y + cell - 2), colour, -1)
            ink = (0, 0, 0) if share[i, j] > 0.6 else (255, 255, 255)
            cv2.putText(canvas, str(matrix[i, j]), (x + 8, y + 30), font, 0.55, ink, 1, cv2.LINE_AA)
            cv2.putText(canvas, f"{share[i, j]:.0%}", (x + 8, y + 56), font, 0.45, ink, 1, cv2.LINE_AA)
    cv2.putText(canvas, "rows: true label; colour: share of the row", (10, canvas.shape[0] - 14),
                font, 0.45, (60, 60, 60), 1, cv2.LINE_AA)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), canvas):
        raise OSError(f"could not write {path}")
    return path
