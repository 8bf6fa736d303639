"""The composition root: builds Settings, Store, the player (or NullPlayer), MoodSession, the
Qt bridge, the controllers and the window, connects them, starts them, and shuts them down
in order. Nothing else builds core objects for the window.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

SETTLE_MS = 2000  # --screenshot: at least this long after start ...
CAMERA_SETTLE_MS = 8000  # ... and once the camera confirmed a mood, if it runs, or this long
SETTLE_MAX_MS = 30000  # ... and once the refresh (scan + analysis) is done, but never longer than this
BACKGROUND_WAIT_MS = 10000  # at quit, for store writes and a cancelled scan to end
CHECKPOINT_MS = 5 * 60 * 1000  # the library's WAL goes into its file this often (and at quit)


class App:
    """Everything the window runs on, built once; `start()` after the window is shown."""

    def __init__(self, args, settings, store):
        from moodplayer.library.buckets import BUCKETS
        from moodplayer.moods.session import MoodSession
        from moodplayer.playback import open_player
        from moodplayer.ui.bridge import SessionBridge, VlcEventHop
        from moodplayer.ui.camera_controller import CameraController
        from moodplayer.ui.correction import attach_calibration
        from moodplayer.ui.library_controller import LibraryController
        from moodplayer.ui.main_window import MainWindow
        from moodplayer.ui.tasks import QtRunner
        from moodplayer.vision.personal import PersonalCalibration

        self.args, self.settings, self.store = args, settings, store
        music_dir = getattr(args, "music_dir", None)
        self.first_start = not settings.welcomed and not music_dir and not args.screenshot
        hop = VlcEventHop()
        self.player = open_player(on_vlc_event=hop.forward, volume=settings.volume)
        self.session = MoodSession(store, settings, self.player, runner=QtRunner())
        self.bridge = SessionBridge(self.session, hop)
        hop.setParent(self.bridge)
        self.library = LibraryController(self.bridge, store, settings)
        self.calibration = PersonalCalibration()  # the profile the camera's classifier applies
        self.camera = CameraController(self.bridge, settings, camera_choice(args, settings),
                                       lambda choice, now: make_pipeline(choice, now, self.calibration))
        self.window = MainWindow(self.bridge, settings, BUCKETS, self.camera, self.library,
                                 vlc_version=_vlc_version() if self.player.available else None)
        self.window.app = self
        self.window.apply_settings = self.apply_settings
        self.window.closing.connect(self.shutdown)
        attach_calibration(self.window, self.bridge, self.camera, self.calibration)
        self._shut_down = False
        from moodplayer.ui import drops, mpris, notifications, playlist_menu, single_instance
        self.mpris = mpris.attach(self.bridge, self.window, settings)
        self.playlists = playlist_menu.attach(self.bridge, self.window, settings)
        self.notifications = notifications.attach(self.bridge, self.window, settings)
        self.instance = single_instance.attach(self.bridge, self.window, settings)
        from moodplayer.ui import diary_view, goal_selector, voice_controller
        self.diary = diary_view.attach(self.bridge, self.window, settings)
        self.goal = goal_selector.attach(self.bridge, self.window, settings)
        self.voice = voice_controller.attach(self.bridge, self.window, settings)
        self.drops = drops.install_drops(self.bridge, self.window, self.window.queue_view)
        from PySide6.QtCore import QTimer
        self.checkpoints = QTimer(self.window, interval=CHECKPOINT_MS, timeout=self._checkpoint)

    def start(self) -> None:
        """First-start welcome, restore playback, load the library, refresh it, camera."""
        window, settings = self.window, self.settings
        window.lay_out_restored()
        self._report_store()
        self._report_settings_and_output()
        self.checkpoints.start()
        if self.first_start:
            self._welcome()
        if self.session.restore_state():
            settings.volume = self.player.volume
            window.transport.set_volume(settings.volume)
        self.library.refresh_rows()
        if settings.music_dir:
            self.library.start(settings.music_dir)
            self.library.watch(settings.music_dir)
        if self.camera.choice.enabled:
            self.camera.start()
        else:
            window.show_camera_state("off", "")
        if getattr(self.args, "files", None):  # moodplayer FILE...: those play now
            from moodplayer.ui.drops import hand_to
            hand_to(self.bridge, self.args.files, play=True)

    def _report_store(self) -> None:
        """What opening the library found: a repaired file, or one that cannot be written."""
        store, say = self.store, self.bridge.message.emit
        recovery = getattr(store, "recovery", None)
        if recovery is not None:
            say("error", recovery.message)
        if getattr(store, "read_only", False):
            problem = getattr(store, "write_problem", None) or "the file or its folder is read-only"
            say("error", f"The library {store.path} cannot be written ({problem}). Music plays; stars, "
                         f"bucket moves and new scans are not kept until it can be written again.")

    def _report_settings_and_output(self) -> None:
        """Settings the file held that were replaced by defaults, and why nothing will be heard."""
        from moodplayer.config import settings_path

        say = self.bridge.message.emit
        if self.settings.problems:
            say("error", f"Some settings in {settings_path()} could not be used and got their defaults: "
                         + "; ".join(self.settings.problems) + ".")
        output = getattr(self.player, "output_problem", None)
        if output:
            say("error", f"Nothing will be heard: {output}.")

    def _checkpoint(self) -> None:
        """PASSIVE waits for no reader; off the GUI thread all the same, the store's lock may."""
        from moodplayer.ui.tasks import run_in_background

        run_in_background(lambda: self.store.checkpoint("PASSIVE"), supersede="checkpoint")

    def _welcome(self) -> None:
        from moodplayer.vision.cameras import CameraChoice

        answer = self.window.welcome()
        if answer is not None:
            self.settings.music_dir, use_camera = answer
            if not use_camera:
                self.camera.choice = CameraChoice(index=None)
            self.settings.camera_enabled = use_camera
            self.window.actions.camera.setChecked(self.camera.choice.enabled)
        self.settings.welcomed = True
        self.window._save_settings()
        self.window.calibration_ui.offer()  # "teach MoodPlayer your face", when the camera is on

    def apply_settings(self, new) -> None:
        """From the Settings dialog: every part gets the new settings at once.

        Copied into the one Settings object that every part holds (the goal selector,
        notifications, diary...), so none of them keeps, or later saves, the old values."""
        import dataclasses

        old = dataclasses.replace(self.settings)
        for item in dataclasses.fields(new):
            setattr(self.settings, item.name, getattr(new, item.name))
        new = self.settings
        self.session.apply_settings(new)
        if _queue_choice(old) != _queue_choice(new):
            self.session.dj.requeue()  # Up next follows the new languages or mapping at once
        self.library.settings = self.window.settings = new
        self.camera.apply_settings(old, new)
        self.window._save_settings()

    def shutdown(self) -> None:
        """Stop the workers, save state, close the player and the store; safe to call twice."""
        from moodplayer.ui.tasks import wait_for_background
        from moodplayer.ui.window_state import save_window_state

        if self._shut_down:
            return
        self._shut_down = True
        self.checkpoints.stop()  # before the store closes (close checkpoints it anyway)
        self.camera.stop()
        self.library.shutdown()
        wait_for_background(BACKGROUND_WAIT_MS)
        for what, save in (("window state", lambda: save_window_state(self.window)),
                           ("playback state", self.session.save_state)):
            try:
                save()
            except OSError as exc:
                log.error("Could not save the %s: %s", what, exc)
        self.bridge.close()
        self.store.close()


