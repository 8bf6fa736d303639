"""Renders the app icon's PNG sizes for the hicolor theme from resources/icons/moodplayer.svg.

The PNGs are committed (desktop.py installs them without Qt); run this after changing the SVG:
    .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SIZES = (48, 128, 256)


def render(svg: Path, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = RESOURCES / "icons" / "moodplayer.svg"
    out = RESOURCES / "icons" / "png"
    out.mkdir(exist_ok=True)
    for size in SIZES:
        if not render(svg, size).save(str(out / f"moodplayer-{size}.png")):
            print(f"could not write the {size} px icon", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
