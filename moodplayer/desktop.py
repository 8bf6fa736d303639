"""Puts MoodPlayer in the desktop's app menu: desktop entry, hicolor icons and AppStream metainfo
in the user's XDG data folder (`moodplayer --install-desktop`, `make install`), and takes them out
again. Qt-free: the PNG icons are rendered ahead of time (packaging/render_icons.py)."""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from moodplayer.config import RESOURCES_DIR

log = logging.getLogger(__name__)

APP_ID = "io.github.moodplayer.MoodPlayer"
DESKTOP_FILE = "moodplayer.desktop"  # matches QGuiApplication.setDesktopFileName("moodplayer")
ICON_NAME = "moodplayer"
PNG_SIZES = (48, 128, 256)


def data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset or not absolute (as the spec says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def planned_files(root: Path) -> dict[Path, Path]:
    """Where each installed file goes -> the resource it is copied from."""
    icons = RESOURCES_DIR / "icons"
    hicolor = root / "icons" / "hicolor"
    files = {
        root / "applications" / DESKTOP_FILE: RESOURCES_DIR / DESKTOP_FILE,
        root / "metainfo" / f"{APP_ID}.metainfo.xml": RESOURCES_DIR / f"{APP_ID}.metainfo.xml",
        hicolor / "scalable" / "apps" / f"{ICON_NAME}.svg": icons / f"{ICON_NAME}.svg",
    }
    for size in PNG_SIZES:
        png = icons / "png" / f"{ICON_NAME}-{size}.png"
        files[hicolor / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"] = png
    return files


def exec_command() -> str:
    """How the menu starts this very install: `moodplayer` when that is what PATH finds,
    else the full path of the running program (a venv's script, a bundle)."""
    if getattr(sys, "frozen", False):
        return _quote(sys.executable)
    running = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    on_path = shutil.which("moodplayer")
    if on_path and (running is None or running.name != "moodplayer" or Path(on_path).resolve() == running):
        return "moodplayer"
    if running is not None and running.name == "moodplayer" and running.is_file():
        return _quote(str(running))
    return f"{_quote(sys.executable)} -m moodplayer"


def _quote(arg: str) -> str:
    # The desktop entry spec quotes with double quotes and escapes ", `, $ and \ inside them.
    if re.fullmatch(r"[\w@%+=:,./-]+", arg):
        return arg
    return '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'


def desktop_entry(command: str) -> str:
    """The bundled desktop entry with Exec/TryExec pointing at `command`."""
    text = (RESOURCES_DIR / DESKTOP_FILE).read_text(encoding="utf-8")
    program = shlex.split(command)[0]
    text = re.sub(r"(?m)^Exec=.*$", lambda _m: f"Exec={command} %U", text, count=1)
    return re.sub(r"(?m)^TryExec=.*$", lambda _m: f"TryExec={program}", text, count=1)


def install(root: Path | None = None, command: str | None = None) -> list[Path]:
    """Copy entry, icons and metainfo under `root` (default: $XDG_DATA_HOME); returns what was
    written. Raises OSError with the path when something cannot be written."""
    root = root or data_home()
    written = []
    for target, source in planned_files(root).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.name == DESKTOP_FILE:
            target.write_text(desktop_entry(command or exec_command()), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    refresh_caches(root)
    return written


def uninstall(root: Path | None = None) -> list[Path]:
    """Remove what install() wrote (and nothing else); returns what was removed."""
    root = root or data_home()
    removed = []
    for target in planned_files(root):
        if target.is_file():
            target.unlink()
            removed.append(target)
    refresh_caches(root)
    return removed


def refresh_caches(root: Path) -> None:
    """Menus and "Open with" read these caches; the tools are optional, so a missing one is fine."""
    hicolor = root / "icons" / "hicolor"
    commands = [["update-desktop-database", "-q", str(root / "applications")],
                ["gtk-update-icon-cache", "-q", "-f", "-t", str(hicolor)]]
    for command in commands:
        if shutil.which(command[0]) and Path(command[-1]).is_dir():
            try:
                subprocess.run(command, check=False, capture_output=True, timeout=30)
            except (OSError, subprocess.SubprocessError) as exc:
                log.info("%s did not run: %s", command[0], exc)


def run(uninstalling: bool = False) -> int:
    """The --install-desktop / --uninstall-desktop flags."""
    try:
        paths = uninstall() if uninstalling else install()
    except OSError as exc:
        print(f"moodplayer: could not {'remove' if uninstalling else 'install'} the desktop files: {exc}",
              file=sys.stderr)
        return 1
    verb = "Removed" if uninstalling else "Installed"
    print(f"{verb} {len(paths)} files under {data_home()}")
    for path in paths:
        print(f"  {path}")
    return 0