def _queue_choice(settings) -> tuple:
    """The settings that pick a queue's tracks."""
    return (settings.preferred_languages, settings.only_preferred_languages, settings.mapping,
            settings.angry_plays)


def run_gui(args) -> int:
    from moodplayer.library.store import StoreError

    qt_app = make_application()
    from moodplayer.ui.single_instance import hand_over
    if not args.screenshot and hand_over(getattr(args, "files", [])):
        return 0  # the window already open plays them
    try:
        app = build_app(args)
    except StoreError as exc:
        if args.screenshot:  # never wait behind a dialog nobody will answer
            print(f"moodplayer: cannot open its library: {exc}", file=sys.stderr)
            return 1
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "MoodPlayer cannot open its library", str(exc))
        return 1
    qt_app.aboutToQuit.connect(app.shutdown)
    quit_on_signals(qt_app, app.shutdown)
    app.window.show()
    app.start()
    if args.screenshot:
        _screenshot_when_settled(app, args.screenshot, qt_app)
    return qt_app.exec()


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


def build_app(args) -> App:
    """The app for these command-line options: settings, store, player, session, window."""
    from moodplayer import config
    from moodplayer.config import Settings
    from moodplayer.library.store import Store

    settings = Settings.load()
    music_dir = getattr(args, "music_dir", None)
    if music_dir:
        settings.music_dir = str(Path(music_dir).expanduser().resolve())
        settings.save()  # --music-dir is remembered
    if not settings.music_dir and args.screenshot and config.DEMO_LIBRARY.is_dir():
        settings.music_dir = str(config.DEMO_LIBRARY)  # a picture with music in it
    return App(args, settings, Store.open_default())


