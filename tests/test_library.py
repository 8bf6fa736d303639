"""Library: tag reading per format, bucket rules with reasons, the scanner and `moodplayer scan`."""

from __future__ import annotations

import base64
import json
import os
import shutil
import struct
import threading

import numpy as np
import pytest
import soundfile as sf
from mutagen.asf import ASF, ASFByteArrayAttribute
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3, POPM, TALB, TBPM, TCON, TDRC, TIT2, TMOO, TPE1, TPE2, TRCK
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from moodplayer import cli
from moodplayer.library import scanner
from moodplayer.library.buckets import BUCKETS, assign
from moodplayer.library.scanner import scan
from moodplayer.library.store import Store
from moodplayer.library.tags import BrokenFile, Tags, read_tags

JPEG = b"\xff\xd8\xff\xe0" + bytes(60)
EXPECTED = Tags(title="Song", artist="Singer", album="Album", album_artist="Band", track_no=3, year=2019,
                genre="Gospel", mood="Calm", bpm=128.0, has_cover=True, rating=0.8, tag_play_count=7)


def _tone(seconds: float = 0.3, rate: int = 8000) -> np.ndarray:
    return (0.2 * np.sin(np.arange(int(seconds * rate)) * 2 * np.pi * 440 / rate)).astype(np.float32)


def _vorbis_comments(tags) -> None:
    tags.update({"title": "Song", "artist": "Singer", "album": "Album", "albumartist": "Band",
                 "tracknumber": "3/12", "date": "2019-05-01", "genre": "Gospel", "mood": "Calm", "BPM": "128",
                 "FMPS_RATING": "0.8", "FMPS_PLAYCOUNT": "7"})


def _picture() -> Picture:
    picture = Picture()
    picture.type, picture.mime, picture.data = 3, "image/jpeg", JPEG
    return picture


def _id3_frames(tags) -> None:
    texts = {TIT2: "Song", TPE1: "Singer", TALB: "Album", TPE2: "Band", TRCK: "3/12", TDRC: "2019",
             TCON: "Gospel", TMOO: "Calm", TBPM: "128"}
    for kind, text in texts.items():
        tags.add(kind(encoding=3, text=text))
    for frame in (APIC(encoding=3, mime="image/jpeg", type=3, desc="", data=JPEG),
                  POPM(email="me@example.org", rating=204, count=7)):
        tags.add(frame)


def make_mp3(path) -> None:
    sf.write(path, _tone(), 8000, format="MP3")
    tags = ID3()
    _id3_frames(tags)
    tags.save(path)


def make_wav(path) -> None:
    sf.write(path, _tone(), 8000, format="WAV", subtype="PCM_16")
    audio = WAVE(path)
    audio.add_tags()
    _id3_frames(audio.tags)
    audio.save()


def make_flac(path) -> None:
    sf.write(path, _tone(), 8000, format="FLAC")
    audio = FLAC(path)
    _vorbis_comments(audio)
    audio.add_picture(_picture())
    audio.save()


def _make_ogg(path, subtype: str, kind) -> None:
    sf.write(path, _tone(), 8000, format="OGG", subtype=subtype)
    audio = kind(path)
    _vorbis_comments(audio)
    audio["metadata_block_picture"] = base64.b64encode(_picture().write()).decode("ascii")
    audio.save()


def make_ogg(path) -> None:
    _make_ogg(path, "VORBIS", OggVorbis)


def make_opus(path) -> None:
    _make_ogg(path, "OPUS", OggOpus)


def make_m4a(path, data_dir) -> None:
    shutil.copyfile(data_dir / "audio" / "tone.m4a", path)
    audio = MP4(path)
    audio.update({"©nam": ["Song"], "©ART": ["Singer"], "©alb": ["Album"], "aART": ["Band"],
                  "trkn": [(3, 12)], "©day": ["2019"], "©gen": ["Gospel"], "tmpo": [128],
                  "----:com.apple.iTunes:MOOD": [MP4FreeForm(b"Calm")],
                  "----:com.apple.iTunes:FMPS_Rating": [MP4FreeForm(b"0.8")],
                  "----:com.apple.iTunes:FMPS_Playcount": [MP4FreeForm(b"7")],
                  "covr": [MP4Cover(JPEG, imageformat=MP4Cover.FORMAT_JPEG)]})
    audio.save()


