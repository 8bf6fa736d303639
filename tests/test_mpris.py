"""MPRIS2 on a private session bus, driven by the real clients: playerctl, dbus-send, dbus-monitor.

The first part serves a SessionBridge-shaped double (real Tracks from a real scan; it records
what MPRIS asked for), so the D-Bus side is checked on its own; the last test runs the whole app
as a subprocess and drives libVLC through playerctl.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from private_bus import Lines, client_env, needs_dbus, needs_playerctl, pump, run_client, start_bus, stop_bus
from PySide6.QtCore import QObject, Signal
from PySide6.QtDBus import QDBusConnection

from moodplayer.config import DEMO_LIBRARY, Settings
from moodplayer.library.scanner import scan
from moodplayer.library.store import Store
from moodplayer.ui import mpris

REPO = Path(__file__).resolve().parent.parent
pytestmark = [needs_dbus, needs_playerctl,
              pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the bundled demo library")]


class BridgeDouble(QObject):
    """The SessionBridge contract, over a list of real Tracks; records the calls."""

    mood_changed = Signal(object)
    queue_changed = Signal()
    track_changed = Signal(object)
    state_changed = Signal(str)
    position_changed = Signal(float, float)
    volume_changed = Signal(int)
    message = Signal(str, str)

    def __init__(self, tracks):
        super().__init__()
        self.tracks, self.index, self.calls = tracks, 0, []
        self.state, self.position, self.volume, self.mood_reason = "playing", 3.0, 80, "fear → devotional"

    @property
    def current_track(self):
        return self.tracks[self.index] if self.tracks else None

    @property
    def length(self) -> float:
        return float(self.current_track.duration) if self.current_track else 0.0

    def play_pause(self):
        self.calls.append("play_pause")
        self.state = "paused" if self.state == "playing" else "playing"
        self.state_changed.emit(self.state)

    def next(self):
        self.calls.append("next")
        self.index = (self.index + 1) % len(self.tracks)
        self.position = 0.0
        self.track_changed.emit(self.current_track)

    def seek(self, seconds):
        self.calls.append(("seek", round(seconds, 3)))
        self.position = seconds

    def set_volume(self, percent):
        self.calls.append(("volume", percent))
        self.volume = percent
        self.volume_changed.emit(percent)

    def play_files(self, paths):
        self.calls.append(("play_files", list(paths)))

    def __getattr__(self, name):  # play, pause, stop, previous
        if name in ("play", "pause", "stop", "previous"):
            return lambda: self.calls.append(name)
        raise AttributeError(name)


class WindowDouble:
    def __init__(self):
        self.calls = []

    def isMinimized(self):
        return False

    def show(self):
        self.calls.append("show")

    def raise_(self):
        self.calls.append("raise")

    def activateWindow(self):
        self.calls.append("activate")

    def quit(self):
        self.calls.append("quit")


@pytest.fixture(scope="module")
def bus():
    address, pid = start_bus()
    yield address
    stop_bus(pid)


@pytest.fixture
def tracks(tmp_path):
    folder = tmp_path / "music"
    folder.mkdir()
    for source in sorted(DEMO_LIBRARY.glob("*.ogg"))[:2]:
        shutil.copyfile(source, folder / source.name)
    cv2.imwrite(str(folder / "cover.jpg"), np.full((64, 64, 3), (40, 90, 200), np.uint8))
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, folder)
        return sorted(store.tracks(), key=lambda t: t.path)


@pytest.fixture
def served(qapp, bus, tracks):
    connection = QDBusConnection.connectToBus(bus, f"mpris-test-{time.monotonic_ns()}")
    bridge, window = BridgeDouble(tracks), WindowDouble()
    service = mpris.attach(bridge, window, connection=connection)
    assert service is not None and service.name == mpris.BUS_NAME
    yield bridge, window, bus
    service.close()
    QDBusConnection.disconnectFromBus(connection.name())


def playerctl(qapp, bus, *args) -> str:
    result = run_client(qapp, bus, "playerctl", "-p", "moodplayer", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_playerctl_reads_the_metadata_with_mpris_types(qapp, served):
    bridge, _window, bus = served
    track = bridge.current_track
    assert playerctl(qapp, bus, "metadata", "title") == track.display_title
    assert playerctl(qapp, bus, "metadata", "artist") == track.artist
    assert playerctl(qapp, bus, "metadata", "xesam:comment") == "fear → devotional"
    assert playerctl(qapp, bus, "metadata", "mpris:trackid") == f"'/org/moodplayer/track/{track.id}'"
    assert playerctl(qapp, bus, "metadata", "mpris:length") == str(round(track.duration * 1_000_000))
    # duration() accepts only an int64: the type the spec asks for
    minutes, seconds = divmod(int(track.duration), 60)
    shown = playerctl(qapp, bus, "metadata", "--format", "{{duration(mpris:length)}}")
    assert shown == f"{minutes}:{seconds:02d}"
    art = playerctl(qapp, bus, "metadata", "mpris:artUrl")
    assert art.startswith("file://") and Path(art[len("file://"):]).read_bytes()[:2] == b"\xff\xd8"
    assert playerctl(qapp, bus, "status") == "Playing"
    assert float(playerctl(qapp, bus, "position")) == pytest.approx(3.0, abs=0.5)  # it extrapolates
    assert float(playerctl(qapp, bus, "volume")) == pytest.approx(0.8)


def test_play_pause_next_position_and_volume_reach_the_bridge(qapp, served):
    bridge, _window, bus = served
    playerctl(qapp, bus, "play-pause")
    assert bridge.calls == ["play_pause"] and playerctl(qapp, bus, "status") == "Paused"
    first = bridge.current_track.display_title
    playerctl(qapp, bus, "next")
    assert bridge.calls[-1] == "next" and playerctl(qapp, bus, "metadata", "title") != first
    playerctl(qapp, bus, "position", "10")
    assert bridge.calls[-1] == ("seek", 10.0)
    playerctl(qapp, bus, "position", "5-")
    assert bridge.calls[-1] == ("seek", 5.0)
    playerctl(qapp, bus, "volume", "0.3")
    assert bridge.calls[-1] == ("volume", 30) and float(playerctl(qapp, bus, "volume")) == pytest.approx(0.3)
    for command, call in (("play", "play"), ("pause", "pause"), ("stop", "stop"), ("previous", "previous")):
        playerctl(qapp, bus, command)
        assert bridge.calls[-1] == call


def test_seeked_and_properties_changed_go_out_with_their_types(qapp, served):
    bridge, _window, bus = served
    watch = "type='signal',path='/org/mpris/MediaPlayer2'"
    monitor = Lines(subprocess.Popen(["dbus-monitor", "--address", bus, watch], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True))
    try:
        monitor.wait_for(qapp, lambda lines: any("member=NameLost" in line for line in lines))  # listening
        playerctl(qapp, bus, "position", "12")
        bridge.position_changed.emit(12.0, bridge.length)
        bridge.position = 40.0  # the window's slider moved it
        bridge.position_changed.emit(40.0, bridge.length)
        bridge.next()  # a new track starts at 0: that is no seek
        bridge.position_changed.emit(0.0, bridge.length)
        bridge.play_pause()
        monitor.wait_for(qapp, lambda lines: any('"Paused"' in line for line in lines))
    finally:
        out = monitor.stop()
    seeked = [part.splitlines()[1].strip() for part in out.split("member=Seeked")[1:]]
    assert seeked == ["int64 12000000", "int64 40000000"]
    changed = out.split("member=PropertiesChanged")
    assert any('"Metadata"' in part and "int64" in part and bridge.current_track.display_title in part
               for part in changed)
    assert any('string "PlaybackStatus"' in part and '"Paused"' in part for part in changed)


def test_follow_sees_the_track_change(qapp, served):
    bridge, _window, bus = served
    follow = Lines(subprocess.Popen(["playerctl", "-p", "moodplayer", "--follow", "metadata", "title"],
                                    env=client_env(bus), stdout=subprocess.PIPE, text=True))
    try:
        follow.wait_for(qapp, lambda lines: bridge.tracks[0].display_title in lines)
        bridge.next()
        follow.wait_for(qapp, lambda lines: bridge.tracks[1].display_title in lines)
    finally:
        lines = [line for line in follow.stop().splitlines() if line]
    assert lines[0] == bridge.tracks[0].display_title and lines[-1] == bridge.tracks[1].display_title


def test_get_getall_and_introspection_over_dbus_send(qapp, served):
    _bridge, _window, bus = served
    send = ["dbus-send", "--session", "--print-reply", f"--dest={mpris.BUS_NAME}", mpris.OBJECT_PATH]
    got = run_client(qapp, bus, *send, "org.freedesktop.DBus.Properties.Get",
                     f"string:{mpris.PLAYER}", "string:Position").stdout
    assert "variant       int64 3000000" in got
    every = run_client(qapp, bus, *send, "org.freedesktop.DBus.Properties.GetAll",
                       f"string:{mpris.ROOT}").stdout
    assert 'string "MoodPlayer"' in every and 'string "moodplayer"' in every and 'string "file"' in every
    xml = run_client(qapp, bus, *send, "org.freedesktop.DBus.Introspectable.Introspect").stdout
    assert f'interface name="{mpris.PLAYER}"' in xml and '<signal name="Seeked">' in xml
    read_only = run_client(qapp, bus, *send, "org.freedesktop.DBus.Properties.Set", f"string:{mpris.PLAYER}",
                           "string:PlaybackStatus", "variant:string:Playing")
    assert read_only.returncode != 0 and "read-only" in read_only.stderr


def test_stale_set_position_is_ignored_and_open_uri_plays_the_file(qapp, served):
    bridge, _window, bus = served
    send = ["dbus-send", "--session", "--print-reply", f"--dest={mpris.BUS_NAME}", mpris.OBJECT_PATH]
    run_client(qapp, bus, *send, f"{mpris.PLAYER}.SetPosition", "objpath:/org/moodplayer/track/999999",
               "int64:5000000")
    assert not bridge.calls
    song = bridge.tracks[1].path
    uri = Path(song).as_uri()
    assert run_client(qapp, bus, *send, f"{mpris.PLAYER}.OpenUri", f"string:{uri}").returncode == 0
    assert bridge.calls == [("play_files", [song])]
    web = run_client(qapp, bus, *send, f"{mpris.PLAYER}.OpenUri", "string:http://example.org/a.mp3")
    assert web.returncode != 0 and "only file://" in web.stderr


def test_a_failing_call_is_an_error_reply_and_the_player_goes_on(qapp, served, caplog):
    bridge, _window, bus = served
    send = ["dbus-send", "--session", "--print-reply", f"--dest={mpris.BUS_NAME}", mpris.OBJECT_PATH]

    def broken():
        raise RuntimeError("the store is locked")

    bridge.stop = broken
    with caplog.at_level(logging.ERROR, logger="moodplayer.ui.mpris"):
        failed = run_client(qapp, bus, *send, f"{mpris.PLAYER}.Stop")
    assert failed.returncode != 0 and "the store is locked" in failed.stderr
    assert any("MPRIS org.mpris.MediaPlayer2.Player.Stop failed" in r.message for r in caplog.records)
    assert playerctl(qapp, bus, "status") == "Playing"


def test_raise_and_quit_reach_the_window(qapp, served):
    _bridge, window, bus = served
    send = ["dbus-send", "--session", "--print-reply", f"--dest={mpris.BUS_NAME}", mpris.OBJECT_PATH]
    run_client(qapp, bus, *send, f"{mpris.ROOT}.Raise")
    run_client(qapp, bus, *send, f"{mpris.ROOT}.Quit")
    pump(qapp, 0.1)  # Quit runs once the reply is out
    assert window.calls == ["show", "raise", "activate", "quit"]


def test_a_taken_name_gets_the_instance_suffix(qapp, bus, tracks):
    other = QDBusConnection.connectToBus(bus, "mpris-other")
    mine = QDBusConnection.connectToBus(bus, "mpris-mine")
    try:
        assert other.registerService(mpris.BUS_NAME)
        service = mpris.attach(BridgeDouble(tracks), None, connection=mine)
        assert service.name == f"{mpris.BUS_NAME}.instance{os.getpid()}"
        service.close()
    finally:
        QDBusConnection.disconnectFromBus("mpris-other")
        QDBusConnection.disconnectFromBus("mpris-mine")


def test_without_a_session_bus_it_says_so_once(qapp, tracks, caplog, monkeypatch):
    monkeypatch.setattr(mpris, "_said_no_bus", False)
    dead = QDBusConnection.connectToBus("unix:path=/nonexistent/bus", "mpris-dead")
    with caplog.at_level(logging.INFO, logger="moodplayer.ui.mpris"):
        assert mpris.attach(BridgeDouble(tracks), None, connection=dead) is None
        assert mpris.attach(BridgeDouble(tracks), None, connection=dead) is None
    assert sum("No D-Bus session bus" in r.message for r in caplog.records) == 1
    QDBusConnection.disconnectFromBus("mpris-dead")


# ---- the whole app ---------------------------------------------------------------------------------

def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.skipif(not (REPO / "moodplayer" / "ui" / "bridge.py").exists(), reason="needs ui/bridge.py")
def test_the_app_is_driven_by_playerctl(tmp_path, bus, isolated_dirs):
    music = tmp_path / "music"
    shutil.copytree(DEMO_LIBRARY, music)
    Settings(welcomed=True, music_dir=str(music), camera_enabled=False).save()
    env = client_env(bus)
    app = subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "moodplayer", "--no-camera"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def ctl(*args) -> str:
        result = subprocess.run(["playerctl", "-p", "moodplayer", *args], env=env, capture_output=True,
                                text=True, timeout=15)
        return result.stdout.strip() if result.returncode == 0 else ""

    try:
        titles = {path.stem.split(" - ", 1)[1] for path in music.glob("*.ogg")}
        first = _wait_for(lambda: ctl("metadata", "title") if ctl("status") == "Playing" else "")
        assert first in titles
        ctl("play-pause")
        assert _wait_for(lambda: ctl("status") == "Paused")
        ctl("play-pause")
        assert _wait_for(lambda: ctl("status") == "Playing")
        ctl("next")
        second = _wait_for(lambda: (t := ctl("metadata", "title")) != first and t)
        assert second in titles
        ctl("position", "10")
        assert 9.5 <= float(_wait_for(lambda: ctl("position"))) <= 12.0
        quit_call = ["dbus-send", "--session", "--print-reply", f"--dest={mpris.BUS_NAME}", mpris.OBJECT_PATH,
                     f"{mpris.ROOT}.Quit"]
        subprocess.run(quit_call, env=env, timeout=15, check=True, capture_output=True)
        assert app.wait(timeout=30) == 0
    finally:
        if app.poll() is None:
            app.send_signal(6)  # SIGABRT: faulthandler prints where it hangs
        app.wait(timeout=10)
        print("\n".join(line for line in app.stderr.read().splitlines() if "ALSA" not in line)[-6000:])
