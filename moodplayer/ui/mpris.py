"""MPRIS2 over QtDBus: media keys, desktop media widgets, playerctl and KDE Connect control the
player through `org.mpris.MediaPlayer2.moodplayer` on the session bus.

The object at /org/mpris/MediaPlayer2 is a QDBusVirtualObject, so this module answers
Introspect, Properties.Get/GetAll/Set and the method calls itself and every value goes out with
the type the spec names (int64 lengths and positions through `dbus_values`). The one signal
with a bare int64, Seeked, comes from a Qt adaptor on that object: QtDBus relays an adaptor's
signals for a virtual object registered with SubPath, with the int64 intact.

A typed a{sv} cannot hold another typed a{sv} from Python, so Player's GetAll carries every
property but Metadata (Position as an int64), and right after it a PropertiesChanged brings the
Metadata, int64 length and all: GDBus and QtDBus clients subscribe before they call GetAll, and
playerctl asks for Metadata with Get when its cache has none.

Everything here talks to the SessionBridge only (its contract names), never to the session.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import ClassInfo, QObject, QTimer, Signal
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
    QDBusVariant,
    QDBusVirtualObject,
)

from moodplayer.ui.dbus_values import TypedValues, reply_to, string_array
from moodplayer.ui.mpris_art import cover_path

log = logging.getLogger(__name__)

BUS_NAME = "org.mpris.MediaPlayer2.moodplayer"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT = "org.mpris.MediaPlayer2"
PLAYER = "org.mpris.MediaPlayer2.Player"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"
TRACK_PATH = "/org/moodplayer/track/"
STATUS = {"playing": "Playing", "paused": "Paused"}  # anything else is "Stopped"
MIME_TYPES = ["audio/mpeg", "audio/flac", "audio/ogg", "audio/x-vorbis+ogg", "audio/x-opus+ogg",
              "audio/mp4", "audio/x-m4a", "audio/x-wav", "audio/x-ms-wma", "audio/x-aiff"]
SEEK_JUMP = 1.5  # seconds off the expected position: someone seeked (the window, say)
_said_no_bus = False

INTROSPECTION = f"""<interface name="{ROOT}">
  <method name="Raise"/><method name="Quit"/>
  <property name="CanQuit" type="b" access="read"/>
  <property name="CanRaise" type="b" access="read"/>
  <property name="HasTrackList" type="b" access="read"/>
  <property name="Identity" type="s" access="read"/>
  <property name="DesktopEntry" type="s" access="read"/>
  <property name="SupportedUriSchemes" type="as" access="read"/>
  <property name="SupportedMimeTypes" type="as" access="read"/>
</interface>
<interface name="{PLAYER}">
  <method name="Next"/><method name="Previous"/><method name="Pause"/><method name="PlayPause"/>
  <method name="Stop"/><method name="Play"/>
  <method name="Seek"><arg direction="in" name="Offset" type="x"/></method>
  <method name="SetPosition"><arg direction="in" name="TrackId" type="o"/>
    <arg direction="in" name="Position" type="x"/></method>
  <method name="OpenUri"><arg direction="in" name="Uri" type="s"/></method>
  <signal name="Seeked"><arg name="Position" type="x"/></signal>
  <property name="PlaybackStatus" type="s" access="read"/>
  <property name="Rate" type="d" access="readwrite"/>
  <property name="Metadata" type="a{{sv}}" access="read"/>
  <property name="Volume" type="d" access="readwrite"/>
  <property name="Position" type="x" access="read"/>
  <property name="MinimumRate" type="d" access="read"/>
  <property name="MaximumRate" type="d" access="read"/>
  <property name="CanGoNext" type="b" access="read"/>
  <property name="CanGoPrevious" type="b" access="read"/>
  <property name="CanPlay" type="b" access="read"/>
  <property name="CanPause" type="b" access="read"/>
  <property name="CanSeek" type="b" access="read"/>
  <property name="CanControl" type="b" access="read"/>
