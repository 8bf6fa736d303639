"""Cover art as Qt images: the picture library.covers finds (embedded, else folder.jpg
and friends) as a cached square thumbnail, else a generated placeholder."""

from __future__ import annotations

import hashlib
import logging
import os

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter

from moodplayer.library.covers import cache_file, cache_key, embedded_picture, folder_picture
from moodplayer.ui.icons import svg_image

log = logging.getLogger(__name__)

PALETTES = (("#6e56cf", "#f5a524"), ("#3e63dd", "#12a594"), ("#e5484d", "#8e4ec6"),
            ("#46a758", "#3e63dd"), ("#12a594", "#f5a524"), ("#8e4ec6", "#e93d82"))


def cover_image(path: str | os.PathLike, size: int) -> QImage | None:
    """A square `size` thumbnail for the track at `path`, or None when it has no
    picture (then show `placeholder`). Safe off the GUI thread."""
    key = cache_key(path, size)
    cached = cache_file(key) if key else None
    if cached is not None and cached.is_file():
        image = QImage(str(cached))
        if not image.isNull():
            return image
    data = embedded_picture(path) or folder_picture(path)
    image = QImage.fromData(data) if data else QImage()
    if image.isNull():
        return None
    thumb = _square(image, size)
    if cached is not None:
        try:
            thumb.save(str(cached), "PNG")
        except OSError as exc:  # a cache we cannot write is only slower
            log.debug("cover cache not written: %s", exc)
    return thumb


def placeholder(seed: str, size: int) -> QImage:
    """A gradient square with a note and the title's initials; the same title
    always gets the same colours. GUI thread only (it renders an SVG)."""
    digest = hashlib.sha1(seed.encode("utf-8", "replace")).digest()
    start, end = PALETTES[digest[0] % len(PALETTES)]
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    gradient = QLinearGradient(QPointF(0, 0), QPointF(size, size))
    gradient.setColorAt(0, QColor(start))
    gradient.setColorAt(1, QColor(end))
    painter.setBrush(gradient)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.08, size * 0.08)
    note = svg_image("library", size // 2, "#ffffff")
    painter.setOpacity(0.35)
    painter.drawImage(QPointF(size * 0.45, size * 0.08), note)
    painter.setOpacity(1.0)
    font = QFont()
    font.setPixelSize(max(8, size // 4))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRectF(size * 0.08, size * 0.5, size * 0.84, size * 0.42),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, _initials(seed))
    painter.end()
    return image


def blank(size: int, colour: QColor) -> QImage:
    """Nothing playing: a quiet square in `colour` with a faint note."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.08, size * 0.08)
    painter.setOpacity(0.5)
    painter.drawImage(QPointF(size * 0.3, size * 0.3), svg_image("library", round(size * 0.4), "#ffffff"))
    painter.end()
    return image


def _initials(text: str) -> str:
    words = [w for w in text.replace("_", " ").replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0].upper() for w in words[:2]) or "♪"


def _square(image: QImage, size: int) -> QImage:
    side = min(image.width(), image.height())
    cropped = image.copy((image.width() - side) // 2, (image.height() - side) // 2, side, side)
    return cropped.scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
