"""Our SVG icons from resources/icons, tinted to the palette and sharp at any DPR."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from moodplayer.config import RESOURCES_DIR
from moodplayer.emotions import Emotion

ICONS_DIR = RESOURCES_DIR / "icons"
SIZES = (16, 20, 24, 32, 48)
NAME_PROPERTY = "moodplayer_icon"


def set_icon(target, name: str) -> None:
    """Give a button or action a tinted icon, remembered so `retint` can redo it."""
    target.setIcon(icon(name))
    target.setProperty(NAME_PROPERTY, name)


def retint(root: QObject) -> None:
    """Re-tint every icon set with `set_icon` under `root` (after a palette change)."""
    for target in (root, *root.findChildren(QObject)):
        name = target.property(NAME_PROPERTY)
        if name:
            target.setIcon(icon(name))


def icon(name: str) -> QIcon:
    """A QIcon whose strokes take the current palette's text colour."""
    palette = QApplication.palette()
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).name()
    return _icon(name, normal, disabled)


def emotion_icon(emotion: Emotion) -> QIcon:
    return icon(f"emotion-{emotion.label}")


def app_icon() -> QIcon:
    return icon("moodplayer")


def svg_image(name: str, size: int, colour: str = "#000000") -> QImage:
    """Render one icon to a square image (used by painters and the tray)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    _renderer(name, colour).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


@lru_cache(maxsize=256)
def _icon(name: str, normal: str, disabled: str) -> QIcon:
    result = QIcon()
    for mode, colour in ((QIcon.Mode.Normal, normal), (QIcon.Mode.Disabled, disabled)):
        for size in SIZES:
            for ratio in (1, 2):
                result.addPixmap(_pixmap(name, colour, size, ratio), mode)
    return result


def _pixmap(name: str, colour: str, size: int, ratio: int) -> QPixmap:
    pixmap = QPixmap.fromImage(svg_image(name, size * ratio, colour))
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


@lru_cache(maxsize=256)
def _renderer(name: str, colour: str) -> QSvgRenderer:
    text = (ICONS_DIR / f"{name}.svg").read_text(encoding="utf-8")
    renderer = QSvgRenderer(QByteArray(text.replace("currentColor", QColor(colour).name()).encode()))
    if not renderer.isValid():
        raise ValueError(f"icon {name!r} is not a valid SVG")
    return renderer
