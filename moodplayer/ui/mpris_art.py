"""The cover of a track as a file, for MPRIS's mpris:artUrl and the notification's image:
media widgets and notification servers want a path, not bytes. Written once per cover into the
cache folder and remembered, so repeated metadata requests read no tags."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from moodplayer import config

log = logging.getLogger(__name__)

_known: dict[tuple[str, int, int], Path | None] = {}
SIGNATURES = ((b"\x89PNG", ".png"), (b"\xff\xd8", ".jpg"), (b"RIFF", ".webp"), (b"GIF8", ".gif"))


def cover_path(track) -> Path | None:
    """A file holding the track's cover (embedded or folder.jpg), or None when it has none."""
    try:
        stat = os.stat(track.path)
    except OSError:
        return None
    key = (str(track.path), stat.st_size, stat.st_mtime_ns)
    if key not in _known:
        _known[key] = _write(key, _picture(track.path))
    found = _known[key]
    return found if found is not None and found.is_file() else None


def _picture(path: str) -> bytes | None:
    try:
        from moodplayer.library.covers import embedded_picture, folder_picture
    except ImportError:  # the cover readers are optional here: no art, nothing else lost
        return None
    return embedded_picture(path) or folder_picture(path)


def _write(key: tuple[str, int, int], data: bytes | None) -> Path | None:
    if not data:
        return None
    suffix = next((ext for magic, ext in SIGNATURES if data.startswith(magic)), ".img")
    name = hashlib.sha1(repr(key).encode("utf-8", "surrogateescape")).hexdigest() + suffix
    target = config.cache_dir() / "art" / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file():
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
    except OSError as exc:
        log.info("Could not write the cover to %s: %s", target, exc)
        return None
    return target
