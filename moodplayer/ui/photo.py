"""Analyse Photo: every face in a still image with its emotion."""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtGui import QImage

from moodplayer.emotions import EMOTIONS, Emotion
from moodplayer.ui.faces import FaceBox


def analyse_photo(path: str) -> tuple[QImage, list[FaceBox], list[str]]:
    """(image, faces, one line per face). Runs off the GUI thread; loads its own models."""
    from moodplayer.vision.classifier import EmotionClassifier
    from moodplayer.vision.detector import FaceDetector

    frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if frame is None:
        raise ValueError(f"{path} is not an image this program can read")
    detector, classifier = FaceDetector(num_threads=1), EmotionClassifier(num_threads=1)
    faces, details = [], []
    for number, face in enumerate(detector.detect(frame), start=1):
        probs = classifier.classify(frame, face.box)
        best = Emotion(int(np.argmax(probs)))
        faces.append(FaceBox(tuple(face.box), best, float(probs[best])))
        ranked = sorted(zip(EMOTIONS, probs, strict=True), key=lambda pair: -pair[1])[:3]
        details.append(f"Face {number}: " + ", ".join(f"{e.label} {p:.0%}" for e, p in ranked))
    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0], QImage.Format.Format_RGB888).copy()
    return image, faces, details
