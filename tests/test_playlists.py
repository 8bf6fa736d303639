"""Playlists: real demo tracks scanned into a real SQLite store, exported, read back; odd paths,
missing entries and broken files."""

from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path

import pytest

from moodplayer.config import DEMO_LIBRARY, Settings
from moodplayer.library.scanner import scan
from moodplayer.library.store import Store
from moodplayer.playback import playlists
from moodplayer.playback.playlists import Entry, PlaylistError, export, read

pytestmark = pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the bundled demo library")
ODD_NAMES = ["plain.ogg", "with space.ogg", "für #1, 100%.ogg", "semi;colon & 'quote'.ogg"]


@pytest.fixture
def music(tmp_path) -> Path:
    folder = tmp_path / "Music" / "Ünïcode folder"
    folder.mkdir(parents=True)
    demo = sorted(DEMO_LIBRARY.glob("*.ogg"))
    for name, source in zip(ODD_NAMES, demo[:len(ODD_NAMES)], strict=True):
        shutil.copyfile(source, folder / name)
    return folder


@pytest.fixture
def tracks(music, tmp_path):
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, music)
        found = store.tracks()
    assert len(found) == len(ODD_NAMES)
    return sorted(found, key=lambda t: t.path)


@pytest.mark.parametrize("suffix", [".m3u8", ".xspf"])
def test_round_trip_keeps_order_paths_and_tags(tracks, tmp_path, suffix):
    for where in (tmp_path / f"out{suffix}", tmp_path / "Music" / f"inside{suffix}"):
        assert export(tracks, where) == len(tracks)
        back = read(where)
        assert back.paths == [t.path for t in tracks] and not back.missing and not back.skipped
        assert [e.title for e in back.entries] == [t.display_title for t in tracks]
        assert [e.artist for e in back.entries] == [t.artist for t in tracks]
        assert [round(e.duration) for e in back.entries] == [round(t.duration) for t in tracks]


def test_m3u8_inside_the_music_folder_is_relative_and_moves_with_it(tracks, tmp_path):
    playlist = tmp_path / "Music" / "mix.m3u8"
    export(tracks, playlist)
    lines = playlist.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#EXTINF:")
    assert lines[2] == "Ünïcode folder/" + Path(tracks[0].path).name
    moved = shutil.move(str(tmp_path / "Music"), str(tmp_path / "Elsewhere"))
    assert [Path(p).name for p in read(Path(moved) / "mix.m3u8").paths] == [Path(t.path).name for t in tracks]


def test_xspf_locations_are_percent_encoded_file_uris(tracks, tmp_path):
    playlist = tmp_path / "mix.xspf"
    export(tracks, playlist)
    text = playlist.read_text(encoding="utf-8")
    assert 'xmlns="http://xspf.org/ns/0/"' in text
    assert "f%C3%BCr%20%231%2C%20100%25.ogg" in text and "für #1" not in text.split("<title>")[0]


def test_m3u_reads_absolute_relative_uri_windows_and_web_entries(music, tmp_path):
    odd = music / ODD_NAMES[2]
    playlist = tmp_path / "Music" / "old.m3u"
    lines = ["#EXTM3U", "#EXTINF:12,Someone - A Song", str(music / "plain.ogg"),
             f"Ünïcode folder/{ODD_NAMES[1]}", "Ünïcode folder\\" + ODD_NAMES[3],
             "file://" + urllib.parse.quote(str(odd)), "", "# a comment",
             "http://radio.example/stream", "C:\\Music\\gone.mp3", "gone.ogg"]
    playlist.write_bytes("\r\n".join(lines).encode("utf-8"))
    result = read(playlist)
    assert result.paths == [str(music / "plain.ogg"), str(music / ODD_NAMES[1]), str(music / ODD_NAMES[3]),
                            str(odd)]
    assert (result.entries[0].artist, result.entries[0].title, result.entries[0].duration) == \
        ("Someone", "A Song", 12.0)
    assert result.skipped == ["http://radio.example/stream"]
    assert result.missing == ["C:\\Music\\gone.mp3", "gone.ogg"]


def test_latin1_m3u_is_read_but_latin1_m3u8_is_an_error(music, tmp_path):
    (music / "café.ogg").write_bytes((music / "plain.ogg").read_bytes())
    body = "#EXTM3U\ncafé.ogg\n".encode("latin-1")
    (music / "old.m3u").write_bytes(body)
    assert read(music / "old.m3u").paths == [str(music / "café.ogg")]
    (music / "bad.m3u8").write_bytes(body)
    with pytest.raises(PlaylistError, match="must be UTF-8"):
        read(music / "bad.m3u8")


def test_pls_entries_in_number_order(music):
    playlist = music / "list.pls"
    playlist.write_text("[playlist]\nNumberOfEntries=3\nFile2=plain.ogg\nTitle2=Plain\nLength2=30\n"
                        f"File1=file://{urllib.parse.quote(str(music / ODD_NAMES[1]))}\n"
                        "File3=missing.ogg\nVersion=2\n", encoding="utf-8")
    result = read(playlist)
    assert result.paths == [str(music / ODD_NAMES[1]), str(music / "plain.ogg")]
    assert (result.entries[1].title, result.entries[1].duration) == ("Plain", 30.0)
    assert result.missing == ["missing.ogg"]


