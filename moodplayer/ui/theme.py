"""Light and dark palettes on the Fusion style, following the system by default."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("system", "light", "dark")

_DARK = {
    QPalette.ColorRole.Window: "#1f2024",
    QPalette.ColorRole.WindowText: "#e8e8ec",
    QPalette.ColorRole.Base: "#17181b",
    QPalette.ColorRole.AlternateBase: "#23252a",
    QPalette.ColorRole.ToolTipBase: "#2b2d33",
    QPalette.ColorRole.ToolTipText: "#e8e8ec",
    QPalette.ColorRole.PlaceholderText: "#8b8d98",
    QPalette.ColorRole.Text: "#e8e8ec",
    QPalette.ColorRole.Button: "#2b2d33",
    QPalette.ColorRole.ButtonText: "#e8e8ec",
    QPalette.ColorRole.BrightText: "#ff6369",
    QPalette.ColorRole.Light: "#3a3d45",
    QPalette.ColorRole.Midlight: "#32343b",
    QPalette.ColorRole.Mid: "#26282d",
    QPalette.ColorRole.Dark: "#141517",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: "#7c5cdb",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#9d8cf2",
    QPalette.ColorRole.LinkVisited: "#b69cf5",
}
_DARK_DISABLED = {
    QPalette.ColorRole.WindowText: "#6c6e78",
    QPalette.ColorRole.Text: "#6c6e78",
    QPalette.ColorRole.ButtonText: "#6c6e78",
    QPalette.ColorRole.Highlight: "#3d3f47",
}
_LIGHT_ACCENT = {
    QPalette.ColorRole.Highlight: "#6e56cf",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#5b45b8",
}


def apply_theme(app: QApplication, theme: str = "system") -> None:
    """Fusion everywhere (same look on every desktop), palette by `theme`."""
    app.setStyle(QStyleFactory.create("Fusion"))
    dark = theme == "dark" or (theme == "system" and system_prefers_dark())
    app.setPalette(dark_palette() if dark else light_palette())


def system_prefers_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role, colour in _DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


def light_palette() -> QPalette:
    palette = QApplication.style().standardPalette()
    for role, colour in _LIGHT_ACCENT.items():
        palette.setColor(QPalette.ColorGroup.Active, role, QColor(colour))
        palette.setColor(QPalette.ColorGroup.Inactive, role, QColor(colour))
    return palette


def muted(palette: QPalette) -> QColor:
    """Secondary text colour: half way from text to window."""
    text, window = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    return QColor((text.red() + window.red()) // 2, (text.green() + window.green()) // 2,
                  (text.blue() + window.blue()) // 2)