def make_wma(path, data_dir) -> None:
    shutil.copyfile(data_dir / "audio" / "tone.wma", path)
    audio = ASF(path)
    audio.update({"Title": "Song", "Author": "Singer", "WM/AlbumTitle": "Album", "WM/AlbumArtist": "Band",
                  "WM/TrackNumber": "3", "WM/Year": "2019", "WM/Genre": "Gospel", "WM/Mood": "Calm",
                  "WM/BeatsPerMinute": "128", "FMPS/Rating": "0.8", "FMPS/Playcount": "7"})
    mime, description = "image/jpeg\0".encode("utf-16-le"), "\0".encode("utf-16-le")
    picture = struct.pack("<bI", 3, len(JPEG)) + mime + description + JPEG
    audio["WM/Picture"] = [ASFByteArrayAttribute(picture)]
    audio.save()


MAKERS = {"mp3": make_mp3, "wav": make_wav, "flac": make_flac, "ogg": make_ogg, "opus": make_opus,
          "m4a": make_m4a, "wma": make_wma}


@pytest.mark.parametrize("extension", sorted(MAKERS))
def test_each_format_reads_every_tag(extension, tmp_path, data_dir):
    path = tmp_path / f"song.{extension}"
    maker = MAKERS[extension]
    maker(path, data_dir) if extension in ("m4a", "wma") else maker(path)

    tags = read_tags(str(path))

    assert tags.duration == pytest.approx(0.3 if extension not in ("m4a", "wma") else 0.55, abs=0.12)
    tags.duration = None
    assert tags == EXPECTED


def test_wav_without_id3_reads_the_riff_info_chunk(tmp_path):
    path = tmp_path / "info.wav"
    with sf.SoundFile(path, "w", 8000, 1, format="WAV") as wav:
        wav.title, wav.artist, wav.album = "Info Song", "Info Singer", "Info"
        wav.genre, wav.date = "Hymns", "2001"
        wav.write(_tone())
    tags = read_tags(str(path))
    assert (tags.title, tags.artist, tags.album, tags.genre, tags.year) == (
        "Info Song", "Info Singer", "Info", "Hymns", 2001)


def test_broken_files_raise_with_a_reason(tmp_path):
    (tmp_path / "noise.mp3").write_bytes(np.random.default_rng(1).bytes(4000))
    (tmp_path / "empty.flac").write_bytes(b"")
    make_ogg(tmp_path / "whole.ogg")
    (tmp_path / "cut.ogg").write_bytes((tmp_path / "whole.ogg").read_bytes()[:120])
    reasons = {}
    for name in ("noise.mp3", "empty.flac", "cut.ogg"):
        with pytest.raises(BrokenFile) as caught:
            read_tags(str(tmp_path / name))
        reasons[name] = str(caught.value)
    assert reasons["empty.flac"] == "empty file"
    assert reasons["noise.mp3"].startswith("not a readable MP3 file")
    assert reasons["cut.ogg"].startswith("not a readable OGG file")


