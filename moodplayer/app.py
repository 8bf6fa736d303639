"""Builds the core objects, worker threads and window; connects them. Thin."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

SETTLE_MS = 2000  # --screenshot: at least this long after start ...
SETTLE_MAX_MS = 20000  # ... and once the scan is done, but never longer than this


def run_gui(args) -> int:
    from PySide6.QtWidgets import QMessageBox

    from moodplayer.library.store import StoreError

    app = make_application()
    try:
        window = create_window(args)
    except StoreError as exc:
        QMessageBox.critical(None, "MoodPlayer cannot open its library", str(exc))
        return 1
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    window.start()
    if args.screenshot:
        _screenshot_when_settled(window, args.screenshot, app)
    return app.exec()


def make_application():
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from moodplayer.ui.icons import app_icon
    from moodplayer.ui.theme import apply_theme

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("MoodPlayer")
    app.setOrganizationName("MoodPlayer")
    app.setDesktopFileName("moodplayer")
    app.setWindowIcon(app_icon())
    apply_theme(app)
    return app


def create_window(args):
    """The window for these command-line options, with settings, store and session made."""
    from moodplayer import config
    from moodplayer.config import Settings
    from moodplayer.library.store import Store
    from moodplayer.ui.main_window import MainWindow

    settings = Settings.load()
    music_dir = getattr(args, "music_dir", None)
    if music_dir:
        settings.music_dir = str(Path(music_dir).expanduser().resolve())
        settings.save()  # --music-dir is remembered
    first_start = not settings.welcomed and not music_dir and not args.screenshot
    if not settings.music_dir and args.screenshot and config.DEMO_LIBRARY.is_dir():
        settings.music_dir = str(config.DEMO_LIBRARY)  # a picture with music in it
    store = Store.open_default()
    return MainWindow(settings, store, camera_choice(args, settings), pipeline_factory=make_pipeline,
                      first_start=first_start)


def camera_choice(args, settings):
    from moodplayer.ui.main_window import CameraChoice

    if getattr(args, "video", None):
        return CameraChoice(index=None, video=str(args.video))
    if getattr(args, "no_camera", False):
        return CameraChoice(index=None)
    if getattr(args, "camera", None) is not None:
        return CameraChoice(index=int(args.camera))
    return CameraChoice(index=settings.camera_index if settings.camera_enabled else None)


def make_pipeline(choice, settings):
    """Runs in the vision thread: the models load there, off the GUI thread."""
    from moodplayer.vision.pipeline import VisionPipeline
    from moodplayer.vision.sources import open_source

    source = open_source(camera=choice.index, video=choice.video)
    return VisionPipeline(source, dwell_seconds=settings.dwell_seconds)


def _screenshot_when_settled(window, path: str, app) -> None:
    from PySide6.QtCore import QTimer

    started = time.monotonic()

    def check() -> None:
        elapsed_ms = (time.monotonic() - started) * 1000
        if (window.scan_task is None and elapsed_ms >= SETTLE_MS) or elapsed_ms >= SETTLE_MAX_MS:
            timer.stop()
            _save_screenshot(window, path, app)

    timer = QTimer(window, interval=200, timeout=check)
    timer.start()


def _save_screenshot(window, path: str, app) -> None:
    ok = window.grab().save(path)
    if not ok:
        log.error("Could not save the screenshot to %s", path)
    app.exit(0 if ok else 1)