def create_window(args):
    """The window of a freshly built app (the App stays reachable as `window.app`)."""
    return build_app(args).window


def camera_choice(args, settings):
    from moodplayer.vision.cameras import CameraChoice

    if getattr(args, "video", None):
        return CameraChoice(index=None, video=str(args.video))
    if getattr(args, "no_camera", False):
        return CameraChoice(index=None)
    if getattr(args, "camera", None) is not None:
        return CameraChoice(index=int(args.camera))
    return CameraChoice(index=settings.camera_index if settings.camera_enabled else None)


def make_pipeline(choice, settings, calibration=None):
    """Runs in the vision thread: the models load there, off the GUI thread."""
    from moodplayer.vision.pipeline import VisionPipeline
    from moodplayer.vision.sources import open_source

    source = open_source(camera=choice.index, video=choice.video)
    classifier = calibration.make_classifier() if calibration is not None else None
    return VisionPipeline(source, classifier=classifier, dwell_seconds=settings.dwell_seconds)


def quit_on_signals(qt_app, shutdown) -> None:
    """SIGTERM and SIGINT save the state and quit cleanly. Python runs signal handlers only
    between bytecodes, and Qt's event loop is C++: the handler's wake-up byte on a socket
    makes a QSocketNotifier fire in the GUI thread, where quitting is safe."""
    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    for end in (reader, writer):
        end.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    received: list[int] = []
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda signum, _frame: received.append(signum))

    def woken() -> None:
        try:
            reader.recv(64)
        except OSError:
            pass
        if received:
            log.info("Signal %s: saving and quitting", signal.Signals(received[-1]).name)
            shutdown()
            qt_app.quit()

    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, qt_app)
    notifier.activated.connect(woken)
    qt_app._signal_wakeup = (reader, writer, notifier)  # kept alive with the application


def _screenshot_when_settled(app: App, path: str, qt_app) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from moodplayer.ui.tasks import in_flight

    started = time.monotonic()

    def check() -> None:
        elapsed_ms = (time.monotonic() - started) * 1000
        modal = QApplication.activeModalWidget()
        if modal is not None and elapsed_ms >= SETTLE_MAX_MS:
            timer.stop()
            print(f"moodplayer: --screenshot gave up: a dialog is open ({modal.windowTitle()})",
                  file=sys.stderr)
            modal.reject()
            qt_app.exit(1)
        elif modal is None and ((not app.library.busy and not in_flight() and elapsed_ms >= SETTLE_MS
                                 and (not _reading_a_face(app) or elapsed_ms >= CAMERA_SETTLE_MS))
                                or elapsed_ms >= SETTLE_MAX_MS):
            timer.stop()
            _save_screenshot(app.window, path, qt_app)

    timer = QTimer(app.window, interval=200, timeout=check)
    timer.start()


def _reading_a_face(app: App) -> bool:
    """The camera runs and has not confirmed a mood yet (the picture should show one)."""
    return app.camera.running and app.bridge.mood.camera is None


def _save_screenshot(window, path: str, qt_app) -> None:
    ok = window.grab().save(path)
    if not ok:
        log.error("Could not save the screenshot to %s", path)
    qt_app.exit(0 if ok else 1)


def _vlc_version() -> str | None:
    try:
        import vlc

        return vlc.libvlc_get_version().decode(errors="replace")
    except Exception:
        return None

