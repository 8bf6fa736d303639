"""The genre taxonomy (genres.json): what a genre tag says about a track's mood.

A tag is cleaned first: null bytes and separators split it into several genres ("Pop; Dance",
"Rock/Pop", ID3v2.4 null-separated lists), numeric ID3v1 references ("(17)", "17") become
their names, and each part is normalised (case, accents, "&"/"'n'"/"+" as "and", punctuation
as spaces) before it is looked up, then its aliases ("R'n'B", "Drum'n'Bass", "kpop"), then,
for unknown compounds ("Finnish Power Metal"), the longest known genre inside it.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
import unicodedata
from dataclasses import dataclass

BUCKET_MOODS = ("rap", "devotional", "instrumental")
ENERGY_MOODS = ("upbeat", "calm")
NUMERIC = re.compile(r"^\(?(\d{1,3})\)?$")
REFERENCES = re.compile(r"\((\d{1,3}|RX|CR)\)")
SEPARATORS = re.compile(r"\s*(?:\x00|;|,|/|\||\\| - | & )\s*")


@dataclass(frozen=True)
class Genre:
    name: str  # as the table spells it
    family: str  # e.g. "metal", "hip hop", "religious"
    buckets: tuple[str, ...]  # rap / devotional / instrumental
    energy: str  # "upbeat", "calm" or "" (the music's own energy decides)
    strong: bool  # a strong prior outweighs a BPM tag; a lean ("calm?") does not
    music: bool  # False for speech, podcasts, audiobooks, comedy


def normalise(text: str) -> str:
    """Lower case, no accents, "&"/"+"/"'n'"/"n" as "and", other punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"\s*(?:&|\+|'n'|’n’|\bn\b|\band\b)\s*", " and ", text)
    text = re.sub(r"[-_./'’]+", " ", text)
    text = re.sub(r"[^\w ]+", " ", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=1)
def table() -> tuple[dict[str, Genre], dict[str, str], list[str]]:
    """(normalised name -> Genre, normalised alias -> name, ID3v1 names by number)."""
    raw = json.loads(importlib.resources.files(__package__).joinpath("genres.json").read_text("utf-8"))
    genres = {}
    for name, (family, mood) in raw["genres"].items():
        words = mood.split()
        energy = next((w.rstrip("?") for w in words if w.rstrip("?") in ENERGY_MOODS), "")
        genres[normalise(name)] = Genre(name, family, tuple(w for w in words if w in BUCKET_MOODS), energy,
                                        strong=energy in words, music="none" not in words)
    return genres, raw["aliases"], raw["id3"]


def split(tag: str) -> list[str]:
    """The separate genres in one tag, numeric ID3 references as names; unknown numbers dropped."""
    _, _, id3 = table()
    parts = []
    for piece in re.split(r"\x00", tag):
        refs = REFERENCES.findall(piece)
        rest = REFERENCES.sub(" ", piece).strip()
        parts += [id3[int(r)] for r in refs if r.isdigit() and int(r) < len(id3)]
        whole = _lookup(rest)
        candidates = [rest] if whole is not None or not rest else SEPARATORS.split(rest)
        for part in candidates:
            number = NUMERIC.match(part.strip())
            if number:
                if int(number.group(1)) < len(id3):
                    parts.append(id3[int(number.group(1))])
            elif part.strip() and part.strip() not in parts:
                parts.append(part.strip())
    return list(dict.fromkeys(parts))


def lookup(tag: str) -> list[Genre]:
    """Every known genre in the tag, in order; unknown parts give nothing."""
    return list(_cached_lookup(tag))


@functools.lru_cache(maxsize=4096)  # a library repeats a few hundred genre tags; the scan asks per file
def _cached_lookup(tag: str) -> tuple[Genre, ...]:
    found = [genre for part in split(tag) if (genre := _lookup(part) or _inside(part)) is not None]
    return tuple({genre.name: genre for genre in found}.values())


def _lookup(part: str) -> Genre | None:
    genres, aliases, _ = table()
    key = normalise(part)
    if not key:
        return None
    name = aliases.get(key)
    return genres.get(normalise(name)) if name else genres.get(key) or _singular(key)


def _singular(key: str) -> Genre | None:
    genres, aliases, _ = table()
    if key.endswith("s") and len(key) > 3:
        name = aliases.get(key[:-1])
        return genres.get(normalise(name)) if name else genres.get(key[:-1])
    return None


def _inside(part: str) -> Genre | None:
    """The longest known genre among the words of an unknown one; ties go to the last words,
    where English puts the head noun ("Finnish Power Metal" -> Power Metal, "Pop Metal" -> Metal)."""
    words = normalise(part).split()
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size, -1, -1):
            genre = _lookup(" ".join(words[start:start + size]))
            if genre is not None:
                return genre
    return None
