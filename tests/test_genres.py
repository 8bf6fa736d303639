"""The genre taxonomy: every genre in genres.json through buckets.assign, tag cleaning, and what
listeners expect of common genres."""

from __future__ import annotations

import importlib.resources
import json

import pytest
from mutagen.id3 import TCON

from moodplayer.library import genres
from moodplayer.library.buckets import assign

RAW = json.loads(importlib.resources.files("moodplayer.library").joinpath("genres.json").read_text("utf-8"))


def expected_from_table(name: str) -> dict[str, str]:
    """What the table's own mood field says assign() must give a track tagged only `name`."""
    _, mood = RAW["genres"][name]
    buckets = {w for w in mood.split() if w in genres.BUCKET_MOODS}
    buckets |= {w.rstrip("?") for w in mood.split() if w.rstrip("?") in genres.ENERGY_MOODS}
    return {bucket: f"genre '{name}' → {bucket}" for bucket in buckets}


@pytest.mark.parametrize("name", list(RAW["genres"]))
def test_every_genre_in_the_table_goes_through_assign(name):
    result = assign(genre=name)
    assert result == expected_from_table(name)
    assert list(result) == [b for b in ("upbeat", "calm", "rap", "devotional", "instrumental") if b in result]


def test_the_table_has_all_192_id3v1_genres_and_a_few_hundred_more():
    assert RAW["id3"] == list(TCON.GENRES) and len(RAW["id3"]) == 192
    assert set(RAW["id3"]) <= set(RAW["genres"])
    assert len(RAW["genres"]) >= 500
    families = {family for family, _ in RAW["genres"].values()}
    assert {"rock", "metal", "hip hop", "electronic", "classical", "religious", "indian"} <= families
    moods = {w.rstrip("?") for _, mood in RAW["genres"].values() for w in mood.split()}
    assert moods == {"upbeat", "calm", "rap", "devotional", "instrumental", "none"}
    for alias, name in RAW["aliases"].items():
        assert name in RAW["genres"], alias
        assert genres.normalise(alias) == alias  # stored normalised, so lookups find them


@pytest.mark.parametrize("number", range(192))
def test_numeric_id3_genres_read_as_their_names(number):
    name = TCON.GENRES[number]
    assert genres.split(f"({number})") == genres.split(str(number)) == [name]
    assert assign(genre=f"({number})") == {b: f"genre '{name}' → {b}" for b in expected_from_table(name)}


# (tag, family, buckets assign gives with no other tags) as a listener would expect them.
LISTENER = [
    ("Rock", "rock", {}), ("Pop", "pop", {}), ("Indie", "rock", {}), ("Alternative", "rock", {}),
    ("Jazz", "jazz", {}), ("Country", "country", {}), ("R&B", "r&b", {}), ("Soul", "r&b", {}),
    ("Folk", "folk", {}), ("Latin", "latin", {}), ("Bollywood", "indian", {}), ("Filmi", "indian", {}),
    ("Electronic", "electronic", {}), ("Jungle", "electronic", {"upbeat"}),
    ("Power Metal", "metal", {"upbeat"}), ("Techno", "electronic", {"upbeat"}),
    ("Ambient", "ambient", {"calm", "instrumental"}), ("Gospel", "religious", {"devotional"}),
    ("Hip-Hop", "hip hop", {"rap"}), ("Classical", "classical", {"instrumental"}),
    ("Drum & Bass", "electronic", {"upbeat"}), ("Dubstep", "electronic", {"upbeat"}),
    ("House", "electronic", {"upbeat"}), ("Trance", "electronic", {"upbeat"}), ("Punk", "punk", {"upbeat"}),
    ("Heavy Metal", "metal", {"upbeat"}), ("Death Metal", "metal", {"upbeat"}),
    ("Hard Rock", "rock", {"upbeat"}),
    ("Disco", "disco", {"upbeat"}), ("Reggaeton", "latin", {"upbeat"}), ("Bhangra", "indian", {"upbeat"}),
    ("K-Pop", "pop", {"upbeat"}), ("Salsa", "latin", {"upbeat"}), ("Ska", "reggae", {"upbeat"}),
    ("Chillout", "electronic", {"calm"}), ("Lounge", "easy listening", {"calm"}), ("Ballad", "pop", {"calm"}),
    ("Lullaby", "children", {"calm"}), ("Bossa Nova", "latin", {"calm"}), ("Smooth Jazz", "jazz", {"calm"}),
    ("Easy Listening", "easy listening", {"calm"}), ("Meditation", "new age", {"calm"}),
    ("New Age", "new age", {"calm", "instrumental"}), ("Soundtrack", "soundtrack", {"instrumental"}),
    ("Film Score", "soundtrack", {"instrumental"}), ("Instrumental", "instrumental", {"instrumental"}),
    ("Lo-Fi", "hip hop", {"instrumental"}), ("Rap", "hip hop", {"rap"}), ("Trap", "hip hop", {"rap"}),
    ("Grime", "hip hop", {"rap"}), ("Qawwali", "religious", {"devotional"}),
    ("Bhajan", "religious", {"devotional"}),
    ("Kirtan", "religious", {"devotional"}), ("Nasheed", "religious", {"devotional"}),
    ("Worship", "religious", {"devotional"}), ("Christian Rap", "hip hop", {"rap", "devotional"}),
    ("Gregorian Chant", "religious", {"devotional", "calm"}), ("Speech", "spoken", {}),
    ("Audiobook", "spoken", {}), ("Podcast", "spoken", {}),
]


