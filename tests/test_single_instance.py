"""Open with, a second launch, drag and drop: real sockets, real processes, real Qt drag events."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from private_bus import HAVE_DBUS, client_env, pump, start_bus, stop_bus
from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QListWidget, QWidget

from moodplayer.config import DEMO_LIBRARY, Settings
from moodplayer.playback.playlists import export
from moodplayer.ui import single_instance
from moodplayer.ui.drops import install_drops
from moodplayer.ui.single_instance import InstanceServer

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the bundled demo library")


class BridgeDouble(QObject):
    message = Signal(str, str)

    def __init__(self):
        super().__init__()
        self.calls, self.messages = [], []
        self.message.connect(lambda level, text: self.messages.append((level, text)))

    def play_files(self, paths):
        self.calls.append(("play", list(paths)))

    def enqueue_files(self, paths):
        self.calls.append(("enqueue", list(paths)))


def _second_launch(name: str, files: list[str], cwd: Path) -> subprocess.Popen:
    code = ("import sys; from moodplayer.ui.single_instance import hand_over; "
            "sys.exit(0 if hand_over(sys.argv[2:], sys.argv[1]) else 3)")
    return subprocess.Popen([sys.executable, "-c", code, name, *files], cwd=cwd)


def _finish(qapp, proc: subprocess.Popen, timeout=20.0) -> int:
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        pump(qapp, 0.02)
        assert time.monotonic() < deadline
    return proc.returncode


@pytest.fixture
def name(tmp_path):
    return str(tmp_path / "instance.sock")


def test_a_second_launch_hands_over_absolute_paths(qapp, name, tmp_path):
    server = InstanceServer(name)
    assert server.listen()
    got = []
    server.files_received.connect(got.append)
    (tmp_path / "here").mkdir()
    assert _finish(qapp, _second_launch(name, ["song.ogg", "/abs/other.mp3"], tmp_path / "here")) == 0
    assert got == [[str(tmp_path / "here" / "song.ogg"), "/abs/other.mp3"]]
    assert _finish(qapp, _second_launch(name, [], tmp_path)) == 0  # no files: just come forward
    assert got[-1] == []
    server.close()


def test_without_a_running_instance_the_launch_goes_on(qapp, name, tmp_path):
    assert _finish(qapp, _second_launch(name, ["a.ogg"], tmp_path)) == 3


def test_a_socket_left_by_a_crash_is_taken_over(qapp, name):
    code = ("import sys, time; from PySide6.QtNetwork import QLocalServer; s = QLocalServer(); "
            "assert s.listen(sys.argv[1]); print('ready', flush=True); time.sleep(60)")
    crashed = subprocess.Popen([sys.executable, "-c", code, name], stdout=subprocess.PIPE, text=True)
    assert crashed.stdout.readline().strip() == "ready"
    crashed.kill()  # SIGKILL: the socket file stays behind, nobody listens
    crashed.wait(timeout=10)
    assert os.path.exists(name)
    fresh = InstanceServer(name)
    assert fresh.listen()
    fresh.close()


def test_a_live_instance_is_not_taken_over(qapp, name):
    first = InstanceServer(name)
    assert first.listen()
    assert not InstanceServer(name).listen()
    first.close()


def test_a_malformed_message_is_ignored(qapp, name, tmp_path):
    server = InstanceServer(name)
    assert server.listen()
    got = []
    server.files_received.connect(got.append)
    code = ("import sys; from PySide6.QtNetwork import QLocalSocket; s = QLocalSocket(); "
            "s.connectToServer(sys.argv[1]); s.waitForConnected(2000); s.write(b'{not json\\n'); "
            "s.flush(); s.waitForDisconnected(2000)")
    assert _finish(qapp, subprocess.Popen([sys.executable, "-c", code, name])) == 0
    assert got == []
    server.close()


def test_the_socket_is_per_data_folder(monkeypatch, tmp_path):
    first = single_instance.socket_name()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "other"))
    assert single_instance.socket_name() != first and len(first) < 108


# ---- drag and drop ---------------------------------------------------------------------------------

@pytest.fixture
def music(tmp_path):
    folder = tmp_path / "drop" / "album"
    folder.mkdir(parents=True)
    for source in sorted(DEMO_LIBRARY.glob("*.ogg"))[:3]:
        shutil.copyfile(source, folder / source.name)
    (folder / "notes.txt").write_text("not music")
    return folder


def _drop(widget, paths=None, text=None):
    mime = QMimeData()
    if paths is not None:
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    if text is not None:
        mime.setText(text)
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted(), drop.isAccepted()


def test_dropped_folder_file_and_playlist_are_queued_in_order(qapp, music, tmp_path):
    bridge, window, queue = BridgeDouble(), QWidget(), QListWidget()
    install_drops(bridge, window, queue)
    assert window.acceptDrops() and queue.viewport().acceptDrops()
    songs = sorted(str(p) for p in music.glob("*.ogg"))
    playlist = tmp_path / "mix.m3u8"
    export([type("T", (), {"path": songs[2], "title": "x"})()], playlist)
    assert _drop(window, [music.parent]) == (True, True)
    assert _drop(queue.viewport(), [songs[0], playlist]) == (True, True)
    assert bridge.calls == [("enqueue", songs), ("enqueue", [songs[0], songs[2]])]


def test_a_drop_without_files_is_left_to_the_widget(qapp):
    bridge, window = BridgeDouble(), QWidget()
    install_drops(bridge, window)
    accepted = _drop(window, text="just some text")
    assert bridge.calls == [] and accepted == (False, False)


def test_an_empty_folder_and_a_broken_playlist_are_said(qapp, tmp_path):
    bridge, window = BridgeDouble(), QWidget()
    install_drops(bridge, window)
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.xspf").write_text("<playlist><trackList>")
    _drop(window, [tmp_path / "empty", tmp_path / "bad.xspf"])
    assert bridge.calls == []
    ((level, text),) = bridge.messages
    assert level == "warning" and "no music in this folder" in text and "not valid XSPF" in text


# ---- the whole app -----------------------------------------------------------------------------------

@pytest.mark.skipif(not HAVE_DBUS or shutil.which("playerctl") is None, reason="needs dbus and playerctl")
@pytest.mark.skipif(not (REPO / "moodplayer" / "ui" / "bridge.py").exists(), reason="needs ui/bridge.py")
def test_moodplayer_file_goes_to_the_running_window(tmp_path, isolated_dirs):
    music = tmp_path / "music"
    shutil.copytree(DEMO_LIBRARY, music)
    Settings(welcomed=True, music_dir=str(music), camera_enabled=False).save()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first_song, second_song = elsewhere / "First Song.ogg", elsewhere / "Second Song.ogg"
    for song, source in zip((first_song, second_song), sorted(DEMO_LIBRARY.glob("*.ogg"))[-2:], strict=True):
        shutil.copyfile(source, song)
    address, pid = start_bus()
    env = client_env(address)

    def playing() -> str:
        return subprocess.run(["playerctl", "-p", "moodplayer", "metadata", "xesam:url"], env=env,
                              capture_output=True, text=True, timeout=15).stdout.strip()

    def wait_until_playing(song: Path) -> None:
        deadline = time.monotonic() + 40
        while playing() != song.as_uri():
            assert time.monotonic() < deadline, (playing(), song)
            time.sleep(0.2)

    # moodplayer FILE with no window open: this launch opens one and plays FILE
    first = subprocess.Popen([sys.executable, "-m", "moodplayer", "--no-camera", str(first_song)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_playing(first_song)
        assert os.path.exists(single_instance.socket_name())
        # a second launch hands its file over and is gone
        second = subprocess.run([sys.executable, "-m", "moodplayer", str(second_song)], env=env, timeout=30,
                                capture_output=True, text=True)
        assert second.returncode == 0 and first.poll() is None, second.stderr[-3000:]
        wait_until_playing(second_song)
    finally:
        first.terminate()
        first.wait(timeout=30)
        stop_bus(pid)
