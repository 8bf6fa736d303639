"""Tags that survive odd files: MP3s whose audio mutagen cannot find, numeric and several genres."""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf
from mutagen.apev2 import APEv2
from mutagen.flac import FLAC
from mutagen.id3 import ID3, TCON, TIT2, TLAN, TLEN, TPE1

from moodplayer.library.scanner import scan
from moodplayer.library.store import Store
from moodplayer.library.tags import BrokenFile, read_tags


def garbage(path, size: int = 20_000) -> None:
    """Bytes no MPEG frame sync can be found in (0x00..0x7f only)."""
    path.write_bytes(bytes(np.random.default_rng(1).integers(0, 0x7F, size, dtype=np.uint8)))


def id3_on_garbage(path, **frames) -> None:
    garbage(path)
    tag = ID3()
    for frame in frames.values():
        tag.add(frame)
    tag.save(path)


def test_an_id3_tag_in_front_of_garbage_audio_is_kept_with_its_tags(tmp_path):
    path = tmp_path / "odd.mp3"
    id3_on_garbage(path, title=TIT2(encoding=3, text="Hidden Gem"), artist=TPE1(encoding=3, text="Somebody"),
                   genre=TCON(encoding=3, text="(17)"), length=TLEN(encoding=3, text="185000"),
                   language=TLAN(encoding=3, text="tel"))
    tags = read_tags(str(path))
    assert (tags.title, tags.artist, tags.genre, tags.duration, tags.language) == (
        "Hidden Gem", "Somebody", "Rock", 185.0, "tel")
    with Store(tmp_path / "library.sqlite3") as store:
        result = scan(store, tmp_path)
        (track,) = store.tracks()
    assert result.errors == [] and track.title == "Hidden Gem" and track.language == "Telugu"
    assert track.duration == 185.0 and track.unplayable is None


def test_without_tlen_the_duration_is_unknown(tmp_path):
    path = tmp_path / "odd.mp3"
    id3_on_garbage(path, title=TIT2(encoding=3, text="No Length"))
    assert read_tags(str(path)).duration is None


def test_an_apev2_tag_alone_is_read_too(tmp_path):
    path = tmp_path / "ape.mp3"
    garbage(path)
    tag = APEv2()
    tag.update({"Title": "Ape Song", "Artist": "Ape", "Genre": "Drum'n'Bass", "Language": "Hindi"})
    tag.save(path)
    tags = read_tags(str(path))
    assert (tags.title, tags.artist, tags.genre, tags.language, tags.duration) == (
        "Ape Song", "Ape", "Drum'n'Bass", "Hindi", None)


def test_garbage_without_any_tag_is_still_refused_with_a_reason(tmp_path):
    garbage(tmp_path / "noise.mp3")
    with pytest.raises(BrokenFile, match="not a readable MP3 file"):
        read_tags(str(tmp_path / "noise.mp3"))


def flac(path, **comments) -> None:
    sf.write(path, np.zeros(4000, dtype=np.float32), 8000, format="FLAC")
    audio = FLAC(path)
    for key, value in comments.items():
        audio[key] = value
    audio.save()


@pytest.mark.parametrize(("genre", "stored", "buckets"), [
    ("(255)", "(255)", {}),
    ("Pop\x00Dance", "Pop; Dance", {"upbeat": "genre 'Pop; Dance' → upbeat"}),
    (["Hip-Hop", "Gospel"], "Hip-Hop, Gospel", {"rap": "genre 'Hip-Hop, Gospel' → rap",
                                                 "devotional": "genre 'Hip-Hop, Gospel' → devotional"}),
    ("31", "31", {"upbeat": "genre 'Trance' → upbeat"}),
    ("Hip-Hop/Rap", "Hip-Hop/Rap", {"rap": "genre 'Hip-Hop/Rap' → rap"}),
])
def test_odd_genre_tags_are_stored_cleanly_and_sorted(tmp_path, genre, stored, buckets):
    flac(tmp_path / "song.flac", title="Song", genre=genre)
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, tmp_path)
        (track,) = store.tracks()
    assert track.genre == stored and track.buckets == buckets


def test_numeric_and_listed_id3_genres(tmp_path):
    path = tmp_path / "song.mp3"
    id3_on_garbage(path, genre=TCON(encoding=3, text=["(255)"]))
    assert read_tags(str(path)).genre == "Unknown"
    tag = ID3(path)
    tag.add(TCON(encoding=3, text=["Pop", "Dance"]))  # an ID3v2.4 list: null-separated on disk
    tag.save(path)
    assert read_tags(str(path)).genre == "Pop, Dance"
    assert os.path.getsize(path) > 20_000