def test_xspf_from_another_player_with_relative_locations(music):
    playlist = music / "theirs.xspf"
    playlist.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<playlist version="1" xmlns="http://xspf.org/ns/0/">'
        "<trackList><track><location>with%20space.ogg</location><title>Spaced</title>"
        "<duration>61000</duration></track><track><location>nope.ogg</location></track>"
        "<track><title>no location</title></track></trackList></playlist>", encoding="utf-8")
    result = read(playlist)
    assert result.paths == [str(music / "with space.ogg")]
    assert (result.entries[0].title, result.entries[0].duration) == ("Spaced", 61.0)
    assert result.missing == ["nope.ogg"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("broken.xspf", b"<playlist><trackList><track>", "not valid XSPF"),
    ("html.xspf", b"<html><body/></html>", "not an XSPF playlist"),
    ("empty.pls", b"File1=a.ogg\n", "not a valid PLS playlist"),
    ("nosection.pls", b"[other]\nFile1=a.ogg\n", r"no \[playlist\] section"),
    ("binary.m3u", b"\x00\x01\x02ID3", "not a text playlist"),
    ("notes.txt", b"just some words", "is not a playlist"),
])
def test_malformed_files_are_clear_errors(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(PlaylistError, match=message):
        read(tmp_path / name)


def test_unreadable_and_unsupported_targets_are_clear_errors(tmp_path, tracks):
    with pytest.raises(PlaylistError, match="cannot read"):
        read(tmp_path / "nothing.m3u8")
    with pytest.raises(PlaylistError, match=r"saved as \.m3u8 or \.xspf"):
        export(tracks, tmp_path / "mix.pls")
    with pytest.raises(PlaylistError, match="could not save"):
        export(tracks, tmp_path / "no such folder" / "mix.m3u8")
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_huge_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    big = tmp_path / "big.m3u"
    with open(big, "wb") as handle:
        handle.truncate(playlists.MAX_BYTES + 1)  # sparse: no real disk used
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a huge file"))
    with pytest.raises(PlaylistError, match="too large"):
        read(big)


def test_an_unsuffixed_file_is_recognised_by_its_content(music):
    playlist = music / "playlist"
    playlist.write_text("#EXTM3U\nplain.ogg\n", encoding="utf-8")
    assert read(playlist).paths == [str(music / "plain.ogg")]


def test_titles_with_newlines_stay_on_one_line(tmp_path, music):
    entry = Entry(str(music / "plain.ogg"), "Two\nLines", "Me", "", 10.0)
    export([entry], tmp_path / "one.m3u8")
    assert (tmp_path / "one.m3u8").read_text().splitlines()[1] == "#EXTINF:10,Me - Two Lines"
    assert playlists.read(tmp_path / "one.m3u8").entries[0].title == "Two Lines"


# ---- File → Playlists in the window (Qt) ------------------------------------------------------------

def _menu_fixture(tracks, store_path):
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QMainWindow

    from moodplayer.playback.queue import QueueItem
    from moodplayer.ui.playlist_menu import PlaylistMenu

    class Bridge(QObject):
        message = Signal(str, str)

        def __init__(self):
            super().__init__()
            self.session = type("S", (), {"store": Store(store_path)})()
            self.current_track, self.calls, self.messages = tracks[0], [], []
            self.message.connect(lambda level, text: self.messages.append((level, text)))

        def up_next(self):
            return [QueueItem(t, "calm", "why") for t in tracks[1:]], "caption"

        def enqueue_files(self, paths):
            self.calls.append(list(paths))

    window = QMainWindow()
    window.settings = Settings(music_dir=str(Path(tracks[0].path).parent))
    file_menu = window.menuBar().addMenu("&File")
    file_menu.addAction("&Quit")
    bridge = Bridge()
    return bridge, window, PlaylistMenu(bridge, window, window.settings), file_menu


def _until(qapp, condition, timeout=10.0):
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        qapp.processEvents()
        time.sleep(0.01)
        assert time.monotonic() < deadline


def test_menu_exports_the_queue_and_a_bucket_and_imports_into_the_queue(qapp, tracks, tmp_path):
    bridge, _window, menu, file_menu = _menu_fixture(tracks, tmp_path / "library.sqlite3")
    titles = [a.text() for a in file_menu.actions()]
    assert titles == ["P&laylists", "&Quit"]
    menu.export_queue(str(tmp_path / "queue.xspf"))
    _until(qapp, lambda: bridge.messages)
    assert bridge.messages[-1] == ("info", f"Saved {len(tracks)} tracks to {tmp_path / 'queue.xspf'}")
    assert read(tmp_path / "queue.xspf").paths == [t.path for t in tracks]
    bucket = next(iter(tracks[0].buckets))
    menu.export_bucket(bucket, str(tmp_path / "bucket.m3u8"))
    _until(qapp, lambda: len(bridge.messages) == 2)
    expected = sorted(t.path for t in bridge.session.store.tracks(bucket=bucket))
    assert expected and sorted(read(tmp_path / "bucket.m3u8").paths) == expected
    assert menu.import_playlist(str(tmp_path / "queue.xspf")) == [t.path for t in tracks]
    assert bridge.calls == [[t.path for t in tracks]]
    menu.export_queue(str(tmp_path / "nowhere" / "queue.m3u8"))
    _until(qapp, lambda: len(bridge.messages) == 3)
    assert bridge.messages[-1][0] == "error" and "could not save" in bridge.messages[-1][1]
    bridge.session.store.close()
