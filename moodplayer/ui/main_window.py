"""The main window: camera and mood on the left, now playing / library on the right,
mood override and transport along the bottom.

Layout and reactions only: what it shows comes from the bridge (mood, queue, track,
state, position, messages), the camera controller and the library controller, and
what the user does goes back to them. It keeps no copy of the mood, queue or player state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QSystemTrayIcon

from moodplayer import config
from moodplayer.config import Settings
from moodplayer.ui import covers
from moodplayer.ui.about import AboutDialog
from moodplayer.ui.actions import install_actions
from moodplayer.ui.dialogs import PhotoDialog, SettingsDialog, WelcomeDialog
from moodplayer.ui.icons import app_icon, icon, retint
from moodplayer.ui.library_view import ScanErrorsDialog
from moodplayer.ui.now_playing import COVER_SIZE, QueueRow
from moodplayer.ui.photo import analyse_photo
from moodplayer.ui.tasks import run_in_background
from moodplayer.ui.theme import apply_theme
from moodplayer.ui.window_layout import TAB_ICONS, build_layout, set_tab_order
from moodplayer.ui.window_state import restore_window_state

log = logging.getLogger(__name__)

MIN_SIZE, COMPACT_MIN_SIZE = QSize(760, 540), QSize(560, 420)
CAMERA_OFF = "Camera is off.\nPick a mood below, or turn it on in View → Camera."
CAMERA_MESSAGES = {
    "starting": "Starting the camera…",
    "no camera": "No camera found.\nPick a mood below, or choose a camera in Settings.",
    "camera lost, retrying": "The camera stopped giving pictures.\nTrying again — the music carries on.",
    "ended": "The video ended.",
    "stopped": "Camera is off.",
    "off": CAMERA_OFF,
}


class MainWindow(QMainWindow):
    closing = Signal()  # the window is really closing (not hiding in the tray): shut down

    def __init__(self, bridge, settings: Settings, buckets: tuple[str, ...], camera, library,
                 vlc_version: str | None = None):
        super().__init__()
        self.bridge, self.settings, self.camera, self.library = bridge, settings, camera, library
        self.apply_settings: Callable[[Settings], None] = lambda new: None  # set by app.py
        self._vlc_version = vlc_version
        self._quitting = False
        self._cover_for: int | None = None
        self._wide_width = 1024
        self.theme = "system"
        self.photo_dialog: PhotoDialog | None = None
        self.setWindowTitle("MoodPlayer")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(MIN_SIZE)
        self.resize(1024, 700)
        build_layout(self, buckets)
        camera.attach_view(self.camera_view)
        self.actions = install_actions(self, {
            "choose": self.choose_music_folder, "rescan": self.rescan, "photo": self.analyse_photo_dialog,
            "quit": self.quit, "toggle": bridge.play_pause, "next": bridge.next, "previous": bridge.previous,
            "camera": self.set_camera_enabled, "compact": self.toggle_compact, "settings": self.open_settings,
            "about": self.open_about}, self.set_theme)
        self.actions.camera.setChecked(camera.choice.enabled)
        set_tab_order(self)
        self._build_tray()
        self._connect()
        self.transport.set_volume(bridge.volume)
        self.splitter_sizes = restore_window_state(self)
        self.show_playback_available()
        self.show_mood(bridge.mood)
        self.show_queue()

    def _build_tray(self) -> None:
        self.tray = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            from moodplayer.ui.chrome import MoodTray

            bridge = self.bridge
            self.tray = MoodTray(bridge.play_pause, bridge.next, self.show_from_tray, self.quit, self)
            self.tray.show()

    def _connect(self) -> None:
        bridge, lib, library = self.bridge, self.library_view, self.library
        self.override_bar.chosen.connect(bridge.set_override)
        self.transport.play_pause.connect(bridge.play_pause)
        self.transport.next.connect(bridge.next)
        self.transport.previous.connect(bridge.previous)
        self.transport.seek.connect(lambda ms: bridge.seek(ms / 1000.0))
        self.transport.volume_changed.connect(bridge.set_volume)
        self.now_playing.star_toggled.connect(self._star_current)
        self.now_playing.not_for_mood.connect(bridge.not_for_this_mood)
        self.queue_view.order_changed.connect(bridge.reorder_up_next)
        self.queue_view.remove_requested.connect(bridge.remove_up_next)
        self.queue_view.play_requested.connect(bridge.play_up_next)
        bridge.mood_changed.connect(self.show_mood)
        bridge.queue_changed.connect(self.show_queue)
        bridge.track_changed.connect(self.show_track)
        bridge.state_changed.connect(lambda state: self.transport.set_playing(state == "playing"))
        bridge.position_changed.connect(self.show_position)
        bridge.volume_changed.connect(self.transport.set_volume)
        bridge.message.connect(self.show_message)
        bridge.library_changed.connect(library.refresh_rows)
        lib.play_requested.connect(lambda track: bridge.play_tracks([track]))
        lib.queue_requested.connect(bridge.enqueue)
        lib.star_requested.connect(bridge.set_favourite)
        lib.move_requested.connect(bridge.move_to_bucket)
        lib.remove_from_bucket_requested.connect(bridge.remove_from_bucket)
        lib.cancel_scan.connect(library.cancel)
        lib.errors_requested.connect(lambda: library.scan_errors(lambda e: ScanErrorsDialog(e, self).exec()))
        library.scanning.connect(self.show_scanning)
        library.progress.connect(self.show_scan_progress)
        library.rows_ready.connect(self.show_rows)
        library.message.connect(self.show_message)
        self.tabs.currentChanged.connect(lambda _index: self._show_scan_progress_bar())
        camera = self.camera
        camera.frame.connect(self.camera_view.show_frame)
        camera.probabilities.connect(self.show_probabilities)
        camera.mood.connect(self.show_camera_mood)
        camera.state.connect(self.show_camera_state)
        camera.failed.connect(self.show_camera_failed)

    # ==== start and stop ========================================================================
    def lay_out_restored(self) -> None:
        """After show(): the splitter as it was saved (it needs the window's real size)."""
        if self.splitter_sizes:
            self.splitter.setSizes(self.splitter_sizes)

    def welcome(self) -> tuple[str, bool] | None:
        """First start: (music folder, use the camera), or None when the dialog was closed."""
        dialog = WelcomeDialog(self.settings.music_dir or str(config.DEMO_LIBRARY),
                               self.camera.choice.enabled, self)
        if not dialog.exec():
            return None
        return dialog.music_dir(), dialog.use_camera()

    def quit(self) -> None:
        self._quitting = True
        self.close()
        if self.isHidden():  # closing a window hidden in the tray does not end the app by itself
            self.closing.emit()
            QApplication.instance().quit()

    def closeEvent(self, event) -> None:
        if not self._quitting and self.settings.minimize_to_tray and self.tray is not None:
            self.hide()
            self.tray.showMessage("MoodPlayer", "Still playing here. Quit from this menu.",
                                  QSystemTrayIcon.MessageIcon.Information, 3000)
            event.ignore()
            return
        self.closing.emit()
        if self.tray is not None:
            self.tray.hide()
        event.accept()

    # ==== camera ===============================================================================
    def set_camera_enabled(self, on: bool) -> None:
        self.camera.set_enabled(on)
        self.settings.camera_enabled = on
        self._save_settings()

    def show_camera_state(self, state: str, message: str) -> None:
        self.status_camera.setText("Camera off" if state == "off" else f"Camera: {state}")
        self.status_camera.setToolTip(message)
        if state != "running":
            text = CAMERA_MESSAGES.get(state, message)
            self.camera_view.show_message(f"{text}\n\n{message}" if state == "no camera" else text)
            self.bars.set_probabilities(None)
        self.show_mood(self.bridge.mood)

    def show_camera_failed(self, message: str) -> None:
        self.camera_view.show_message(f"The mood detector could not start:\n{message}")
        self.status_camera.setText("Camera: error")

    def show_probabilities(self, probabilities) -> None:
        self.bars.set_probabilities(probabilities)
        self.timeline.add_sample(probabilities)

    def show_camera_mood(self, emotion) -> None:
        self.timeline.set_mood(emotion)
        self.bars.set_mood(emotion)

    # ==== mood =================================================================================
    def _camera_note(self) -> str:
        state = self.camera.state_now
        if state == "off":
            return " (camera off)"
        if state in ("starting", "running"):
            return " — reading your expression…"
        return " (no camera picture)"

    def show_mood(self, mood) -> None:
        self.override_bar.set_override(mood.override)
        if mood.override is not None:
            text = f"{mood.override.display_name} · manual"
            if mood.camera is not None and mood.camera != mood.override:
                text += f" (camera sees {mood.camera.label})"
        elif mood.camera is not None:
            text = f"{mood.camera.display_name} · auto"
        else:
            name = mood.confirmed.display_name if mood.confirmed else "Mood unknown"
            text = f"{name} · auto{self._camera_note()}"
        self.mood_label.setText(text)
        self.status_mood.setText(f"Mood: {text}")
        if self.tray is not None:
            self.tray.show_mood(text)

    # ==== now playing ==========================================================================
    def show_track(self, track) -> None:
        item = self.bridge.current_item
        self.now_playing.show_track(track, item.reason if item is not None and track is not None else "")
        self.transport.set_playing(self.bridge.state == "playing")
        if track is None:
            self.transport.set_position(0, None)
            self.setWindowTitle("MoodPlayer")
            return
        self.setWindowTitle(f"{track.display_title} — MoodPlayer")
        if self.tray is not None:
            self.tray.show_track(track.display_title)
        self._load_cover(track)

    def _load_cover(self, track) -> None:
        size = round(COVER_SIZE * self.devicePixelRatioF())
        if self._cover_for == track.id:
            return
        self._cover_for = track.id
        self.now_playing.show_cover(covers.placeholder(track.album or track.display_title, size))

        def shown(image: QImage | None) -> None:
            if image is not None:
                self.now_playing.show_cover(image)

        run_in_background(lambda: covers.cover_image(track.path, size), shown,
                          lambda exc: log.debug("cover failed: %s", exc), context=self, supersede="cover")

    def show_position(self, seconds: float, length: float) -> None:
        self.transport.set_position(int(seconds * 1000), int(length * 1000) if length > 0 else None)

    def show_queue(self) -> None:
        items, caption = self.bridge.up_next()
        self.queue_view.set_rows([QueueRow(i.track.id, i.track.display_title, i.track.artist, i.reason)
                                  for i in items])
        self.queue_caption.setText(caption)
        self.transport.set_playing(self.bridge.state == "playing")

    def _star_current(self, on: bool) -> None:
        track = self.bridge.current_track
        if track is not None:
            self.bridge.set_favourite([track], on)

    def show_message(self, level: str, text: str) -> None:
        """Errors go in the banner (they need the user); the rest passes in the status bar."""
        if level == "error":
            self.banner.add(text)
        self.statusBar().showMessage(text, 10000 if level != "info" else 8000)

    def show_playback_available(self) -> None:
        session = self.bridge.session
        if not session.available:
            self.banner.add("Music cannot play: " + session.unavailable +
                            ". Everything else works; restart MoodPlayer after installing.")
        for widget in (self.transport, self.actions.toggle):
            widget.setEnabled(session.available)

    # ==== library ==============================================================================
    def show_rows(self, rows: list, errors: int) -> None:
        self.library_view.set_rows(rows)
        self.library_view.set_error_count(errors)

    def show_scanning(self, scanning: bool) -> None:
        self.library_view.set_scanning(scanning)
        if scanning:
            self.scan_progress.setRange(0, 0)
        self._show_scan_progress_bar()

    def show_scan_progress(self, phase: str, done: int, total: int) -> None:
        self.library_view.set_progress(done, total)
        text = "Scanning %v / %m" if phase == "scan" else "Measuring tempo %v / %m"
        self.library_view.progress.setFormat(text)
        self.scan_progress.setFormat(text)
        self.scan_progress.setRange(0, max(total, 1))
        self.scan_progress.setValue(min(done, max(total, 1)))

    def _show_scan_progress_bar(self) -> None:
        scanning = self.library.busy
        self.scan_progress.setVisible(scanning and self.tabs.currentWidget() is not self.library_view)

    def choose_music_folder(self) -> None:
        start = self.settings.music_dir or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Choose your music folder", start)
        if folder:
            self.library.set_folder(folder)
            self._save_settings()

    def rescan(self) -> None:
        if not self.library.rescan():
            self.choose_music_folder()

    # ==== dialogs ==============================================================================
    def analyse_photo_dialog(self, path: str | None = None) -> PhotoDialog | None:
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, "Analyse a photo", str(Path.home()), "Images (*.png *.jpg *.jpeg *.bmp *.webp)")
        if not path:
            return None
        dialog = PhotoDialog(path, self)
        run_in_background(lambda: analyse_photo(path), lambda result: dialog.show_result(*result),
                          lambda exc: dialog.show_error(str(exc)), context=dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.photo_dialog = dialog
        return dialog

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self.library_view.buckets, self.tray is not None,
                                languages=self.library_view.languages(), parent=self)
        self.calibration_ui.extend_settings(dialog)  # samples per emotion, Calibrate…, Reset
        if dialog.exec():
            self.apply_settings(dialog.result_settings())
            self.actions.camera.setChecked(self.settings.camera_enabled)

    def open_about(self) -> None:
        AboutDialog(self._vlc_version, self).exec()

    # ==== view =================================================================================
    def toggle_compact(self, on: bool) -> None:
        """The user's switch: the window shrinks or grows by the camera panel."""
        wide = self.width()
        narrow = wide - self.vision_panel.width() - self.splitter.handleWidth()
        self.set_compact(on)
        if self.isVisible() and not self.isMaximized():
            if on:
                self._wide_width = wide
            self.resize(narrow if on else max(self._wide_width, wide), self.height())

    def set_compact(self, on: bool) -> None:
        self.vision_panel.setVisible(not on)
        self.override_bar.set_compact(on)
        self.status_mood.setVisible(on)  # otherwise the mood is shown under the camera
        self.actions.compact.setChecked(on)
        self.setMinimumSize(COMPACT_MIN_SIZE if on else MIN_SIZE)

    def set_theme(self, name: str) -> None:
        self.theme = name
        for action in self.actions.themes.actions():
            action.setChecked(action.data() == name)
        apply_theme(QApplication.instance(), name)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._refresh_icons()
        super().changeEvent(event)

    def _refresh_icons(self) -> None:
        retint(self)
        for index, name in enumerate(TAB_ICONS):
            self.tabs.setTabIcon(index, icon(name))
        self.override_bar.refresh_icons()
        self.transport.refresh_icons()
        self.banner.refresh()

    def show_from_tray(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            self.show_message("error", f"Could not save the settings: {exc}")

