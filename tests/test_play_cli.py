"""`moodplayer play` end to end: real scan, real SQLite, real libVLC (headless), on a small library
of WAV files written here."""

import json

import numpy as np
import pytest
import soundfile as sf

from moodplayer.cli import main
from moodplayer.library.store import Store
from moodplayer.playback import engine

RATE = 8000
LIBRARY = {  # name: (genre, seconds)
    "Om Shanti": ("Bhajan", 4.0), "Amazing Grace": ("Gospel", 4.0),
    "Floor Filler": ("Dance", 4.0), "Night Drive": ("Dance", 4.0),
    "Bars": ("Hip Hop", 4.0), "Slow Tide": ("Chillout", 4.0), "Drift": ("Ambient", 4.0),
}


@pytest.fixture
def library(tmp_path):
    folder = tmp_path / "music"
    folder.mkdir()
    for n, (name, (genre, seconds)) in enumerate(LIBRARY.items()):
        tone = 0.1 * np.sin(2 * np.pi * 330 * np.arange(int(RATE * seconds)) / RATE)
        with sf.SoundFile(folder / f"{name}.wav", "w", samplerate=RATE, channels=1, format="WAV") as out:
            out.title, out.artist, out.genre = name, f"Artist {n}", genre
            out.write(tone)
    return folder


def play(capsys, library, db, emotion, seconds=1.0, *extra):
    code = main(["play", "--emotion", emotion, "--music-dir", str(library), "--seconds", str(seconds),
                 "--db", str(db), "--json", *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_fear_plays_devotional_and_reports_why_and_how_far(capsys, library, tmp_path):
    result = play(capsys, library, tmp_path / "db.sqlite3", "fear", 1.5)
    assert result["emotion"] == "fear" and result["note"] is None
    assert {q["title"] for q in result["queue"]} == {"Om Shanti", "Amazing Grace"}
    assert {q["bucket"] for q in result["queue"]} == {"devotional"}
    first = result["played"][0]
    assert first["path"] == result["queue"][0]["path"]
    assert first["reason"] in ("fear → devotional: genre 'Bhajan'", "fear → devotional: genre 'Gospel'")
    assert 0.3 < first["seconds"] <= 1.7  # what VLC's clock said, not the wall clock
    assert len(result["played"]) == 1


def test_surprise_plays_only_what_was_never_played(capsys, library, tmp_path):
    db = tmp_path / "db.sqlite3"
    already = play(capsys, library, db, "happy", 0.3)["played"][0]["path"]
    result = play(capsys, library, db, "surprise", 0.3)
    paths = [q["path"] for q in result["queue"]]
    assert already not in paths and len(paths) == len(LIBRARY) - 1
    assert all(q["reason"] == "surprise → new: never played" for q in result["queue"])


def test_neutral_plays_favourites_once_starred(capsys, library, tmp_path):
    db = tmp_path / "db.sqlite3"
    before = play(capsys, library, db, "neutral", 0.2)
    assert "no favourites yet" in before["note"]
    with Store(db) as store:
        starred = store.track_by_path(library / "Drift.wav")
        store.set_favourite(starred.id, True)
    result = play(capsys, library, db, "neutral", 0.2)
    assert result["note"] is None
    assert result["played"][0]["path"] == starred.path
    assert result["played"][0]["reason"] == "neutral → favourites: you starred it"


def test_empty_bucket_falls_back_with_a_note(capsys, library, tmp_path):
    for name in ("Om Shanti", "Amazing Grace"):
        (library / f"{name}.wav").unlink()
    result = play(capsys, library, tmp_path / "db.sqlite3", "fear", 0.2)
    assert result["note"] == "no devotional tracks; playing instrumental instead"
    assert result["played"][0]["bucket"] == "instrumental"


def test_text_output_and_the_global_music_dir(capsys, library, tmp_path):
    code = main(["--music-dir", str(library), "play", "--emotion", "disgust", "--seconds", "0.3",
                 "--db", str(tmp_path / "db.sqlite3")])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(f"disgust: 1 tracks queued from {library}")
    assert "Drift  [instrumental]  disgust → instrumental: genre 'Ambient'" in out


def test_no_vlc_is_a_clear_message(capsys, library, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "_shared", None)
    monkeypatch.setenv("MOODPLAYER_VLC_ARGS", "--no-such-vlc-option")
    code = main(["play", "--emotion", "happy", "--music-dir", str(library), "--db",
                 str(tmp_path / "db.sqlite3")])
    assert code == 1
    err = capsys.readouterr().err
    assert "libVLC failed to start" in err
    assert "sudo apt-get install libvlc5 vlc-plugin-base libvlc-bin" in err


def test_missing_folder_and_empty_library_fail_clearly(capsys, tmp_path):
    db = str(tmp_path / "db.sqlite3")
    assert main(["play", "--emotion", "sad", "--music-dir", str(tmp_path / "nowhere"), "--db", db]) == 1
    assert "cannot scan" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["play", "--emotion", "sad", "--music-dir", str(tmp_path / "empty"), "--db", db]) == 1
    assert "the library has no playable tracks yet" in capsys.readouterr().err