@pytest.mark.parametrize(("tag", "family", "buckets"), LISTENER)
def test_genres_map_as_a_listener_expects(tag, family, buckets):
    found = genres.lookup(tag)
    assert found and found[0].family == family
    assert set(assign(genre=tag)) == set(buckets)


def test_spoken_genres_are_not_music_and_energy_genres_leave_it_to_the_audio():
    assert [g.music for g in genres.lookup("Audiobook; Rock")] == [False, True]
    rock = genres.lookup("Rock")[0]
    assert (rock.energy, rock.buckets) == ("", ())
    assert assign(genre="Rock", bpm=140.0) == {"upbeat": "BPM 140 → upbeat"}


@pytest.mark.parametrize(("tag", "names"), [
    ("(17)", ["Rock"]), ("17", ["Rock"]), ("(255)", []), ("255", []), ("(17)(6)", ["Rock", "Grunge"]),
    ("(17)Rock", ["Rock"]), ("(31)(RX)", ["Trance"]), ("Pop\x00Dance", ["Pop", "Dance"]),
    ("Rock\x00", ["Rock"]), ("Pop; Dance", ["Pop", "Dance"]), ("Rock/Pop", ["Pop Rock"]),
    ("Pop, Dance", ["Pop", "Dance"]), ("Metal | Punk", ["Metal", "Punk"]),
    ("Hip-Hop/Rap", ["Hip-Hop"]), ("R'n'B", ["R&B"]), ("RnB", ["R&B"]), ("R & B", ["R&B"]),
    ("Drum'n'Bass", ["Drum & Bass"]), ("Drum and Bass", ["Drum & Bass"]), ("DnB", ["Drum & Bass"]),
    ("Rock'n'Roll", ["Rock & Roll"]), ("ELECTRONIC", ["Electronic"]), ("Electro", ["Electro"]),
    ("Música Clásica", ["Classical"]), ("Électronique", []), ("Hip  Hop", ["Hip-Hop"]),
    ("Finnish Power Metal", ["Power Metal"]), ("Swedish Melodic Death Metal", ["Melodic Death Metal"]),
    ("Pop Metal", ["Metal"]), ("Original Soundtrack", ["Soundtrack"]), ("Bhajans", ["Bhajan"]),
    ("Telugu Film", ["Tollywood"]), ("kpop", ["K-Pop"]), ("Trip Hop", ["Trip-Hop"]), ("", []),
    ("Unknown Genre Words", ["Unknown"]), ("Blorp", []),
])
def test_tags_are_cleaned_before_lookup(tag, names):
    assert [g.name for g in genres.lookup(tag)] == names


def test_several_genres_in_one_tag_add_up_and_the_first_energy_prior_wins():
    assert assign(genre="Gospel; Hip-Hop") == {"rap": "genre 'Gospel; Hip-Hop' → rap",
                                                "devotional": "genre 'Gospel; Hip-Hop' → devotional"}
    assert assign(genre="Techno\x00Ambient") == {"upbeat": "genre 'Techno; Ambient' → upbeat",
                                                  "instrumental": "genre 'Techno; Ambient' → instrumental"}
    assert assign(genre="(26)") == {"calm": "genre 'Ambient' → calm",
                                    "instrumental": "genre 'Ambient' → instrumental"}


def test_a_lean_prior_gives_way_to_the_bpm_tag_and_a_strong_one_does_not():
    assert assign(genre="Ambient", bpm=128.0) == {"upbeat": "BPM 128 → upbeat",
                                                  "instrumental": "genre 'Ambient' → instrumental"}
    assert assign(genre="Dance", bpm=80.0) == {"upbeat": "genre 'Dance' → upbeat"}
    assert assign(genre="Ambient", mood="Energetic") == {"upbeat": "mood tag 'Energetic' → upbeat",
                                                         "instrumental": "genre 'Ambient' → instrumental"}


def test_words_the_taxonomy_lacks_still_meet_the_keyword_rules():
    assert assign(genre="Bhakti Geetham") == {"devotional": "genre 'Bhakti Geetham' → devotional"}
