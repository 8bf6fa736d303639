"""Mood buckets and the rules that put a track into them, each with a reason.

Rules read the tags first (mood tag, genre, BPM), then keywords in the title,
album and folder names. Every assignment carries a short reason the UI shows,
e.g. "genre 'Gospel' → devotional". User overrides are applied by the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from moodplayer.library import genres

BUCKETS = ("upbeat", "calm", "rap", "devotional", "instrumental")

TEMPO = frozenset({"upbeat", "calm"})
UPBEAT_MIN_BPM = 115.0
CALM_MAX_BPM = 95.0

DEVOTIONAL_WORDS = (
    "gospel", "christian", "ccm", "worship", "praise", "hymn", "hymnal", "psalm", "spiritual",
    "religious", "devotional", "sacred", "gregorian", "chant", "mantra", "manthra", "mantram",
    "bhajan", "bajan", "bhajana", "kirtan", "keertan", "kirtana", "keerthanam", "keerthana",
    "bhakti", "bhakthi", "bakthi", "bhakti geet", "aarti", "aarthi", "arati", "aarati",
    "qawwali", "qawali", "qawwaali", "kawali", "sufi", "sufiana", "nasheed", "nashid", "anasheed",
    "nasyid", "naat", "hamd", "dhikr", "zikr", "shabad", "gurbani", "stotram", "stotra",
    "shloka", "sloka", "abhang", "bhakthi geethe", "devotionals",
)
INSTRUMENTAL_WORDS = (
    "instrumental", "ambient", "classical", "new age", "newage", "piano", "lo-fi", "lofi",
    "lo fi", "soundtrack", "score", "film score", "ost", "orchestral", "orchestra", "symphony",
    "symphonic", "concerto", "sonata", "baroque", "chamber music", "study music",
)
# Album names can be anything ("Piano Man"), so only words that rarely mislead.
ALBUM_INSTRUMENTAL_WORDS = (
    "instrumental", "instrumentals", "soundtrack", "classical", "ambient", "lo-fi", "lofi", "ost",
    "orchestral", "symphony", "concerto",
)
RAP_WORDS = (
    "rap", "hip-hop", "hip hop", "hiphop", "trap", "grime", "drill", "gangsta", "boom bap",
    "desi hip hop", "crunk",
)
UPBEAT_WORDS = (
    "dance", "edm", "house", "techno", "trance", "disco", "drum and bass", "drum & bass", "dnb",
    "dubstep", "electro", "eurodance", "punk", "metal", "hard rock", "reggaeton", "bhangra",
    "ska", "party", "workout", "big beat", "hardstyle", "dancehall", "k-pop", "upbeat",
)
CALM_WORDS = (
    "chillout", "chill", "chill-out", "lounge", "downtempo", "ballad", "acoustic", "meditation",
    "sleep", "easy listening", "smooth jazz", "bossa nova", "relaxation", "calm",
)
# Mood tag words (TMOO / MOOD / WM/Mood), matched as words.
MOOD_WORDS = {
    "upbeat": ("happy", "energetic", "upbeat", "party", "uplifting", "excited", "exciting", "cheerful",
               "fun", "joyful", "aggressive", "angry", "powerful", "dance", "danceable", "euphoric",
               "intense", "bright", "hype", "pumped"),
    "calm": ("calm", "relaxed", "relaxing", "chill", "mellow", "peaceful", "soft", "quiet", "sad",
             "melancholy", "melancholic", "dreamy", "soothing", "gentle", "tender", "romantic",
             "sleepy", "serene", "tranquil", "slow", "sombre", "somber", "reflective"),
    "devotional": ("devotional", "spiritual", "prayerful", "worship", "religious", "sacred"),
    "instrumental": ("instrumental",),
}


def _pattern(words: Iterable[str]) -> re.Pattern:
    # Words, optionally plural ("Bhajans", "Hymns"), never inside another word ("therapy").
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})s?(?![\w-])", re.IGNORECASE)


_GENRE = {
    "devotional": _pattern(DEVOTIONAL_WORDS),
    "instrumental": _pattern(INSTRUMENTAL_WORDS),
    "rap": _pattern(RAP_WORDS),
    "upbeat": _pattern(UPBEAT_WORDS),
    "calm": _pattern(CALM_WORDS),
}
_TITLE = {
    "devotional": _pattern(DEVOTIONAL_WORDS),
    "instrumental": _pattern(("instrumental",)),
}
_ALBUM = {
    "devotional": _pattern(DEVOTIONAL_WORDS),
    "instrumental": _pattern(ALBUM_INSTRUMENTAL_WORDS),
}
_FOLDER = {
    "devotional": _pattern(DEVOTIONAL_WORDS),
    "instrumental": _pattern(INSTRUMENTAL_WORDS),
    "rap": _pattern(RAP_WORDS),
}
_MOOD = {bucket: _pattern(words) for bucket, words in MOOD_WORDS.items()}


def assign(*, genre: str = "", mood: str = "", bpm: float | None = None, title: str = "",
           album: str = "", folders: Iterable[str] = ()) -> dict[str, str]:
    """Buckets for one track's tags -> reason. Earlier sources win for each bucket."""
    found: dict[str, str] = {}

    def add(rules: dict[str, re.Pattern], source: str, text: str, only: Iterable[str] = BUCKETS):
        if not text:
            return
        for bucket, pattern in rules.items():
            if bucket in only and bucket not in found and pattern.search(text):
                found[bucket] = f"{source} '{text}' → {bucket}"

    add(_MOOD, "mood tag", mood.strip())
    # Mood tag decides upbeat vs calm when it says either; otherwise genre may.
    tempo_decided = bool({"upbeat", "calm"} & found.keys())
    known = genres.lookup(genre) if genre.strip() else []
    if known:
        lean = _add_genres(found, known, _shown(genre), tempo_decided)
    else:  # words the taxonomy lacks ("Bhakti Geetham"): the keyword rules
        lean = None
        add(_GENRE, "genre", genre.strip(), [b for b in BUCKETS if not (tempo_decided and b in TEMPO)])
    add(_TITLE, "title", title.strip())
    add(_ALBUM, "album", album.strip())
    for folder in folders:
        add(_FOLDER, "folder", folder)
    if bpm and not TEMPO & found.keys():
        if bpm >= UPBEAT_MIN_BPM:
            found["upbeat"] = f"BPM {bpm:g} → upbeat"
        elif bpm <= CALM_MAX_BPM and "rap" not in found:  # rap sits at 80-95 BPM yet is rarely calm
            found["calm"] = f"BPM {bpm:g} → calm"
    if lean and not TEMPO & found.keys():
        found[lean[0]] = lean[1]
    return {bucket: found[bucket] for bucket in BUCKETS if bucket in found}


def _add_genres(found: dict[str, str], known: list[genres.Genre], shown: str,
                tempo_decided: bool) -> tuple[str, str] | None:
    """Buckets and a strong energy prior from the genres; a lean prior is returned, for when
    no BPM tag decides ("Ambient" is calm unless its BPM says 128)."""
    lean = None
    for genre in known:
        for bucket in genre.buckets:
            found.setdefault(bucket, f"genre '{shown}' → {bucket}")
        if genre.energy and not tempo_decided and not TEMPO & found.keys():
            if genre.strong:
                found[genre.energy] = f"genre '{shown}' → {genre.energy}"
            elif lean is None:
                lean = genre.energy, f"genre '{shown}' → {genre.energy}"
    return lean


def _shown(genre: str) -> str:
    """The tag as a person reads it: numeric ID3 references by name, null bytes as '; '."""
    if re.fullmatch(r"[\s()\d\x00]+", genre):
        return ", ".join(genres.split(genre)) or genre.strip()
    return "; ".join(p.strip() for p in genre.split("\x00") if p.strip())
