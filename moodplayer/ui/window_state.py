"""The window's own state between runs (window.json): geometry, splitter, tab, compact, theme."""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QByteArray

from moodplayer import config
from moodplayer.config import write_json_atomic
from moodplayer.ui.theme import THEMES


def window_state_path() -> Path:
    return config.data_dir() / "window.json"


def save_window_state(window) -> None:
    write_json_atomic(window_state_path(), {
        "geometry": bytes(window.saveGeometry().toHex()).decode(),
        "splitter": window.splitter.sizes(),
        "tab": window.tabs.currentIndex(),
        "compact": window.actions.compact.isChecked(),
        "theme": window.theme,
    })


def restore_window_state(window) -> list[int] | None:
    """Applies what was saved; returns the splitter sizes, to set once the window is laid out."""
    try:
        data = json.loads(window_state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    if data.get("geometry"):
        window.restoreGeometry(QByteArray.fromHex(str(data["geometry"]).encode()))
    splitter = None
    if isinstance(data.get("splitter"), list) and len(data["splitter"]) == 2:
        splitter = [int(v) for v in data["splitter"]]
    window.tabs.setCurrentIndex(int(data.get("tab", 0)) if str(data.get("tab", 0)).isdigit() else 0)
    window.set_compact(bool(data.get("compact", False)))
    theme = os.environ.get("MOODPLAYER_THEME") or data.get("theme") or "system"
    window.set_theme(theme if theme in THEMES else "system")
    return splitter
