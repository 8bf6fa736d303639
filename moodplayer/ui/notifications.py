"""A desktop notification when the track changes: title, artist, why it plays (the mood reason)
and the cover; each one replaces the last instead of stacking. Off with Settings.notifications,
and quiet while the window itself is in front.

org.freedesktop.Notifications.Notify takes its replaces_id as a uint32, which PySide6's QtDBus
cannot send from Python (ints go out as int32, and servers check the signature), so the call is
made with jeepney, a pure-Python D-Bus library that writes the exact signature, on one worker
thread so a slow notification server never holds up the window.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from moodplayer.ui.mpris_art import cover_path

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
APP_NAME = "MoodPlayer"
APP_ICON = "moodplayer"
TIMEOUT_S = 3.0
EXPIRE_MS = 6000


class Notifier:
    """Sends Notify calls in order on its own thread; remembers the id to replace."""

    def __init__(self, bus: str = "SESSION"):
        self._bus = bus
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notify")
        self._connection = None
        self._lock = threading.Lock()
        self.last_id = 0
        self.failed_once = False

    def notify(self, summary: str, body: str, image: str | None = None):
        """Queue one notification; returns the Future (its result is the server's id or None)."""
        return self._pool.submit(self._send, summary, body, image)

    def _send(self, summary: str, body: str, image: str | None) -> int | None:
        from jeepney import DBusAddress, new_method_call

        hints = {"desktop-entry": ("s", "moodplayer"), "urgency": ("y", 0)}
        if image:
            hints["image-path"] = ("s", image)
        address = DBusAddress(PATH, bus_name=SERVICE, interface=SERVICE)
        message = new_method_call(address, "Notify", "susssasa{sv}i",
                                  (APP_NAME, self.last_id, APP_ICON, summary, body, [], hints, EXPIRE_MS))
        try:
            reply = self._open().send_and_get_reply(message, timeout=TIMEOUT_S)
        except Exception as exc:  # no bus, no server, a server that hangs: no notification, once said
            self._drop_connection()
            self._say_once(f"{type(exc).__name__}: {exc}")
            return None
        if reply.header.message_type.name != "method_return":
            self._say_once(" ".join(str(part) for part in reply.body))
            return None
        with self._lock:
            self.last_id = int(reply.body[0])
        return self.last_id

    def _open(self):
        if self._connection is None:
            from jeepney.io.blocking import open_dbus_connection

            self._connection = open_dbus_connection(bus=self._bus)
        return self._connection

    def _drop_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except OSError:
                pass
            self._connection = None

    def _say_once(self, why: str) -> None:
        if not self.failed_once:
            log.info("No desktop notifications: %s", why)
            self.failed_once = True

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._drop_connection()


def message_for(track, mood_reason: str) -> tuple[str, str, str | None]:
    """(summary, body, image path) for a track."""
    lines = [text for text in (track.artist, mood_reason) if text]
    art = cover_path(track)
    return track.display_title, "\n".join(lines), str(art) if art is not None else None


class TrackNotifications:
    """Connects the bridge's track changes to a Notifier."""

    def __init__(self, bridge, window, settings, notifier: Notifier | None = None):
        self.bridge, self.window, self.settings = bridge, window, settings
        self.notifier = notifier or Notifier()
        self.last = None
        bridge.track_changed.connect(self.on_track)

    def enabled(self) -> bool:
        # App.apply_settings gives the window the new Settings object; follow it
        settings = getattr(self.window, "settings", None) or self.settings
        return bool(getattr(settings, "notifications", True))

    def on_track(self, track):
        if track is None or not self.enabled() or track.id == self.last:
            return None
        if self.window is not None and self.window.isActiveWindow():
            return None  # the user is looking at it already
        self.last = track.id
        return self.notifier.notify(*message_for(track, self.bridge.mood_reason))

    def close(self) -> None:
        self.notifier.close()


def attach(bridge, window, settings) -> TrackNotifications:
    notifications = TrackNotifications(bridge, window, settings)
    if hasattr(bridge, "destroyed"):
        bridge.destroyed.connect(lambda *_: notifications.notifier.close())
    return notifications
