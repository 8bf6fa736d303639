"""Tracks for files named on the command line or dropped on the window."""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import time
from dataclasses import dataclass

from moodplayer.library.connection import StoreError
from moodplayer.library.records import Track
from moodplayer.library.scanner import scan_files
from moodplayer.library.tags import BrokenFile, read_tags

log = logging.getLogger(__name__)

_loose_ids = itertools.count(-1, -1)  # files outside the library: ids no stored track has


@dataclass
class Opened:
    tracks: list[Track]
    library_changed: bool = False  # files of the music folder were scanned into the library
    problem: str | None = None  # why they could not be: they play as loose tracks then


def open_files(store, paths: list[str], folder: str | None) -> Opened:
    """The tracks to play for these files. Those under the music folder `folder` are scanned into
    the library first, so they play as its tracks (their plays and stars are kept); the others,
    or all of them when the library cannot be written, play as loose tracks."""
    paths = [os.path.abspath(os.path.expanduser(path)) for path in paths]
    inside = [path for path in paths if under(path, folder)]
    opened = Opened([])
    if inside:
        try:
            scanned = scan_files(store, folder, inside)
            opened.library_changed = bool(scanned.added or scanned.updated or scanned.returned)
        except (StoreError, sqlite3.Error) as exc:
            log.warning("Could not add opened files to the library: %s", exc)
            opened.problem = f"Could not add them to the library ({exc}); they play without it."
    opened.tracks = tracks_for_files(store, paths)
    return opened


def tracks_for_files(store, paths: list[str]) -> list[Track]:
    """The library's track for each file it holds; a loose Track, read from the file's tags, for
    the others. Files that are missing or not audio are left out."""
    tracks = []
    for path in paths:
        path = os.path.abspath(os.path.expanduser(path))
        known = store.track_by_path(path)
        if known is not None and not known.missing:
            tracks.append(known)
        elif os.path.isfile(path):
            loose = loose_track(path)
            if loose is not None:
                tracks.append(loose)
    return tracks


def under(path: str, folder: str | None) -> bool:
    """Whether `path` lies inside `folder`."""
    if not folder:
        return False
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) == os.path.abspath(folder)
    except ValueError:  # different drives
        return False


def loose_track(path: str) -> Track | None:
    try:
        tags = read_tags(path)
    except (BrokenFile, OSError):
        return None
    return Track(id=next(_loose_ids), path=path, title=tags.title, artist=tags.artist, album=tags.album,
                 album_artist=tags.album_artist, track_no=tags.track_no, year=tags.year, genre=tags.genre,
                 mood=tags.mood, bpm=tags.bpm, duration=tags.duration, has_cover=tags.has_cover,
                 rating=tags.rating, tag_play_count=tags.tag_play_count, added_at=time.time(),
                 missing=False, unplayable=None, favourite=False, plays=0, completions=0, skips=0,
                 last_played=None)