</interface>
"""


@ClassInfo({"D-Bus Interface": PLAYER})
class _SeekedSignal(QDBusAbstractAdaptor):
    Seeked = Signal("qlonglong")  # microseconds

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.setAutoRelaySignals(True)


def track_id(track) -> str:
    """An object path per track; files played from outside the library have negative ids."""
    if track is None:
        return NO_TRACK
    return f"{TRACK_PATH}{track.id}" if track.id >= 0 else f"{TRACK_PATH}loose_{-track.id}"


class MprisObject(QDBusVirtualObject):
    """The player as MPRIS sees it: reads from the bridge, calls the bridge."""

    changed_soon = Signal(list)  # property names to send in a PropertiesChanged

    def __init__(self, bridge, window, connection: QDBusConnection):
        super().__init__()
        self.bridge, self.window, self.connection = bridge, window, connection
        self.typed = TypedValues(connection, self)
        self.seeked = _SeekedSignal(self)

    # ---- what D-Bus asks --------------------------------------------------------------------------
    def introspect(self, path: str) -> str:
        return INTROSPECTION if path == OBJECT_PATH else ""

    def handleMessage(self, message: QDBusMessage, connection: QDBusConnection) -> bool:
        if message.path() != OBJECT_PATH:
            return False
        interface, member, args = message.interface(), message.member(), message.arguments()
        try:
            methods = self._methods().get(interface) or {**self._methods()[ROOT], **self._methods()[PLAYER]}
            if interface == PROPERTIES:
                reply = self._properties(message, member, args)
            elif interface == INTROSPECTABLE and member == "Introspect":
                reply = reply_to(message, [f"<node>{INTROSPECTION}</node>"])
            elif interface in (PLAYER, ROOT, "") and member in methods:
                methods[member](*args)
                reply = message.createReply()
            else:
                reply = message.createErrorReply("org.freedesktop.DBus.Error.UnknownMethod",
                                                 f"No method {interface}.{member}")
        except (TypeError, ValueError) as exc:
            reply = message.createErrorReply("org.freedesktop.DBus.Error.InvalidArgs", str(exc))
        except Exception as exc:  # the caller gets an error, the player carries on
            log.exception("MPRIS %s.%s failed", interface, member)
            reply = message.createErrorReply("org.freedesktop.DBus.Error.Failed", str(exc))
        connection.send(reply)
        return True

    def _properties(self, message: QDBusMessage, member: str, args: list) -> QDBusMessage:
        values = self.root_properties() if args and args[0] == ROOT else \
            self.player_properties() if args and args[0] == PLAYER else None
        if values is None:
            return message.createErrorReply("org.freedesktop.DBus.Error.UnknownInterface",
                                            f"No interface {args[0] if args else ''}")
        if member == "GetAll" and args[0] == PLAYER:
            values.pop("Metadata")
            values["Position"] = ("int64", self.position_us())
            QTimer.singleShot(0, self, lambda: self.changed_soon.emit(["Metadata"]))
            return reply_to(message, [self.typed.map(values)])
        if member == "GetAll":
            return reply_to(message, [values])
        if member == "Get" and len(args) == 2 and args[1] == "Position" and args[0] == PLAYER:
            return reply_to(message, [self.typed.int64(self.position_us())])
        if member == "Get" and len(args) == 2 and args[1] in values:
            value = values[args[1]]
            return reply_to(message, [QDBusVariant(value[1] if isinstance(value, tuple) else value)])
        if member == "Set" and len(args) == 3:
            return self._set(message, args[1], args[2])
        return message.createErrorReply("org.freedesktop.DBus.Error.UnknownProperty",
                                        f"No property {args[1] if len(args) > 1 else ''}")

    def _set(self, message: QDBusMessage, name: str, value) -> QDBusMessage:
        value = value.variant() if isinstance(value, QDBusVariant) else value
        if name == "Volume":
            self.bridge.set_volume(round(min(max(float(value), 0.0), 1.0) * 100))
        elif name != "Rate":  # Rate stays 1.0: setting it is allowed and ignored
            return message.createErrorReply("org.freedesktop.DBus.Error.PropertyReadOnly",
                                            f"{name} is read-only")
        return message.createReply()

    # ---- properties -------------------------------------------------------------------------------
    def root_properties(self) -> dict:
        return {"CanQuit": True, "CanRaise": self.window is not None, "HasTrackList": False,
                "Identity": "MoodPlayer", "DesktopEntry": "moodplayer",
                "SupportedUriSchemes": string_array(["file"]), "SupportedMimeTypes": string_array(MIME_TYPES)}

    def player_properties(self) -> dict:
        """Every Player property but Position, as (kind, value) for TypedValues.map; Metadata is
        the typed a{sv} itself."""
        has_track = self.bridge.current_track is not None
        flags = {name: ("bool", on) for name, on in (
            ("CanGoNext", has_track), ("CanGoPrevious", has_track), ("CanPlay", has_track),
            ("CanPause", has_track), ("CanSeek", has_track and self.bridge.length > 0), ("CanControl", True))}
        return {"PlaybackStatus": ("string", self.status()), "Rate": ("double", 1.0),
                "Metadata": self.typed.map(self.metadata()), "Volume": ("double", self.bridge.volume / 100.0),
                "MinimumRate": ("double", 1.0), "MaximumRate": ("double", 1.0), **flags}

    def status(self) -> str:
        return STATUS.get(self.bridge.state, "Stopped")

    def position_us(self) -> int:
        return int(round(self.bridge.position * 1_000_000))

    def metadata(self) -> dict[str, tuple[str, object]]:
        """{key: (kind, value)} for TypedValues.map; keys without a value are left out."""
        track = self.bridge.current_track
        if track is None:
            return {"mpris:trackid": ("path", QDBusObjectPath(NO_TRACK))}
        values = {"mpris:trackid": ("path", QDBusObjectPath(track_id(track))),
                  "xesam:title": ("string", track.display_title),
                  "xesam:url": ("string", Path(os.path.abspath(track.path)).as_uri())}
        length = self.bridge.length or track.duration or 0
        if length:
            values["mpris:length"] = ("int64", int(round(length * 1_000_000)))
        for key, text in (("xesam:artist", track.artist), ("xesam:albumArtist", track.album_artist),
                          ("xesam:genre", track.genre), ("xesam:comment", self.bridge.mood_reason)):
            if text:
                values[key] = ("strings", [text])
        if track.album:
            values["xesam:album"] = ("string", track.album)
        art = cover_path(track)
        if art is not None:
            values["mpris:artUrl"] = ("string", art.as_uri())
        return values

    # ---- methods ----------------------------------------------------------------------------------
    def _methods(self) -> dict[str, dict]:
        b = self.bridge
        return {ROOT: {"Raise": self.raise_window, "Quit": self.quit},
                PLAYER: {"Next": b.next, "Previous": b.previous, "Pause": b.pause,
                         "PlayPause": b.play_pause, "Stop": b.stop, "Play": b.play, "Seek": self.seek_by,
                         "SetPosition": self.set_position, "OpenUri": self.open_uri}}

    def seek_by(self, offset_us: int) -> None:
        target = self.bridge.position + int(offset_us) / 1_000_000
        if self.bridge.length and target > self.bridge.length:
            self.bridge.next()  # the spec: seeking past the end acts like Next
            return
        self.jump_to(max(target, 0.0))

    def set_position(self, track: QDBusObjectPath, position_us: int) -> None:
        path = track.path() if isinstance(track, QDBusObjectPath) else str(track)
        seconds = int(position_us) / 1_000_000
        if path != track_id(self.bridge.current_track) or seconds < 0:
            return  # a stale request for another track: the spec says ignore it
        if self.bridge.length and seconds > self.bridge.length:
            return
        self.jump_to(seconds)

    def jump_to(self, seconds: float) -> None:
        self.bridge.seek(seconds)
        self.seeked.Seeked.emit(int(round(seconds * 1_000_000)))
        self.jumped(seconds)

    def jumped(self, seconds: float) -> None:
        """Set by Mpris: this jump is already announced."""

    def open_uri(self, uri: str) -> None:
        from moodplayer.cli import local_path

        path = local_path(str(uri))
        if "://" in path:
            raise ValueError(f"only file:// addresses can be opened, not {uri}")
        self.bridge.play_files([path])

    def raise_window(self) -> None:
        if self.window is not None:
            self.window.showNormal() if self.window.isMinimized() else self.window.show()
            self.window.raise_()
            self.window.activateWindow()

    def quit(self) -> None:
        from PySide6.QtWidgets import QApplication

        quit_window = getattr(self.window, "quit", None)
        log.info("MPRIS: Quit")
        # after the reply has gone out, not inside QtDBus's delivery of the call
        QTimer.singleShot(0, quit_window or QApplication.quit)


class Mpris(QObject):
    """Owns the registration; turns the bridge's signals into PropertiesChanged and Seeked."""

    def __init__(self, bridge, window, connection: QDBusConnection, name: str):
        super().__init__(bridge)
        self.connection, self.name = connection, name
        self.object = MprisObject(bridge, window, connection)
        self.object.changed_soon.connect(lambda names: self.changed(*names))
        self.object.jumped = self._expect
        self._last = (time.monotonic(), bridge.position, bridge.state, track_id(bridge.current_track))
        bridge.track_changed.connect(lambda _track: self.changed(
            "Metadata", "CanGoNext", "CanGoPrevious", "CanPlay", "CanPause", "CanSeek"))
        bridge.mood_changed.connect(lambda _mood: self.changed("Metadata"))
        bridge.state_changed.connect(lambda _state: self.changed("PlaybackStatus"))
        bridge.volume_changed.connect(lambda _volume: self.changed("Volume"))
        bridge.position_changed.connect(self._watch_position)

    def changed(self, *names: str) -> None:
        values = self.object.player_properties()
        signal = QDBusMessage.createSignal(OBJECT_PATH, PROPERTIES, "PropertiesChanged")
        plain = {n: v[1] if isinstance(v, tuple) else v for n, v in values.items()}
        signal.setArguments([PLAYER, {n: plain[n] for n in names}, string_array([])])
        self.connection.send(signal)

    def _expect(self, seconds: float) -> None:
        bridge = self.object.bridge
        self._last = (time.monotonic(), seconds, bridge.state, track_id(bridge.current_track))

    def _watch_position(self, position: float, _length: float) -> None:
        """A jump the window made (or anyone but MPRIS) is a Seeked too; a new track is not."""
        bridge = self.object.bridge
        now, state, track = time.monotonic(), bridge.state, track_id(bridge.current_track)
        then, before, state_before, track_before = self._last
        expected = before + (now - then if state_before == "playing" else 0.0)
        self._last = (now, position, state, track)
        if track == track_before and abs(position - expected) > SEEK_JUMP:
            self.object.seeked.Seeked.emit(int(round(position * 1_000_000)))

    def close(self) -> None:
        self.connection.unregisterObject(OBJECT_PATH)
        self.connection.unregisterService(self.name)
        self.object.typed.close()


