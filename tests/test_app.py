"""Starting the app: the command line, first start, camera switch, a screenshot
from outside at 2x in the dark palette."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from moodplayer import app as app_module
from moodplayer.config import DEMO_LIBRARY, Settings
from moodplayer.ui.dialogs import WelcomeDialog

DATA = Path(__file__).parent / "data"


def make_args(**options) -> argparse.Namespace:
    values = {"music_dir": None, "camera": None, "video": None, "no_camera": False, "screenshot": None}
    return argparse.Namespace(**{**values, **options})


def test_command_line_picks_the_camera_source():
    settings = Settings(camera_index=2)
    assert app_module.camera_choice(make_args(), settings).index == 2
    assert app_module.camera_choice(make_args(camera=0), settings).index == 0
    video = app_module.camera_choice(make_args(video="clip.mp4"), settings)
    assert (video.index, video.video, video.enabled) == (None, "clip.mp4", True)
    assert not app_module.camera_choice(make_args(no_camera=True), settings).enabled
    assert not app_module.camera_choice(make_args(), Settings(camera_enabled=False)).enabled


@pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the bundled demo library")
def test_first_start_welcomes_with_the_demo_library_and_remembers(qtbot):
    app_module.make_application()
    window = app_module.create_window(make_args())
    qtbot.addWidget(window)
    seen = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        seen["dialog"] = type(dialog)
        seen["folder"] = dialog.music_dir()
        dialog.camera.setChecked(False)
        dialog.accept()

    QTimer.singleShot(100, answer)
    window.show()
    window.app.start()
    assert seen == {"dialog": WelcomeDialog, "folder": str(DEMO_LIBRARY)}
    assert window.library.busy and window.camera.vision is None
    with qtbot.waitSignal(window.library.finished, timeout=20000):
        pass
    saved = Settings.load()
    assert saved.welcomed and saved.music_dir == str(DEMO_LIBRARY) and not saved.camera_enabled
    assert "Camera is off" in window.camera_view.message


def test_camera_switch_and_compact_mode(qtbot):
    Settings(welcomed=True).save()
    app_module.make_application()
    window = app_module.create_window(make_args(video=str(DATA / "noface.mp4")))
    qtbot.addWidget(window)
    window.show()
    window.app.start()
    qtbot.waitUntil(lambda: "No face" in window.camera_view.message, timeout=10000)
    thread = window.camera.vision.thread
    window.actions.camera.trigger()  # off
    assert window.camera.vision is None and not thread.isRunning()
    qtbot.wait(300)  # what the worker sent before it stopped must not repaint the view
    assert "Camera is off" in window.camera_view.message and "camera off" in window.mood_label.text()
    assert not Settings.load().camera_enabled
    window.actions.compact.trigger()
    assert not window.vision_panel.isVisible() and window.status_mood.isVisible()
    window.actions.compact.trigger()
    assert window.vision_panel.isVisible()


@pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the bundled demo library")
def test_screenshot_at_2x_in_dark_while_workers_run(tmp_path):
    shot = tmp_path / "window.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2", "MOODPLAYER_THEME": "dark"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp_path / var)
    command = [sys.executable, "-m", "moodplayer", "--video", str(DATA / "astronaut.mp4"),
               "--screenshot", str(shot)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "QThread" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (2048, 1400)
    assert image.pixelColor(2040, 1380).lightness() < 80  # the dark status bar


def test_qt_binding_keeps_none_and_true_alive(qapp):
    """PySide6 6.12.0 drops a reference to None on every void call and to True on
    every emit (fatal on Python < 3.12, where they are not immortal); pyproject
    excludes it. This catches such a binding before users' sessions abort."""
    from PySide6.QtCore import QObject, Signal

    class Sender(QObject):
        changed = Signal(int)

    sender = Sender()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(1000):
        qapp.processEvents()
        sender.changed.emit(1)
    assert sys.getrefcount(None) >= none_before - 50
    assert sys.getrefcount(True) >= true_before - 50


def test_desktop_entry_and_icons_are_valid(qapp):
    import configparser

    from moodplayer.config import RESOURCES_DIR
    from moodplayer.ui.icons import ICONS_DIR, svg_image

    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(RESOURCES_DIR / "moodplayer.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert (desktop["Type"], desktop["Exec"], desktop["Icon"]) == \
        ("Application", "moodplayer %U", "moodplayer")
    assert desktop["Categories"].endswith(";") and "AudioVideo" in desktop["Categories"]
    assert (ICONS_DIR / f"{desktop['Icon']}.svg").is_file()
    names = sorted(path.stem for path in ICONS_DIR.glob("*.svg"))
    assert len(names) >= 30
    for name in names:  # each renders, and draws something
        image = svg_image(name, 24, "#000000")
        assert any(image.pixelColor(x, y).alpha() for x in range(24) for y in range(24)), name


def _gui_process(tmp_path, *options):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp_path / var)
    command = [sys.executable, "-m", "moodplayer", "-v", *options]
    return subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for_line(process, text: str, timeout: float = 60.0) -> list[str]:
    """stderr lines read until one holds `text` (read on a thread, so a quiet process cannot hang us)."""
    import queue
    import threading

    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            seen.append(lines.get(timeout=0.5))
        except queue.Empty:
            continue
        if text in seen[-1]:
            return seen
    process.kill()
    raise AssertionError(f"no {text!r} within {timeout} s:\n" + "".join(seen[-40:]))


@pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the bundled demo library")
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_saves_the_queue_and_quits_cleanly(tmp_path, signal_number):
    import json
    import shutil
    import sqlite3

    process = _gui_process(tmp_path, "--music-dir", str(DEMO_LIBRARY), "--no-camera")
    try:
        _wait_for_line(process, "Lining up the neutral queue")
        process.send_signal(signal_number)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    data = tmp_path / "XDG_DATA_HOME" / "moodplayer"
    state = json.loads((data / "state.json").read_text(encoding="utf-8"))
    assert state["player"]["queue"]["emotion"] == "neutral" and len(state["player"]["queue"]["items"]) >= 5
    assert json.loads((data / "window.json").read_text(encoding="utf-8"))["geometry"]
    alone = tmp_path / "alone.sqlite3"  # the database file by itself, without its -wal
    shutil.copy(data / "library.sqlite3", alone)
    with sqlite3.connect(alone) as conn:
        assert conn.execute("SELECT COUNT(*) FROM tracks").fetchone()[0] == 14


def test_screenshot_with_an_unopenable_library_exits_with_the_reason(tmp_path):
    data = tmp_path / "XDG_DATA_HOME" / "moodplayer"
    data.mkdir(parents=True)
    (data / "library.sqlite3").mkdir()  # a folder where the database file should be
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp_path / var)
    command = [sys.executable, "-m", "moodplayer", "--no-camera", "--screenshot", str(tmp_path / "shot.png")]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "cannot open its library" in result.stderr and "library.sqlite3" in result.stderr
    assert not (tmp_path / "shot.png").exists()
