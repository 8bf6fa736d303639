"""The live camera picture with face boxes, or a calm message when there is none."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath
from PySide6.QtWidgets import QSizePolicy, QWidget

from moodplayer.ui.faces import FaceBox, paint_faces
from moodplayer.ui.icons import svg_image


class CameraView(QWidget):
    """Paints the newest frame; the worker scales frames to `target_size()` so
    painting is a plain blit (well under 2 ms)."""

    frame_shown = Signal()  # the worker may send the next frame

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Camera view")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 180)
        self._image: QImage | None = None
        self._buffer: np.ndarray | None = None  # keeps the QImage's pixels alive
        self._source_size = QSize()
        self._faces: list[FaceBox] = []
        self._message = "Camera is off"
        self._hint = ""
        self._target = (640, 480)
        self._target_lock = threading.Lock()
        self.drawn_labels: list[tuple[str, QRectF, QRectF]] = []
        self.frames_painted = 0

    # -- inputs -------------------------------------------------------------
    def show_frame(self, frame: np.ndarray, source_size: tuple[int, int], faces: list[FaceBox]) -> None:
        """`frame`: HxWx4 uint8 BGRA (as little-endian RGB32), already scaled for display.
        `source_size` and the face boxes are in the camera's own pixels."""
        frame = np.ascontiguousarray(frame)
        height, width = frame.shape[:2]
        self._buffer = frame
        self._image = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_RGB32)
        self._source_size = QSize(*source_size)
        self._faces = faces
        self._message = ""
        self._hint = "" if faces else "No face in view — the music carries on"
        self.update()

    def show_message(self, message: str) -> None:
        """No picture: say why, calmly (camera off, none found, lost…)."""
        self._image, self._buffer, self._faces = None, None, []
        self._message, self._hint = message, ""
        self.drawn_labels = []
        self.update()

    @property
    def message(self) -> str:
        return self._message or self._hint

    def target_size(self) -> tuple[int, int]:
        """Pixel size the worker should scale frames to (thread-safe)."""
        with self._target_lock:
            return self._target

    def sizeHint(self) -> QSize:
        return QSize(400, 300)

    def resizeEvent(self, event) -> None:
        ratio = self.devicePixelRatioF()
        with self._target_lock:
            self._target = (max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))
        super().resizeEvent(event)

    # -- painting -----------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _rounded_clip(painter, QRectF(self.rect()))
        painter.fillRect(self.rect(), QColor("#101114"))
        if self._image is None:
            self._paint_message(painter)
        else:
            self._paint_frame(painter)
        painter.end()
        self.frame_shown.emit()

    def _paint_frame(self, painter: QPainter) -> None:
        ratio = self.devicePixelRatioF()
        image_size = QSize(self._image.width(), self._image.height())
        target = QRectF(0, 0, image_size.width() / ratio, image_size.height() / ratio)
        target.moveCenter(QRectF(self.rect()).center())
        painter.drawImage(target, self._image)
        self.frames_painted += 1
        scale = target.width() / max(1, self._source_size.width())
        self.drawn_labels = paint_faces(painter, self._faces, scale, target.topLeft())
        if self._hint:
            _paint_pill(painter, self._hint, QRectF(self.rect()).adjusted(8, 8, -8, -10))

    def _paint_message(self, painter: QPainter) -> None:
        box = QRectF(self.rect())
        size = min(64, int(box.height() / 4))
        icon = svg_image("camera-off", round(size * self.devicePixelRatioF()), "#8b8d98")
        icon.setDevicePixelRatio(self.devicePixelRatioF())
        painter.drawImage(QPointF(box.center().x() - size / 2, box.center().y() - size), icon)
        painter.setPen(QColor("#c9cad1"))
        text_box = QRectF(box.left() + 16, box.center().y() + 8, box.width() - 32, box.height() / 2 - 16)
        painter.drawText(text_box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                         | Qt.TextFlag.TextWordWrap, self._message)


def _rounded_clip(painter: QPainter, rect: QRectF) -> None:
    path = QPainterPath()
    path.addRoundedRect(rect, 10, 10)
    painter.setClipPath(path)


def _paint_pill(painter: QPainter, text: str, area: QRectF) -> None:
    metrics = painter.fontMetrics()
    width, height = metrics.horizontalAdvance(text) + 20, metrics.height() + 8
    pill = QRectF(area.center().x() - width / 2, area.bottom() - height, width, height)
    path = QPainterPath()
    path.addRoundedRect(pill, height / 2, height / 2)
    painter.fillPath(path, QColor(0, 0, 0, 150))
    painter.setPen(QColor("#f0f0f3"))
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