def attach(bridge, window, settings=None, connection: QDBusConnection | None = None) -> Mpris | None:
    """Put the player on the session bus; None (and one log line) when there is no bus."""
    global _said_no_bus
    connection = connection if connection is not None else QDBusConnection.sessionBus()
    if not connection.isConnected():
        if not _said_no_bus:
            log.info("No D-Bus session bus: media keys, desktop media widgets and playerctl "
                     "cannot control MoodPlayer (%s)", connection.lastError().message() or "not connected")
            _said_no_bus = True
        return None
    mpris = Mpris(bridge, window, connection, BUS_NAME)
    registered = connection.registerVirtualObject(OBJECT_PATH, mpris.object,
                                                  QDBusConnection.VirtualObjectRegisterOption.SubPath)
    name = BUS_NAME
    if registered and not connection.registerService(name):
        name = f"{BUS_NAME}.instance{os.getpid()}"  # another player took the plain name
        registered = connection.registerService(name)
    if not registered:
        log.warning("MPRIS is off: could not register %s on the session bus (%s)", BUS_NAME,
                    connection.lastError().message())
        connection.unregisterObject(OBJECT_PATH)
        mpris.deleteLater()
        return None
    mpris.name = name
    log.info("MPRIS: controllable as %s", name)
    return mpris
