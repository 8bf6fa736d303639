"""Face boxes with their emotion, and the painter both the camera view and the
photo analysis use to draw them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from moodplayer.emotions import Emotion


@dataclass(frozen=True)
class FaceBox:
    """A face in image pixels (x, y, w, h) and what it shows."""

    box: tuple[float, float, float, float]
    emotion: Emotion | None = None
    confidence: float = 0.0

    @property
    def caption(self) -> str:
        if self.emotion is None:
            return "face"
        return f"{self.emotion.label} {round(self.confidence * 100)}%"


def paint_faces(painter: QPainter, faces: list[FaceBox], scale: float, offset: QPointF,
                main_index: int = 0) -> list[tuple[str, QRectF, QRectF]]:
    """Draw each face box and its caption; returns (caption, caption rect, face rect)
    in widget pixels for each face.

    `scale` and `offset` map image pixels to widget pixels. The main face gets a
    thicker box; the others are drawn thinner so the user sees which one counts.
    """
    drawn = []
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    for index, face in enumerate(faces):
        x, y, w, h = face.box
        rect = QRectF(offset.x() + x * scale, offset.y() + y * scale, w * scale, h * scale)
        colour = QColor(face.emotion.colour if face.emotion is not None else "#ffffff")
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(colour, 3 if index == main_index else 1.5))
        painter.drawRoundedRect(rect, 6, 6)
        drawn.append((face.caption, _paint_caption(painter, metrics, face.caption, rect, colour), rect))
    return drawn


def _paint_caption(painter: QPainter, metrics: QFontMetricsF, text: str, face: QRectF,
                   colour: QColor) -> QRectF:
    pad = 5.0
    width, height = metrics.horizontalAdvance(text) + 2 * pad, metrics.height() + pad
    top = face.top() - height - 3 if face.top() - height - 3 >= 0 else face.top() + 3
    pill = QRectF(face.left(), top, width, height)
    path = QPainterPath()
    path.addRoundedRect(pill, height / 2, height / 2)
    painter.fillPath(path, colour)
    painter.setPen(QColor("#111111") if colour.lightness() > 140 else QColor("#ffffff"))
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
    return pill
