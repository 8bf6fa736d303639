"""The About dialog: versions, the emotion model's card, privacy."""

from __future__ import annotations

import platform

from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout

from moodplayer import __version__
from moodplayer.ui.dialogs import PRIVACY
from moodplayer.ui.icons import app_icon
from moodplayer.vision.model_card import model_card_numbers


def versions(vlc_version: str | None) -> list[tuple[str, str]]:
    import cv2
    import mutagen
    import numpy
    import PySide6

    rows = [("MoodPlayer", __version__), ("Python", platform.python_version()),
            ("Qt / PySide6", f"{qVersion()} / {PySide6.__version__}"),
            ("libVLC", vlc_version or "not available"), ("OpenCV", cv2.__version__),
            ("NumPy", numpy.__version__), ("mutagen", mutagen.version_string)]
    try:
        from importlib.metadata import version

        rows.append(("LiteRT", version("ai-edge-litert")))
    except Exception:
        rows.append(("LiteRT", "not installed"))
    return rows


class AboutDialog(QDialog):
    def __init__(self, vlc_version: str | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("About MoodPlayer")
        self.setWindowIcon(app_icon())
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(QSize(64, 64)))
        title = QLabel(f"<h2>MoodPlayer {__version__}</h2>"
                       "<p>Plays music from your own library to match the mood on your face.</p>")
        title.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(title, 1)
        self.text = QTextBrowser()
        self.text.setAccessibleName("About MoodPlayer")
        self.text.setOpenExternalLinks(False)
        self.text.setHtml(self._html(vlc_version))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(560, 520)

    @staticmethod
    def _html(vlc_version: str | None) -> str:
        rows = "".join(f"<tr><td><b>{name}</b></td><td>{value}</td></tr>"
                       for name, value in versions(vlc_version))
        card = _card_html(model_card_numbers())
        return (f"<h3>Versions</h3><table cellspacing='6'>{rows}</table>"
                f"<h3>Emotion model</h3>{card}"
                f"<p>Face detection: MediaPipe BlazeFace short-range (Apache-2.0).</p>"
                f"<h3>Privacy</h3><p>{PRIVACY}</p>"
                f"<p>Operating system: {_escape(platform.platform())}</p>")


def _card_html(lines: list[str]) -> str:
    if not lines:
        return "<p>No model card found in the models folder.</p>"
    parts, in_table = [], False
    for line in lines:
        if line.startswith("|") != in_table:
            parts.append("<table border='1' cellpadding='3' cellspacing='0'>" if not in_table else "</table>")
            in_table = not in_table
        if in_table:
            cells = [c.strip() for c in line.strip("|").split("|")]
            parts.append("<tr>" + "".join(f"<td>{_escape(c)}</td>" for c in cells) + "</tr>")
        else:
            parts.append(f"<p>{_escape(line)}</p>")
    return "".join(parts) + ("</table>" if in_table else "")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
