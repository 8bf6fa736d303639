"""The window's trimmings: the warning banner and the system tray icon."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QSystemTrayIcon, QToolButton

from moodplayer.ui.icons import app_icon, icon, set_icon


class Banner(QFrame):
    """A warning strip across the top (no VLC, a folder that cannot be scanned)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Warning")
        self.setObjectName("banner")
        self._lines: list[str] = []
        self.icon = QLabel()
        self.icon.setPixmap(icon("warning").pixmap(QSize(20, 20)))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        set_icon(close, "remove")
        close.setAccessibleName("Hide warning")
        close.setAutoRaise(True)
        close.clicked.connect(self.clear)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.refresh()
        self.hide()

    def add(self, text: str) -> None:
        """Show `text` under what is already shown (each message once)."""
        if text not in self._lines:
            self._lines.append(text)
        self.text.setText("\n".join(self._lines))
        self.show()

    def clear(self) -> None:
        self._lines.clear()
        self.hide()

    def refresh(self) -> None:
        """Again for the current palette (after a theme change)."""
        text = self.palette().windowText().color().name()
        self.setStyleSheet("#banner { background: rgba(245, 165, 36, 0.18); border-bottom: 1px solid "
                           f"rgba(245, 165, 36, 0.6); }} QLabel {{ color: {text}; }}")


class MoodTray(QSystemTrayIcon):
    """Tray icon: the mood (read-only line), play/pause, next, show, quit."""

    def __init__(self, toggle: Callable, next_track: Callable, show_window: Callable, quit_app: Callable,
                 parent=None):
        super().__init__(app_icon(), parent)
        menu = QMenu(parent)
        self.mood = menu.addAction("Mood: unknown")
        self.mood.setEnabled(False)
        menu.addSeparator()
        menu.addAction("Play / Pause", toggle)
        menu.addAction("Next Track", next_track)
        menu.addSeparator()
        menu.addAction("Show MoodPlayer", show_window)
        menu.addAction("Quit", quit_app)
        self.setContextMenu(menu)
        self.activated.connect(lambda reason: show_window()
                               if reason == QSystemTrayIcon.ActivationReason.Trigger else None)
        self.setToolTip("MoodPlayer")

    def show_mood(self, text: str) -> None:
        self.mood.setText(f"Mood: {text}")
        self.setToolTip(f"MoodPlayer — {text}")

    def show_track(self, title: str) -> None:
        self.setToolTip(f"MoodPlayer — {title}")


def horizontal_line() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
