"""Track-change notifications, received by a small notification server on a private bus: a QtDBus
adaptor whose Notify slot is typed `susssasa{sv}i`, so a call with any other signature fails."""

from __future__ import annotations

import logging
import shutil
import time

import pytest
from private_bus import needs_dbus, pump, start_bus, stop_bus
from PySide6.QtCore import ClassInfo, QObject, Signal, Slot
from PySide6.QtDBus import QDBusAbstractAdaptor, QDBusConnection

from moodplayer.config import DEMO_LIBRARY, Settings
from moodplayer.library.scanner import scan
from moodplayer.library.store import Store
from moodplayer.ui import notifications
from moodplayer.ui.notifications import Notifier, TrackNotifications

pytestmark = [needs_dbus, pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the demo library")]


@ClassInfo({"D-Bus Interface": "org.freedesktop.Notifications"})
class NotificationServer(QDBusAbstractAdaptor):
    def __init__(self, parent):
        super().__init__(parent)
        self.received = []

    @Slot(str, "uint", str, str, str, "QStringList", "QVariantMap", int, result="uint")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, timeout):  # noqa: N802
        self.received.append({"app": app_name, "replaces": replaces_id, "icon": app_icon, "summary": summary,
                              "body": body, "hints": dict(hints), "timeout": timeout})
        return replaces_id or 100 + len(self.received)


class BridgeDouble(QObject):
    track_changed = Signal(object)
    mood_reason = "sad → calm"


class WindowDouble:
    def __init__(self, settings, active=False):
        self.settings, self.active = settings, active

    def isActiveWindow(self):  # noqa: N802
        return self.active


@pytest.fixture
def server(qapp):
    address, pid = start_bus()
    connection = QDBusConnection.connectToBus(address, f"notify-server-{time.monotonic_ns()}")
    target = QObject()
    adaptor = NotificationServer(target)
    assert connection.registerObject(notifications.PATH, target)
    assert connection.registerService(notifications.SERVICE)
    yield address, adaptor
    QDBusConnection.disconnectFromBus(connection.name())
    stop_bus(pid)


@pytest.fixture
def tracks(tmp_path):
    import cv2
    import numpy as np

    folder = tmp_path / "music"
    folder.mkdir()
    for source in sorted(DEMO_LIBRARY.glob("*.ogg"))[:2]:
        shutil.copyfile(source, folder / source.name)
    cv2.imwrite(str(folder / "folder.png"), np.full((32, 32, 3), 200, np.uint8))
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, folder)
        return sorted(store.tracks(), key=lambda t: t.path)


def _wait(qapp, future, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not future.done():
        pump(qapp, 0.02)
        assert time.monotonic() < deadline, "the notification call did not finish"
    return future.result()


def test_track_change_notifies_and_replaces_the_last_one(qapp, server, tracks):
    address, received = server[0], server[1].received
    bridge, settings = BridgeDouble(), Settings()
    shown = TrackNotifications(bridge, WindowDouble(settings), settings, Notifier(address))
    try:
        first_id = _wait(qapp, shown.on_track(tracks[0]))
        second_id = _wait(qapp, shown.on_track(tracks[1]))
    finally:
        shown.close()
    first, second = received
    assert (first["summary"], first["replaces"], first["app"], first["icon"]) == \
        (tracks[0].display_title, 0, "MoodPlayer", "moodplayer")
    assert first["body"] == f"{tracks[0].artist}\nsad → calm"
    assert first["hints"]["desktop-entry"] == "moodplayer"
    assert open(first["hints"]["image-path"], "rb").read()[:4] == b"\x89PNG"
    assert second["summary"] == tracks[1].display_title and second["replaces"] == first_id == second_id == 101


def test_the_bridge_signal_drives_it(qapp, server, tracks):
    address, received = server[0], server[1].received
    bridge, settings = BridgeDouble(), Settings()
    shown = TrackNotifications(bridge, WindowDouble(settings), settings, Notifier(address))
    try:
        bridge.track_changed.emit(tracks[0])
        bridge.track_changed.emit(tracks[0])  # the same track again: no second notification
        bridge.track_changed.emit(None)
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            pump(qapp, 0.05)
        pump(qapp, 0.3)
    finally:
        shown.close()
    assert [r["summary"] for r in received] == [tracks[0].display_title]


def test_setting_off_or_window_in_front_sends_nothing(qapp, server, tracks):
    address, received = server[0], server[1].received
    settings = Settings(notifications=False)
    off = TrackNotifications(BridgeDouble(), WindowDouble(settings), Settings(), Notifier(address))
    front = TrackNotifications(BridgeDouble(), WindowDouble(Settings(), active=True), Settings(),
                               Notifier(address))
    assert off.on_track(tracks[0]) is None and front.on_track(tracks[0]) is None
    off.settings = Settings()
    off.window.settings = Settings(notifications=True)  # the window got new settings: they count
    _wait(qapp, off.on_track(tracks[1]))
    off.close()
    front.close()
    assert [r["summary"] for r in received] == [tracks[1].display_title]


def test_no_notification_server_is_said_once_and_nothing_breaks(qapp, tracks, caplog):
    address, pid = start_bus()
    try:
        notifier = Notifier(address)
        with caplog.at_level(logging.INFO, logger="moodplayer.ui.notifications"):
            assert _wait(qapp, notifier.notify("a", "b")) is None
            assert _wait(qapp, notifier.notify("c", "d")) is None
        notifier.close()
    finally:
        stop_bus(pid)
    said = [r.message for r in caplog.records if "No desktop notifications" in r.message]
    assert len(said) == 1 and "org.freedesktop.Notifications" in said[0]


def test_no_bus_at_all(qapp, caplog):
    notifier = Notifier("unix:path=/nonexistent/bus")
    with caplog.at_level(logging.INFO, logger="moodplayer.ui.notifications"):
        assert _wait(qapp, notifier.notify("a", "b")) is None
    notifier.close()
    assert any("No desktop notifications" in r.message for r in caplog.records)


def test_settings_file_keeps_the_switch(isolated_dirs):
    Settings(notifications=False).save()
    assert Settings.load().notifications is False
