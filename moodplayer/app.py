"""Builds the core objects, worker threads and window; connects them. Thin."""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)


def run_gui(args) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from moodplayer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("MoodPlayer")
    app.setOrganizationName("MoodPlayer")
    window = MainWindow()
    window.show()
    if args.screenshot:
        QTimer.singleShot(1500, lambda: _save_screenshot(window, args.screenshot, app))
    return app.exec()


def _save_screenshot(window, path: str, app) -> None:
    ok = window.grab().save(path)
    if not ok:
        log.error("Could not save the screenshot to %s", path)
    app.exit(0 if ok else 1)
