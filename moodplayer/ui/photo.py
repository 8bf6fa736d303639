"""Analyse Photo: every face in a still image with its emotion, from vision.still (the same
analysis as `moodplayer classify`), as a Qt image with boxes to draw."""

from __future__ import annotations

import cv2
from PySide6.QtGui import QImage

from moodplayer.emotions import EMOTIONS, Emotion
from moodplayer.ui.faces import FaceBox


def analyse_photo(path: str) -> tuple[QImage, list[FaceBox], list[str]]:
    """(image, faces, one line per face). Runs off the GUI thread; loads its own models."""
    from moodplayer.vision.classifier import EmotionClassifier
    from moodplayer.vision.detector import FaceDetector
    from moodplayer.vision.still import ImageError, analyse_image, read_image

    try:
        frame = read_image(path)[0]  # for display; analyse_image reads it the same way
    except ImageError as exc:
        raise ValueError(str(exc)) from exc
    result = analyse_image(path, FaceDetector(num_threads=1), EmotionClassifier(num_threads=1))
    if result.error is not None:
        raise ValueError(result.error)
    faces, details = [], []
    for number, face in enumerate(result.faces, start=1):
        best = Emotion.parse(face.emotion)
        box = tuple(v / result.scale for v in face.box)  # into the decoded (maybe reduced) picture
        faces.append(FaceBox(box, best, face.probabilities[best.label]))
        ranked = sorted(EMOTIONS, key=lambda e: -face.probabilities[e.label])[:3]
        details.append(f"Face {number}: " + ", ".join(f"{e.label} {face.probabilities[e.label]:.0%}"
                                                      for e in ranked))
    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0], QImage.Format.Format_RGB888).copy()
    return image, faces, details