# --- bucket rules ------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"genre": "Gospel"}, {"devotional": "genre 'Gospel' → devotional"}),
    ({"bpm": 128.0}, {"upbeat": "BPM 128 → upbeat"}),
    ({"bpm": 115.0}, {"upbeat": "BPM 115 → upbeat"}),
    ({"bpm": 95.0}, {"calm": "BPM 95 → calm"}),
    ({"bpm": 105.0}, {}),
    ({"folders": ["Music", "Bhajans"]}, {"devotional": "folder 'Bhajans' → devotional"}),
    ({"mood": "Calm", "genre": "Dance", "bpm": 130.0}, {"calm": "mood tag 'Calm' → calm"}),
    ({"genre": "Dance", "bpm": 80.0}, {"upbeat": "genre 'Dance' → upbeat"}),
    ({"genre": "Hip-Hop", "bpm": 128.0}, {"upbeat": "BPM 128 → upbeat", "rap": "genre 'Hip-Hop' → rap"}),
    ({"genre": "Rap", "bpm": 90.0}, {"rap": "genre 'Rap' → rap"}),
    ({"genre": "Qawwali"}, {"devotional": "genre 'Qawwali' → devotional"}),
    ({"album": "Sunday Kirtans"}, {"devotional": "album 'Sunday Kirtans' → devotional"}),
    ({"title": "Amazing Grace (Instrumental)"},
     {"instrumental": "title 'Amazing Grace (Instrumental)' → instrumental"}),
    ({"genre": "Lo-Fi"}, {"instrumental": "genre 'Lo-Fi' → instrumental"}),
    ({"genre": "Original Soundtrack"}, {"instrumental": "genre 'Original Soundtrack' → instrumental"}),
    ({"genre": "Therapy Rock", "title": "Trapeze"}, {}),
    ({"album": "Piano Man"}, {}),
])
def test_bucket_rules_give_reasons(kwargs, expected):
    assert assign(**kwargs) == expected


# --- scanner -----------------------------------------------------------------------------------

