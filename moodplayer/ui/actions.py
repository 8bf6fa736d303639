"""Every menu entry and keyboard shortcut of the main window, in one registry.

`ACTIONS` says what exists (menu, text, keys, icon); `install_actions(window, slots)`
makes the QActions, puts them in the menu bar and connects each to `slots[name]`.
The mood keys 1–7 and A belong to the override bar's buttons (ui/mood_panel.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from moodplayer.ui.icons import set_icon
from moodplayer.ui.theme import THEMES

Key = Qt.Key
Shortcut = QKeySequence.StandardKey | str | Key | tuple | None


@dataclass(frozen=True)
class ActionSpec:
    name: str
    menu: str
    text: str
    keys: Shortcut = None  # one key sequence, or a tuple of them (the first is shown in the menu)
    icon: str | None = None
    checkable: bool = False
    separator_before: bool = False


MENUS = ("&File", "&Playback", "&View", "&Settings", "&Help")
ACTIONS = (
    ActionSpec("choose", "&File", "Choose Music &Folder…", QKeySequence.StandardKey.Open, "folder"),
    ActionSpec("rescan", "&File", "&Rescan", "F5", "rescan"),
    ActionSpec("photo", "&File", "&Analyse Photo…", "Ctrl+I", "photo"),
    ActionSpec("quit", "&File", "&Quit", QKeySequence.StandardKey.Quit, "quit", separator_before=True),
    ActionSpec("toggle", "&Playback", "&Play / Pause",
               ("Ctrl+Space", Key.Key_MediaTogglePlayPause, Key.Key_MediaPlay), "play"),
    ActionSpec("next", "&Playback", "&Next Track", ("Ctrl+Right", Key.Key_MediaNext), "next"),
    ActionSpec("previous", "&Playback", "P&revious Track", ("Ctrl+Left", Key.Key_MediaPrevious), "previous"),
    ActionSpec("camera", "&View", "&Camera", "Ctrl+K", "camera", checkable=True),
    ActionSpec("compact", "&View", "Co&mpact Mode", "Ctrl+M", "compact", checkable=True),
    ActionSpec("settings", "&Settings", "&Settings…", "Ctrl+,", "settings"),
    ActionSpec("about", "&Help", "&About MoodPlayer", None, "info"),
)


def install_actions(window, slots: dict[str, Callable], set_theme: Callable[[str], None]) -> SimpleNamespace:
    """The window's actions by name (`actions.rescan`), plus `actions.themes` (the
    View → Appearance group, one checkable action per theme)."""
    bar = window.menuBar()
    menus = {title: bar.addMenu(title) for title in MENUS}
    made = {}
    for spec in ACTIONS:
        action = _make(window, spec, slots[spec.name])
        if spec.separator_before:
            menus[spec.menu].addSeparator()
        menus[spec.menu].addAction(action)
        made[spec.name] = action
        if spec.name == "compact":
            made["themes"] = _theme_menu(window, menus["&View"], set_theme)
    return SimpleNamespace(**made)


def _make(window, spec: ActionSpec, slot: Callable) -> QAction:
    action = QAction(spec.text, window)
    if spec.icon:
        set_icon(action, spec.icon)
    if isinstance(spec.keys, tuple):
        action.setShortcuts([QKeySequence(key) for key in spec.keys])
    elif spec.keys is not None:
        action.setShortcut(QKeySequence(spec.keys))
    action.setCheckable(spec.checkable)
    action.triggered.connect(slot if spec.checkable else (lambda _checked=False: slot()))
    return action


def _theme_menu(window, view_menu, set_theme: Callable[[str], None]) -> QActionGroup:
    theme_menu = view_menu.addMenu("&Appearance")
    group = QActionGroup(window)
    for name in THEMES:
        action = theme_menu.addAction(name.capitalize(), lambda n=name: set_theme(n))
        action.setCheckable(True)
        action.setData(name)
        group.addAction(action)
    return group
