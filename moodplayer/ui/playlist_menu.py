"""File → Playlists: import a playlist into the queue, export the queue or a bucket as M3U8/XSPF.

`attach(bridge, window, settings)` adds the menu (one line in app.py). The reading and writing
run off the GUI thread (ui.tasks); results and errors come back as the window's banner.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMenu

from moodplayer.library.buckets import BUCKETS
from moodplayer.playback import playlists
from moodplayer.ui.tasks import run_in_background

OPEN_FILTER = "Playlists (*.m3u *.m3u8 *.pls *.xspf);;All files (*)"
SAVE_FILTER = "M3U8 playlist (*.m3u8);;XSPF playlist (*.xspf)"


class PlaylistMenu:
    def __init__(self, bridge, window, settings):
        self.bridge, self.window, self.settings = bridge, window, settings
        self.menu = QMenu("P&laylists", window)
        self.menu.addAction("&Import Playlist…", self.import_dialog)
        self.menu.addAction("&Export Queue…", self.export_queue_dialog)
        buckets = self.menu.addMenu("Export &Bucket")
        for bucket in BUCKETS:
            buckets.addAction(bucket.capitalize() + "…", lambda b=bucket: self.export_bucket_dialog(b))
        file_menu = _file_menu(window)
        if file_menu is not None:
            quit_action = next((a for a in file_menu.actions() if "Quit" in a.text()), None)
            if quit_action is not None:
                file_menu.insertMenu(quit_action, self.menu)
            else:
                file_menu.addMenu(self.menu)

    # ---- what the menu does, dialogs aside (the tests call these) ----------------------------------
    def queue_tracks(self) -> list:
        current = self.bridge.current_track
        upcoming, _caption = self.bridge.up_next()
        return ([current] if current is not None else []) + [item.track for item in upcoming]

    def import_playlist(self, path: str):
        from moodplayer.ui.drops import hand_to

        return hand_to(self.bridge, [path], play=False)

    def export_queue(self, path: str):
        tracks = self.queue_tracks()
        return run_in_background(lambda: playlists.export(tracks, path), self._saved(path), self._failed,
                                 context=self.window)

    def export_bucket(self, bucket: str, path: str):
        store = self.bridge.session.store
        folder = self._settings().music_dir or None

        def work() -> int:
            return playlists.export(store.tracks(bucket=bucket, folder=folder), path)

        return run_in_background(work, self._saved(path), self._failed, context=self.window)

    # ---- dialogs ------------------------------------------------------------------------------------
    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Add a Playlist to the Queue", self._start(),
                                              OPEN_FILTER)
        if path:
            self.import_playlist(path)

    def export_queue_dialog(self) -> None:
        path = self._save_path("Export the Queue", "queue.m3u8")
        if path:
            self.export_queue(path)

    def export_bucket_dialog(self, bucket: str) -> None:
        path = self._save_path(f"Export the {bucket.capitalize()} Bucket", f"{bucket}.m3u8")
        if path:
            self.export_bucket(bucket, path)

    def _save_path(self, title: str, name: str) -> str:
        path, chosen = QFileDialog.getSaveFileName(self.window, title, str(Path(self._start()) / name),
                                                   SAVE_FILTER)
        if path and Path(path).suffix.lower() not in playlists.EXPORT_FORMATS:
            path += ".xspf" if "xspf" in (chosen or "") else ".m3u8"
        return path

    def _start(self) -> str:
        return self._settings().music_dir or str(Path.home())

    def _settings(self):
        return getattr(self.window, "settings", None) or self.settings

    def _saved(self, path: str):
        return lambda count: self.bridge.message.emit("info", f"Saved {count} tracks to {path}")

    def _failed(self, exc: Exception) -> None:
        self.bridge.message.emit("error", str(exc))


def _file_menu(window) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == "File":
            return action.menu()
    return None


def attach(bridge, window, settings) -> PlaylistMenu:
    return PlaylistMenu(bridge, window, settings)
