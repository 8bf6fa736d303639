"""The main window: camera and mood on the left, now playing / library on the right,
mood override and transport along the bottom."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QFileSystemWatcher, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QImage, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QSystemTrayIcon,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from moodplayer import config
from moodplayer.config import Settings, write_json_atomic
from moodplayer.emotions import Emotion
from moodplayer.library.buckets import BUCKETS
from moodplayer.ui import covers
from moodplayer.ui.camera_view import CameraView
from moodplayer.ui.chrome import Banner, MoodTray, horizontal_line
from moodplayer.ui.dialogs import AboutDialog, PhotoDialog, SettingsDialog, WelcomeDialog
from moodplayer.ui.icons import app_icon, icon, retint, set_icon
from moodplayer.ui.library_view import LibraryView, ScanErrorsDialog, prepare_rows
from moodplayer.ui.mood_panel import EmotionBars, MoodTimeline, OverrideBar
from moodplayer.ui.now_playing import COVER_SIZE, NowPlayingPanel, QueueRow, QueueView, TransportBar
from moodplayer.ui.photo import analyse_photo
from moodplayer.ui.session import PlaybackSession
from moodplayer.ui.tasks import run_in_background, wait_for_background
from moodplayer.ui.theme import THEMES, apply_theme
from moodplayer.ui.workers import ScanTask, VisionThread, VisionWorker

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1024, 700)
MIN_SIZE, COMPACT_MIN_SIZE = QSize(760, 540), QSize(560, 420)
TAB_ICONS = ("queue", "library")
RESCAN_DELAY_MS = 3000  # after the music folder changes
RESCAN_EVERY_MS = 15 * 60 * 1000
CAMERA_OFF = "Camera is off.\nPick a mood below, or turn it on in View → Camera."
CAMERA_MESSAGES = {
    "starting": "Starting the camera…",
    "no camera": "No camera found.\nPick a mood below, or choose a camera in Settings.",
    "camera lost, retrying": "The camera stopped giving pictures.\nTrying again — the music carries on.",
    "ended": "The video ended.",
    "stopped": "Camera is off.",
}


@dataclass
class CameraChoice:
    """Where frames come from: a camera index, a video file (looped), or none."""

    index: int | None = 0
    video: str | None = None

    @property
    def enabled(self) -> bool:
        return self.index is not None or self.video is not None


def window_state_path() -> Path:
    return config.data_dir() / "window.json"


class MainWindow(QMainWindow):
    scan_finished = Signal(object)  # the ScanResult, or the exception

    def __init__(self, settings: Settings, store, camera: CameraChoice, pipeline_factory=None,
                 first_start: bool = False):
        super().__init__()
        self.settings, self.store, self.camera_choice = settings, store, camera
        self.session = PlaybackSession(store, settings, self)
        self._pipeline_factory = pipeline_factory
        self.vision: VisionThread | None = None
        self.scan_task: ScanTask | None = None
        self._first_start = first_start
        self._quitting = self._shut_down = False
        self._cover_for: int | None = None
        self._library_reads = 0
        self._splitter_sizes: list[int] | None = None
        self._wide_width = DEFAULT_SIZE.width()
        self._camera_state_now = "stopped"
        self.watcher = QFileSystemWatcher(self)
        self.rescan_soon = QTimer(self, singleShot=True, interval=RESCAN_DELAY_MS,
                                  timeout=self._rescan_quietly)
        self.watcher.directoryChanged.connect(lambda _path: self.rescan_soon.start())
        self.periodic_rescan = QTimer(self, interval=RESCAN_EVERY_MS, timeout=self._rescan_quietly)
        self.camera_mood: Emotion | None = None
        self._theme = "system"
        self.setWindowTitle("MoodPlayer")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(MIN_SIZE)
        self.resize(DEFAULT_SIZE)
        self._build_widgets()
        self._build_menus()
        self._build_tray()
        self._connect()
        self._restore_window_state()
        self.banner_for_playback()
        self.show_mood()
        self.show_queue()

    # ==== construction =========================================================================
    def _build_widgets(self) -> None:
        self.camera_view = CameraView()
        self.mood_label = QLabel()
        self.mood_label.setAccessibleName("Current mood")
        self.mood_label.setWordWrap(True)  # long texts wrap instead of widening the panel
        font = self.mood_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.mood_label.setFont(font)
        self.bars = EmotionBars()
        self.timeline = MoodTimeline()
        left = QWidget()
        left.setObjectName("visionPanel")
        column = QVBoxLayout(left)
        column.setContentsMargins(8, 8, 4, 4)
        column.addWidget(self.camera_view, 1)
        column.addWidget(self.mood_label)
        column.addWidget(self.bars)
        column.addWidget(self.timeline)
        self.vision_panel = left

        self.now_playing = NowPlayingPanel()
        self.queue_caption = QLabel("Up next")
        self.queue_caption.setWordWrap(True)
        self.queue_view = QueueView()
        playing_tab = QWidget()
        playing = QVBoxLayout(playing_tab)
        playing.addWidget(self.now_playing)
        heading = QLabel("Up next")
        heading.setStyleSheet("font-weight: bold;")
        playing.addSpacing(6)
        playing.addWidget(heading)
        playing.addWidget(self.queue_caption)
        playing.addWidget(self.queue_view, 1)
        self.library_view = LibraryView(BUCKETS)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Now playing and library")
        self.tabs.addTab(playing_tab, icon(TAB_ICONS[0]), "Now playing")
        self.tabs.addTab(self.library_view, icon(TAB_ICONS[1]), "Library")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([430, 594])

        self.override_bar = OverrideBar()
        self.transport = TransportBar()
        self.transport.set_volume(self.settings.volume)
        self.banner = Banner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(4)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        bottom = QVBoxLayout()
        bottom.setContentsMargins(8, 0, 8, 0)
        bottom.addWidget(self.override_bar)
        bottom.addWidget(horizontal_line())
        bottom.addWidget(self.transport)
        layout.addLayout(bottom)
        self.setCentralWidget(central)
        self.status_mood = QLabel()
        self.status_camera = QLabel()
        self.scan_progress = QProgressBar()  # for the other tabs; the Library tab has its own
        self.scan_progress.setAccessibleName("Library scan progress")
        self.scan_progress.setMaximumWidth(180)
        self.scan_progress.setFormat("Scanning %v / %m")
        self.scan_progress.hide()
        self.statusBar().addPermanentWidget(self.scan_progress)
        self.tabs.currentChanged.connect(lambda _index: self._show_scan_progress())
        self.statusBar().addPermanentWidget(self.status_camera)
        self.statusBar().addPermanentWidget(self.status_mood)
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        chain = [*self.override_bar.buttons.values(), self.transport.prev_button, self.transport.play_button,
                 self.transport.next_button, self.transport.slider, self.transport.volume, self.tabs,
                 self.now_playing.star, self.now_playing.reject, self.queue_view,
                 self.library_view.search, self.library_view.bucket, self.library_view.table]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.act_choose = self._action(file_menu, "Choose Music &Folder…", self.choose_music_folder,
                                       QKeySequence.StandardKey.Open, "folder")
        self.act_rescan = self._action(file_menu, "&Rescan", self.rescan, QKeySequence("F5"), "rescan")
        self.act_photo = self._action(file_menu, "&Analyse Photo…", self.analyse_photo_dialog,
                                      QKeySequence("Ctrl+I"), "photo")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.quit, QKeySequence.StandardKey.Quit, "quit")

        play_menu = bar.addMenu("&Playback")
        key = Qt.Key
        toggle_keys = ("Ctrl+Space", key.Key_MediaTogglePlayPause, key.Key_MediaPlay)
        self.act_toggle = self._action(play_menu, "&Play / Pause", self.session.toggle, toggle_keys, "play")
        self._action(play_menu, "&Next Track", self.session.next, ("Ctrl+Right", key.Key_MediaNext), "next")
        self._action(play_menu, "P&revious Track", self.session.previous,
                     ("Ctrl+Left", key.Key_MediaPrevious), "previous")

        view = bar.addMenu("&View")
        self.act_camera = self._action(view, "&Camera", self.set_camera_enabled, QKeySequence("Ctrl+K"),
                                       "camera", checkable=True)
        self.act_camera.setChecked(self.camera_choice.enabled)
        self.act_compact = self._action(view, "Co&mpact Mode", self.toggle_compact, QKeySequence("Ctrl+M"),
                                        "compact", checkable=True)
        theme_menu = view.addMenu("&Appearance")
        self.theme_group = QActionGroup(self)
        for name in THEMES:
            action = theme_menu.addAction(name.capitalize(), lambda n=name: self.set_theme(n))
            action.setCheckable(True)
            action.setData(name)
            self.theme_group.addAction(action)

        settings_menu = bar.addMenu("&Settings")
        self._action(settings_menu, "&Settings…", self.open_settings, QKeySequence("Ctrl+,"), "settings")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About MoodPlayer", self.open_about, None, "info")

    def _action(self, menu, text, slot, shortcut=None, icon_name=None, checkable=False) -> QAction:
        """`shortcut`: one key sequence, or a tuple of them (the first is shown in the menu)."""
        action = QAction(text, self)
        if icon_name:
            set_icon(action, icon_name)
        if isinstance(shortcut, tuple):
            action.setShortcuts([QKeySequence(key) for key in shortcut])
        elif shortcut is not None:
            action.setShortcut(shortcut)
        action.setCheckable(checkable)
        action.triggered.connect(slot if checkable else (lambda _checked=False: slot()))
        menu.addAction(action)
        return action

    def _build_tray(self) -> None:
        self.tray: MoodTray | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = MoodTray(self.session.toggle, self.session.next, self.show_from_tray, self.quit, self)
            self.tray.show()

    def _connect(self) -> None:
        session = self.session
        self.override_bar.chosen.connect(self.choose_override)
        self.transport.play_pause.connect(session.toggle)
        self.transport.next.connect(session.next)
        self.transport.previous.connect(session.previous)
        self.transport.seek.connect(session.seek)
        self.transport.volume_changed.connect(session.set_volume)
        self.now_playing.star_toggled.connect(self._star_current)
        self.now_playing.not_for_mood.connect(session.not_for_this_mood)
        self.queue_view.order_changed.connect(session.reorder_up_next)
        self.queue_view.remove_requested.connect(session.remove_up_next)
        self.queue_view.play_requested.connect(session.play_up_next)
        session.track_changed.connect(self.show_track)
        session.queue_changed.connect(self.show_queue)
        session.state_changed.connect(lambda state: self.transport.set_playing(state == "playing"))
        session.mode_changed.connect(self.show_mood)
        session.position.connect(lambda pos, dur: self.transport.set_position(pos, None if dur < 0 else dur))
        session.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        lib = self.library_view
        lib.play_requested.connect(lambda track: session.play_tracks([track]))
        lib.queue_requested.connect(session.enqueue)
        lib.star_requested.connect(self._star_tracks)
        lib.move_requested.connect(self._move_tracks)
        lib.remove_from_bucket_requested.connect(self._remove_tracks_from_bucket)
        lib.cancel_scan.connect(self.cancel_scan)
        lib.errors_requested.connect(self.show_scan_errors)

    # ==== start and stop ========================================================================
    def start(self) -> None:
        """After show(): first-start welcome, restore playback, load the library, scan, camera."""
        if self._splitter_sizes:
            self.splitter.setSizes(self._splitter_sizes)
        if self._first_start:
            self._welcome()
        if self.session.restore_state():
            self.override_bar.set_override(_emotion(self.session.override))
            self.settings.volume = self.session.player.volume
            self.transport.set_volume(self.settings.volume)
        self.refresh_library()
        if self.settings.music_dir:
            self.start_scan(self.settings.music_dir)
            self._watch(self.settings.music_dir)
        elif self.store.count():
            self.session.start_if_idle()
        if self.camera_choice.enabled:
            self.start_camera()
        else:
            self.camera_view.show_message(CAMERA_OFF)
            self.status_camera.setText("Camera off")

    def _welcome(self) -> None:
        dialog = WelcomeDialog(self.settings.music_dir or str(config.DEMO_LIBRARY),
                               self.camera_choice.enabled, self)
        if dialog.exec():
            self.settings.music_dir = dialog.music_dir()
            if not dialog.use_camera():
                self.camera_choice = CameraChoice(index=None)
            self.settings.camera_enabled = dialog.use_camera()
            self.act_camera.setChecked(self.camera_choice.enabled)
        self.settings.welcomed = True
        self._save_settings()

    def quit(self) -> None:
        self._quitting = True
        self.close()
        if self.isHidden():  # closing a window hidden in the tray does not end the app by itself
            self.shutdown()
            QApplication.instance().quit()

    def closeEvent(self, event) -> None:
        if not self._quitting and self.settings.minimize_to_tray and self.tray is not None:
            self.hide()
            self.tray.showMessage("MoodPlayer", "Still playing here. Quit from this menu.",
                                  QSystemTrayIcon.MessageIcon.Information, 3000)
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop every worker and save state; safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        self.stop_camera()
        self.cancel_scan()
        self.rescan_soon.stop()
        self.periodic_rescan.stop()
        wait_for_background(10000)
        try:
            self._save_window_state()
            self.session.save_state()
        except OSError as exc:
            log.error("Could not save the window state: %s", exc)
        self.session.close()
        if self.tray is not None:
            self.tray.hide()

    # ==== camera ===============================================================================
    def start_camera(self) -> None:
        if self.vision is not None or self._pipeline_factory is None:
            return
        choice = self.camera_choice
        worker = VisionWorker(lambda: self._pipeline_factory(choice, self.settings),
                              self.camera_view.target_size)
        worker.frame.connect(self._show_frame)
        worker.probabilities.connect(self._show_probabilities)
        worker.mood_changed.connect(self._camera_mood)
        worker.state.connect(self._camera_state)
        worker.failed.connect(self._camera_failed)
        # Direct: the worker's thread is busy in its loop and never runs queued calls;
        # display_ready only sets a threading.Event.
        self.camera_view.frame_shown.connect(worker.display_ready, Qt.ConnectionType.DirectConnection)
        self.camera_view.show_message(CAMERA_MESSAGES["starting"])
        self.status_camera.setText("Camera: starting")
        self._camera_state_now = "starting"
        self.vision = VisionThread(worker, self)
        self.vision.start()
        self.show_mood()

    def stop_camera(self) -> None:
        if self.vision is None:
            return
        vision, self.vision = self.vision, None
        self.camera_view.frame_shown.disconnect(vision.worker.display_ready)
        vision.stop()
        vision.deleteLater()
        self.camera_mood = None
        if not self._shut_down:
            self.show_mood()

    def set_camera_enabled(self, on: bool) -> None:
        if on:
            if not self.camera_choice.enabled:
                self.camera_choice = CameraChoice(index=self.settings.camera_index)
            self.start_camera()
        else:
            self.stop_camera()
            self.camera_view.show_message(CAMERA_OFF)
            self.bars.set_probabilities(None)
            self.status_camera.setText("Camera off")
        self.settings.camera_enabled = on
        self._save_settings()

    def _from_current_worker(self) -> bool:
        """False for what a stopped worker sent before it ended (still queued for us)."""
        return self.vision is not None and self.sender() is self.vision.worker

    def _show_frame(self, frame, source_size, faces) -> None:
        if self._from_current_worker():
            self.camera_view.show_frame(frame, source_size, faces)

    def _camera_state(self, state: str, message: str) -> None:
        if not self._from_current_worker():
            return
        self._camera_state_now = state
        self.show_mood()
        self.status_camera.setText(f"Camera: {state}")
        self.status_camera.setToolTip(message)
        if state != "running":
            text = CAMERA_MESSAGES.get(state, message)
            self.camera_view.show_message(f"{text}\n\n{message}" if state == "no camera" else text)
            self.bars.set_probabilities(None)

    def _camera_failed(self, message: str) -> None:
        if not self._from_current_worker():
            return
        self.camera_view.show_message(f"The mood detector could not start:\n{message}")
        self.status_camera.setText("Camera: error")

    def _show_probabilities(self, probabilities) -> None:
        if not self._from_current_worker():
            return
        self.bars.set_probabilities(probabilities)
        self.timeline.add_sample(probabilities)

    def _camera_mood(self, emotion: Emotion | None) -> None:
        if not self._from_current_worker():
            return
        self.timeline.set_mood(emotion)
        self.bars.set_mood(emotion)
        self.camera_mood = emotion
        self.session.on_camera_mood(emotion)
        self.show_mood()

    # ==== mood =================================================================================
    def choose_override(self, emotion: Emotion | None) -> None:
        self.session.set_override(emotion)

    def _camera_note(self) -> str:
        if self.vision is None:
            return " (camera off)"
        if self._camera_state_now in ("starting", "running"):
            return " — reading your expression…"
        return " (no camera picture)"

    def show_mood(self) -> None:
        override = _emotion(self.session.override)
        self.override_bar.set_override(override)
        seen = self.camera_mood
        if override is not None:
            text = f"{override.display_name} · manual"
            if seen is not None and seen != override:
                text += f" (camera sees {seen.label})"
        elif seen is not None:
            text = f"{seen.display_name} · auto"
        else:
            mood = _emotion(self.session.mood)
            name = mood.display_name if mood else "Mood unknown"
            text = f"{name} · auto{self._camera_note()}"
        self.mood_label.setText(text)
        self.status_mood.setText(f"Mood: {text}")
        if self.tray is not None:
            self.tray.show_mood(text)

    # ==== now playing ==========================================================================
    def show_track(self, item) -> None:
        track = item.track if item is not None else None
        self.now_playing.show_track(track, item.reason if item is not None else "")
        self.transport.set_playing(self.session.state == "playing")
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
        self._cover_for = track.id
        self.now_playing.show_cover(covers.placeholder(track.album or track.display_title, size))

        def shown(image: QImage | None) -> None:
            if image is not None and self._cover_for == track.id:
                self.now_playing.show_cover(image)

        run_in_background(lambda: covers.cover_image(track.path, size), shown,
                          lambda exc: log.debug("cover failed: %s", exc), context=self)

    def show_queue(self) -> None:
        items, caption = self.session.up_next()
        self.queue_view.set_rows([QueueRow(i.track.id, i.track.display_title, i.track.artist, i.reason)
                                  for i in items])
        self.queue_caption.setText(caption)
        self.transport.set_playing(self.session.state == "playing")

    def _star_current(self, on: bool) -> None:
        item = self.session.current
        if item is not None:
            self.session.set_favourite(item.track, on)
            self.refresh_library()

    def _star_tracks(self, tracks, on: bool) -> None:
        for track in tracks:
            self.session.set_favourite(track, on)
        current = self.session.current
        if current is not None and any(t.id == current.track.id for t in tracks):
            self.now_playing.show_track(current.track, current.reason)
        self.refresh_library()

    def _move_tracks(self, tracks, bucket: str) -> None:
        for track in tracks:
            self.store.move_to_bucket(track.id, bucket)
        self.statusBar().showMessage(f"Moved {len(tracks)} track(s) to {bucket}.", 5000)
        self.refresh_library()

    def _remove_tracks_from_bucket(self, tracks, bucket: str) -> None:
        for track in tracks:
            self.store.remove_from_bucket(track.id, bucket)
        self.refresh_library()

    # ==== library ==============================================================================
    def refresh_library(self) -> None:
        # Reads run on the pool and may finish out of order: only the newest one is shown.
        self._library_reads += 1
        wanted = self._library_reads

        def show(rows) -> None:
            if wanted == self._library_reads:
                self.library_view.set_rows(rows)

        folder = self.settings.music_dir or None  # the folder the user plays from, not every one ever scanned
        run_in_background(lambda: prepare_rows(self.store.tracks(folder=folder)), show, context=self,
                          on_error=lambda exc: self.statusBar().showMessage(f"Library not readable: {exc}"))
        self.library_view.set_error_count(len(self.store.scan_errors()))

    def choose_music_folder(self) -> None:
        start = self.settings.music_dir or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Choose your music folder", start)
        if not folder:
            return
        self.settings.music_dir = folder
        self._save_settings()
        self.start_scan(folder)
        self._watch(folder)

    def rescan(self) -> None:
        if self.settings.music_dir:
            self.start_scan(self.settings.music_dir)
        else:
            self.choose_music_folder()

    def start_scan(self, folder: str) -> None:
        """Scan in the background with its own Store (WAL lets us read meanwhile)."""
        if self.scan_task is not None:
            self.scan_task.cancel()
        from moodplayer.library.scanner import scan
        from moodplayer.library.store import Store

        db_path = self.store.path

        def work(progress, cancel):
            with Store(db_path) as own:
                return scan(own, folder, progress=progress, cancel=cancel)

        self.library_view.set_scanning(True)
        self.scan_progress.setRange(0, 0)
        self._show_scan_progress()
        self.statusBar().showMessage(f"Scanning {folder}…")
        self._scan_refreshed = 0
        task = ScanTask(work, self._scan_progress, lambda result: self._scan_done(task, result),
                        lambda exc: self._scan_done(task, exc), context=self)
        self.scan_task = task

    def _watch(self, folder: str) -> None:
        """Rescan (incremental, quick) when the folder's top level changes, after a
        quiet moment, and every RESCAN_EVERY_MS anyway for changes deeper down."""
        watched = self.watcher.directories()
        if watched:
            self.watcher.removePaths(watched)
        if os.path.isdir(folder):
            self.watcher.addPath(folder)
        self.periodic_rescan.start()

    def _rescan_quietly(self) -> None:
        if self.scan_task is not None:
            self.rescan_soon.start()  # after the scan that is running now
        elif self.settings.music_dir:
            self.start_scan(self.settings.music_dir)

    def _show_scan_progress(self) -> None:
        scanning = self.scan_task is not None or self.library_view.progress.isVisibleTo(self.library_view)
        self.scan_progress.setVisible(scanning and self.tabs.currentWidget() is not self.library_view)

    def _scan_progress(self, seen: int, total: int) -> None:
        self.library_view.set_progress(seen, total)
        self.scan_progress.setRange(0, max(total, 1))
        self.scan_progress.setValue(min(seen, max(total, 1)))
        if seen - self._scan_refreshed >= max(50, total // 10):
            self._scan_refreshed = seen
            self.refresh_library()
            if self.store.count():
                self.session.start_if_idle()  # playback need not wait for the whole scan

    def _scan_done(self, task: ScanTask, result) -> None:
        if task is not self.scan_task:
            return  # an older scan that was replaced
        self.scan_task = None
        self.library_view.set_scanning(False)
        self.scan_progress.hide()
        if isinstance(result, Exception):
            self.statusBar().showMessage(f"Could not scan: {result}", 10000)
            self.banner.add(f"Could not scan the music folder ({result}). Your library is kept as it was; "
                            "choose the folder again with File → Choose Music Folder….")
        else:
            errors = f", {len(result.errors)} unreadable" if result.errors else ""
            done = "Scan cancelled" if result.cancelled else "Library up to date"
            self.statusBar().showMessage(f"{done}: {result.tracks} tracks{errors} "
                                         f"({result.seconds:.1f} s)", 8000)
        self.refresh_library()
        self.session.start_if_idle()
        self.show_queue()
        self.scan_finished.emit(result)

    def cancel_scan(self) -> None:
        if self.scan_task is not None:
            self.scan_task.cancel()

    def show_scan_errors(self) -> None:
        ScanErrorsDialog(self.store.scan_errors(), self).exec()

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
        dialog = SettingsDialog(self.settings, BUCKETS, self.tray is not None, parent=self)
        if not dialog.exec():
            return
        old = self.settings
        new = dialog.result_settings()
        self.settings = new
        self.session.apply_settings(new)
        self._save_settings()
        if self.vision is not None:
            self.vision.worker.set_dwell(new.dwell_seconds)
        camera_changed = (new.camera_enabled != old.camera_enabled
                          or (new.camera_index != old.camera_index and self.camera_choice.video is None))
        if camera_changed:
            self.stop_camera()
            self.camera_choice = CameraChoice(index=new.camera_index if new.camera_enabled else None)
            self.act_camera.setChecked(new.camera_enabled)
            self.set_camera_enabled(new.camera_enabled)

    def open_about(self) -> None:
        AboutDialog(_vlc_version() if self.session.available else None, self).exec()

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
        self.act_compact.setChecked(on)
        self.setMinimumSize(COMPACT_MIN_SIZE if on else MIN_SIZE)

    def set_theme(self, name: str) -> None:
        self._theme = name
        for action in self.theme_group.actions():
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

    def banner_for_playback(self) -> None:
        if self.session.unavailable:
            self.banner.add("Music cannot play: " + self.session.unavailable +
                            ". Everything else works; restart MoodPlayer after installing.")
        for widget in (self.transport, self.act_toggle):
            widget.setEnabled(self.session.available)

    # ==== state ================================================================================
    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            self.statusBar().showMessage(f"Could not save settings: {exc}", 8000)

    def _save_window_state(self) -> None:
        write_json_atomic(window_state_path(), {
            "geometry": bytes(self.saveGeometry().toHex()).decode(),
            "splitter": self.splitter.sizes(),
            "tab": self.tabs.currentIndex(),
            "compact": self.act_compact.isChecked(),
            "theme": self._theme,
        })

    def _restore_window_state(self) -> None:
        try:
            data = json.loads(window_state_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        if data.get("geometry"):
            self.restoreGeometry(QByteArray.fromHex(str(data["geometry"]).encode()))
        if isinstance(data.get("splitter"), list) and len(data["splitter"]) == 2:
            self._splitter_sizes = [int(v) for v in data["splitter"]]  # set once laid out, in start()
        self.tabs.setCurrentIndex(int(data.get("tab", 0)) if str(data.get("tab", 0)).isdigit() else 0)
        self.set_compact(bool(data.get("compact", False)))
        theme = os.environ.get("MOODPLAYER_THEME") or data.get("theme") or "system"
        self.set_theme(theme if theme in THEMES else "system")


def _emotion(label: str | None) -> Emotion | None:
    return None if not label else Emotion.parse(label)


def _vlc_version() -> str | None:
    try:
        import vlc

        return vlc.libvlc_get_version().decode(errors="replace")
    except Exception:
        return None

