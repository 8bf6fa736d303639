"""The library as the window drives it: refresh (scan, then audio analysis) with progress and
cancel, watching the folder, reading rows off the GUI thread, and saying what went wrong.

Playback need not wait: once the first tracks are in, the session is asked to start.
"""

from __future__ import annotations

import logging
import os
import sqlite3

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from moodplayer.config import Settings
from moodplayer.library.refresh import refresh
from moodplayer.library.store import Store, StoreError
from moodplayer.ui.library_view import prepare_rows
from moodplayer.ui.tasks import run_in_background
from moodplayer.ui.workers import ScanTask

log = logging.getLogger(__name__)

RESCAN_DELAY_MS = 3000  # after the music folder changes
RESCAN_EVERY_MS = 15 * 60 * 1000
ROWS_JOB = "library-rows"


class LibraryController(QObject):
    scanning = Signal(bool)
    progress = Signal(str, int, int)  # phase ("scan" / "analyse"), done, total
    rows_ready = Signal(list, int)  # library_view rows, number of unreadable files
    finished = Signal(object)  # the RefreshResult, or the exception
    message = Signal(str, str)  # level, text

    def __init__(self, bridge, store, settings: Settings, parent=None):
        super().__init__(parent)
        self.bridge, self.store, self.settings = bridge, store, settings
        self.task: ScanTask | None = None
        self._refreshed_at = 0
        self.watcher = QFileSystemWatcher(self)
        self.rescan_soon = QTimer(self, singleShot=True, interval=RESCAN_DELAY_MS,
                                  timeout=self.rescan_quietly)
        self.watcher.directoryChanged.connect(lambda _path: self.rescan_soon.start())
        self.periodic_rescan = QTimer(self, interval=RESCAN_EVERY_MS, timeout=self.rescan_quietly)

    @property
    def busy(self) -> bool:
        return self.task is not None

    def refresh_rows(self) -> None:
        """The music folder's tracks for the Library tab, read on the pool; the newest read wins."""
        store, folder = self.store, self.settings.music_dir or None

        def read():
            return prepare_rows(store.tracks(folder=folder)), len(store.scan_errors())

        def shown(result) -> None:
            rows, errors = result
            self.rows_ready.emit(rows, errors)
            if rows:
                self.bridge.start_if_idle()  # playback need not wait for the whole scan

        run_in_background(read, shown, self._unreadable, context=self, supersede=ROWS_JOB)

    def set_folder(self, folder: str) -> None:
        self.settings.music_dir = folder
        self.start(folder)
        self.watch(folder)

    def rescan(self) -> bool:
        """False when there is no music folder yet (the window asks for one)."""
        if not self.settings.music_dir:
            return False
        self.start(self.settings.music_dir)
        return True

    def start(self, folder: str) -> None:
        """Scan and analyse in the background with its own Store (WAL lets us read meanwhile)."""
        self.cancel()
        db_path = self.store.path

        def work(progress, cancel):
            with Store(db_path) as own:
                return refresh(own, folder, progress=progress, cancel=cancel)

        self._refreshed_at = 0
        task = ScanTask(work, self._progress, lambda result: self._done(task, result),
                        lambda exc: self._done(task, exc), context=self)
        self.task = task
        self.scanning.emit(True)
        self.message.emit("info", f"Scanning {folder}…")

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def watch(self, folder: str) -> None:
        """Rescan (incremental, quick) when the folder's top level changes, after a
        quiet moment, and every RESCAN_EVERY_MS anyway for changes deeper down."""
        watched = self.watcher.directories()
        if watched:
            self.watcher.removePaths(watched)
        if os.path.isdir(folder):
            self.watcher.addPath(folder)
        self.periodic_rescan.start()

    def rescan_quietly(self) -> None:
        if self.task is not None:
            self.rescan_soon.start()  # after the refresh that is running now
        elif self.settings.music_dir:
            self.start(self.settings.music_dir)

    def scan_errors(self, shown) -> None:
        """shown(list of (path, reason)), read on the pool."""
        run_in_background(self.store.scan_errors, shown, self._unreadable, context=self)

    def shutdown(self) -> None:
        self.cancel()
        self.rescan_soon.stop()
        self.periodic_rescan.stop()

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.progress.emit(phase, done, total)
        if phase == "scan" and done - self._refreshed_at >= max(50, total // 10):
            self._refreshed_at = done
            self.refresh_rows()

    def _done(self, task: ScanTask, result) -> None:
        if task is not self.task:
            return  # an older refresh that was replaced
        self.task = None
        self.scanning.emit(False)
        if isinstance(result, Exception):
            self.message.emit("error", failure_text(result, self.store.path))
        else:
            errors = f", {len(result.errors)} unreadable" if result.errors else ""
            done = "Scan cancelled" if result.cancelled else "Library up to date"
            measured = result.analysis.analysed if result.analysis else 0
            analysed = f", {measured} measured" if measured else ""
            self.message.emit("info", f"{done}: {result.tracks} tracks{errors}{analysed} "
                                      f"({result.seconds:.1f} s)")
        self.refresh_rows()
        self.bridge.start_if_idle()
        self.finished.emit(result)

    def _unreadable(self, exc: Exception) -> None:
        self.message.emit("error", f"The library {self.store.path} could not be read: {exc}")


def failure_text(exc: Exception, db_path) -> str:
    """A refresh that failed: the folder (choose another) or the database (name the file)."""
    if isinstance(exc, (sqlite3.Error, StoreError)):
        return (f"Could not write the library {db_path} ({exc}). What was stored is kept and "
                f"playback goes on; free some space or make the file writable, then rescan (F5).")
    return (f"Could not scan the music folder ({exc}). Your library is kept as it was; "
            "choose the folder again with File → Choose Music Folder….")