def write_track(path, **tags) -> None:
    """A short FLAC with the given Vorbis comments."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, _tone(0.2), 8000, format="FLAC")
    audio = FLAC(path)
    audio.update({key: str(value) for key, value in tags.items()})
    audio.save()


def retag(path, **tags) -> None:
    audio = FLAC(path)
    audio.update({key: str(value) for key, value in tags.items()})
    audio.save()
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


@pytest.fixture
def music(tmp_path):
    root = tmp_path / "music"
    write_track(root / "Bhajans" / "morning.flac", title="Morning")
    write_track(root / "gospel.flac", title="Oh Happy Day", genre="Gospel")
    write_track(root / "fast.flac", title="Fast", bpm=128)
    write_track(root / "calm.flac", title="Still", mood="Calm", genre="Dance", bpm=130)
    write_track(root / "rap.flac", title="Bars", genre="Hip-Hop", bpm=120)
    return root


def test_scan_stores_tracks_with_bucket_reasons(store, music):
    result = scan(store, music)

    assert (result.tracks, result.added, result.errors, result.cancelled) == (5, 5, [], False)
    assert result.buckets == {"upbeat": 2, "calm": 1, "rap": 1, "devotional": 2, "instrumental": 0}
    by_title = {track.display_title: track.buckets for track in store.tracks()}
    assert by_title == {
        "Morning": {"devotional": "folder 'Bhajans' → devotional"},
        "Oh Happy Day": {"devotional": "genre 'Gospel' → devotional"},
        "Fast": {"upbeat": "BPM 128 → upbeat"},
        "Still": {"calm": "mood tag 'Calm' → calm"},
        "Bars": {"upbeat": "BPM 120 → upbeat", "rap": "genre 'Hip-Hop' → rap"},
    }
    assert sorted(t.title for t in store.tracks("devotional")) == ["Morning", "Oh Happy Day"]
    assert store.track_by_path(music / "fast.flac").bpm == 128.0


def test_broken_files_are_reported_and_the_scan_completes(store, music, tmp_path):
    (music / "noise.mp3").write_bytes(np.random.default_rng(7).bytes(5000))
    (music / "empty.m4a").write_bytes(b"")
    good = (music / "gospel.flac").read_bytes()
    (music / "cut.flac").write_bytes(good[:60])

    result = scan(store, music)

    assert result.tracks == 5
    reasons = {os.path.basename(path): reason for path, reason in result.errors}
    assert set(reasons) == {"noise.mp3", "empty.m4a", "cut.flac"}
    assert reasons["empty.m4a"] == "empty file"
    assert all(reason for reason in reasons.values())
    assert sorted(store.scan_errors()) == sorted(result.errors)
    assert store.track_by_path(music / "noise.mp3") is None


def test_unchanged_files_are_not_read_again(store, music, monkeypatch):
    scan(store, music)
    opened = []
    real_read = scanner.read_tags
    monkeypatch.setattr(scanner, "read_tags", lambda path: opened.append(path) or real_read(path))

    again = scan(store, music)
    assert (opened, again.read, again.unchanged, again.tracks) == ([], 0, 5, 5)

    retag(music / "fast.flac", genre="Ambient")
    write_track(music / "new.flac", title="New")
    third = scan(store, music)
    assert sorted(os.path.basename(p) for p in opened) == ["fast.flac", "new.flac"]
    assert (third.read, third.updated, third.added, third.unchanged) == (2, 1, 1, 4)
    assert store.track_by_path(music / "fast.flac").buckets == {
        "upbeat": "BPM 128 → upbeat", "instrumental": "genre 'Ambient' → instrumental"}


def test_a_changed_file_loses_its_unplayable_mark(store, music):
    scan(store, music)
    fast = store.track_by_path(music / "fast.flac")
    still = store.track_by_path(music / "calm.flac")
    store.mark_unplayable(fast.id, "VLC could not decode it")
    store.mark_unplayable(still.id, "VLC could not decode it")
    retag(music / "fast.flac", title="Fast (fixed)")

    scan(store, music)

    assert store.track(fast.id).unplayable is None
    assert store.track(still.id).unplayable == "VLC could not decode it"


def test_user_overrides_survive_rescans(store, music):
    scan(store, music)
    gospel = store.track_by_path(music / "gospel.flac")
    rap = store.track_by_path(music / "rap.flac")
    store.move_to_bucket(gospel.id, "calm")
    store.remove_from_bucket(rap.id, "upbeat")
    retag(music / "gospel.flac", genre="Gospel Dance")
    retag(music / "rap.flac", bpm=140)

    result = scan(store, music)

    assert result.read == 2
    assert store.track(gospel.id).buckets == {"calm": "you moved it here"}
    assert store.track(rap.id).buckets == {"rap": "genre 'Hip-Hop' → rap"}
    assert gospel.id not in {t.id for t in store.tracks("devotional")}
    assert result.buckets["calm"] == 2 and result.buckets["upbeat"] == 1


def test_folder_moved_away_and_back_keeps_play_counts(store, music, tmp_path):
    scan(store, music)
    morning = store.track_by_path(music / "Bhajans" / "morning.flac")
    store.record_play(morning.id, "played", "fear")
    store.record_play(morning.id, "completed", "fear")
    store.set_favourite(morning.id, True)
    store.move_to_bucket(morning.id, "calm", keep_others=True)

    (music / "Bhajans").rename(tmp_path / "elsewhere")
    away = scan(store, music)
    assert (away.missing, away.tracks) == (1, 4)
    assert store.track(morning.id).missing
    assert morning.id not in {t.id for t in store.tracks()}
    assert morning.id in {t.id for t in store.tracks(include_missing=True)}

    (tmp_path / "elsewhere").rename(music / "Bhajans")
    back = scan(store, music)
    assert (back.returned, back.read, back.tracks) == (1, 0, 5)
    returned = store.track(morning.id)
    assert (returned.missing, returned.plays, returned.completions, returned.favourite) == (False, 1, 1, True)
    assert returned.buckets == {"calm": "you moved it here", "devotional": "folder 'Bhajans' → devotional"}


def test_a_renamed_folder_keeps_its_tracks_stats_under_the_new_name(store, music):
    scan(store, music)
    morning = store.track_by_path(music / "Bhajans" / "morning.flac")
    store.record_play(morning.id, "completed", "fear")
    store.set_favourite(morning.id, True)

    (music / "Bhajans").rename(music / "Sunday Gospel")
    result = scan(store, music)

    assert (result.relinked, result.added, result.missing, result.tracks) == (1, 0, 0, 5)
    moved = store.track_by_path(music / "Sunday Gospel" / "morning.flac")
    assert (moved.id, moved.completions, moved.favourite, moved.missing) == (morning.id, 1, True, False)
    assert moved.buckets == {"devotional": "folder 'Sunday Gospel' → devotional"}
    assert store.track_by_path(music / "Bhajans" / "morning.flac") is None


def test_a_copy_is_a_new_track_and_the_original_keeps_its_stats(store, music):
    scan(store, music)
    fast = store.track_by_path(music / "fast.flac")
    store.record_play(fast.id, "played")
    (music / "copies").mkdir()
    shutil.copy2(music / "fast.flac", music / "copies" / "fast.flac")

    result = scan(store, music)

    assert (result.relinked, result.added) == (0, 1)
    assert store.track(fast.id).plays == 1
    assert store.track_by_path(music / "copies" / "fast.flac").plays == 0


def test_scanning_another_folder_marks_nothing_missing(store, music, tmp_path):
    scan(store, music)
    write_track(tmp_path / "other" / "x.flac", title="X")
    result = scan(store, tmp_path / "other")
    assert (result.tracks, result.missing, store.count()) == (1, 0, 6)


def test_walk_survives_symlink_loops_and_non_utf8_names(store, music):
    os.symlink(music, music / "loop")
    os.symlink(music / "fast.flac", music / "same as fast.flac")
    odd = os.path.join(os.fsencode(music), b"caf\xe9 \xff.flac")
    shutil.copyfile(music / "gospel.flac", odd)

    result = scan(store, music)

    assert (result.tracks, result.errors) == (6, [])
    track = store.track_by_path(os.fsdecode(odd))
    assert track is not None and os.path.exists(track.path)
    assert track.buckets == {"devotional": "genre 'Gospel' → devotional"}
    assert track.display_title == "Oh Happy Day"


def test_non_utf8_folder_name_gives_a_printable_reason(store, tmp_path):
    folder = os.path.join(os.fsencode(tmp_path), b"music", b"Bhajans \xe9")
    os.makedirs(folder)
    write_track(tmp_path / "src.flac")
    shutil.copyfile(tmp_path / "src.flac", os.path.join(folder, b"a.flac"))
    scan(store, tmp_path / "music")
    assert store.tracks()[0].buckets == {"devotional": "folder 'Bhajans \ufffd' → devotional"}


def test_unreadable_folder_is_reported(store, music, monkeypatch):
    locked = music / "locked"
    write_track(locked / "x.flac")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads every folder: refuse this one the way the OS would
        real_scandir = os.scandir

        def scandir(path="."):
            if os.fspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(locked))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        result = scan(store, music)
    finally:
        locked.chmod(0o755)
    assert result.tracks == 5
    assert result.errors == [(str(locked), "folder unreadable: Permission denied")]


def test_progress_reaches_the_total_and_cancel_stops_early(store, music):
    calls = []
    scan(store, music, progress=lambda seen, total: calls.append((seen, total)))
    assert calls[0] == (0, 5) and calls[-1] == (5, 5)

    with Store(store.path.with_name("other.sqlite3")) as fresh:
        cancel = threading.Event()
        cancel.set()
        stopped = scan(fresh, music, cancel=cancel)
        assert (stopped.cancelled, stopped.read, fresh.count()) == (True, 0, 0)


def test_a_cancelled_scan_marks_nothing_missing(store, music, monkeypatch):
    scan(store, music)
    (music / "fast.flac").unlink()
    cancel = threading.Event()
    monkeypatch.setattr(scanner, "PROGRESS_SECONDS", 0.0)
    result = scan(store, music, progress=lambda seen, total: seen and cancel.set(), cancel=cancel)
    assert result.cancelled and result.missing == 0
    assert len(store.tracks()) == 5


def test_missing_folder_raises_and_changes_nothing(store, music, tmp_path):
    scan(store, music)
    with pytest.raises(FileNotFoundError):
        scan(store, tmp_path / "nowhere")
    with pytest.raises(NotADirectoryError):
        scan(store, music / "fast.flac")
    assert store.count() == 5


def test_scan_command_prints_json_into_the_given_database(music, tmp_path, capsys):
    (music / "noise.mp3").write_bytes(b"\x00" * 2000)
    db = tmp_path / "cli.sqlite3"
    assert cli.main(["scan", str(music), "--json", "--db", str(db)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"tracks", "buckets", "errors", "seconds"}
    assert payload["tracks"] == 5 and list(payload["buckets"]) == list(BUCKETS)
    assert payload["buckets"]["devotional"] == 2
    assert [os.path.basename(e["path"]) for e in payload["errors"]] == ["noise.mp3"]
    assert payload["errors"][0]["reason"].startswith("not a readable MP3 file")
    with Store(db) as written:
        assert written.count() == 5


def test_scan_command_uses_the_app_database_by_default(music, capsys):
    assert cli.main(["scan", str(music)]) == 0
    assert "5 tracks" in capsys.readouterr().out
    with Store.open_default() as default:
        assert default.count() == 5


def test_scan_command_fails_clearly_on_a_missing_folder(tmp_path, capsys):
    assert cli.main(["scan", str(tmp_path / "nowhere"), "--db", str(tmp_path / "x.sqlite3")]) == 1
    assert "nowhere" in capsys.readouterr().err


def test_a_schema_2_database_migrates_and_drops_the_old_feature_cache(tmp_path):
    import dataclasses
    import sqlite3

    from moodplayer.library.records import Features
    from moodplayer.library.schema import FEATURE_COLUMNS, MIGRATIONS

    assert FEATURE_COLUMNS == tuple(f.name for f in dataclasses.fields(Features))
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("INSERT INTO tracks (path, size, mtime_ns, title, added_at) VALUES (?, 1, 1, 'Old', 0)",
                 (b"/m/old.mp3",))
    conn.execute("INSERT INTO audio_features VALUES (?, 1, 1, 120, 0.5, 0.1, -10, 900, 'major', NULL)",
                 (b"/m/old.mp3",))
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Store(path) as store:
        (track,) = store.tracks()
        found = (track.title, track.language, track.tempo, track.energy, track.music)
        assert found == ("Old", "", None, None, None)
        assert store.cached_features(b"/m/old.mp3", 1, 1) is None
        store.cache_features(b"/m/old.mp3", 1, 1, Features(tempo=99.0, novelty=0.25))
        assert store.cached_features(b"/m/old.mp3", 1, 1) == Features(tempo=99.0, novelty=0.25)


def test_scan_list_shows_every_track_with_its_buckets_and_measures(music, tmp_path, capsys):
    write_track(music / "Tollywood" / "పాట.flac", title="పాట")
    assert cli.main(["scan", str(music), "--json", "--list", "--db", str(tmp_path / "cli.sqlite3")]) == 0
    payload = json.loads(capsys.readouterr().out)
    items = {os.path.basename(item["path"]): item for item in payload["items"]}
    assert len(items) == payload["tracks"] == 6
    keys = {"path", "title", "artist", "genre", "language", "buckets", "tempo", "energy", "music", "sound"}
    assert all(set(item) == keys for item in items.values())
    assert items["gospel.flac"]["buckets"] == {"devotional": "genre 'Gospel' → devotional"}
    assert items["పాట.flac"]["language"] == "Telugu" and items["gospel.flac"]["language"] == ""
    # 0.2 s tones are too short to measure: no tempo, energy or verdict, and no bucket from audio
    assert all(item["tempo"] is None and item["energy"] is None and item["music"] is None
               for item in items.values())
    assert cli.main(["scan", str(music), "--list", "--db", str(tmp_path / "cli.sqlite3")]) == 0
    assert "Oh Happy Day: genre 'Gospel' → devotional" in capsys.readouterr().out
