"""Cover art bytes, Qt-free: the picture embedded in a file's tags (mutagen), else
folder.jpg and friends beside it; and where thumbnails are cached."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from pathlib import Path

import mutagen

from moodplayer import config

log = logging.getLogger(__name__)

FOLDER_NAMES = ("cover", "folder", "front", "album", "albumart")
FOLDER_EXTS = (".jpg", ".jpeg", ".png", ".webp")


def embedded_picture(path) -> bytes | None:
    """The first picture inside the file's tags, whatever the container."""
    try:
        audio = mutagen.File(path)
    except Exception as exc:  # broken files are the scanner's business; here: no cover
        log.debug("no tags read from %s: %s", path, exc)
        return None
    if audio is None:
        return None
    pictures = getattr(audio, "pictures", None)  # FLAC
    if pictures:
        return pictures[0].data
    tags = audio.tags
    if tags is None:
        return None
    for key in tags.keys():
        if str(key).startswith("APIC"):  # ID3
            return tags[key].data
    if "covr" in tags:  # MP4
        return bytes(tags["covr"][0])
    if "metadata_block_picture" in tags:  # Ogg Vorbis / Opus
        from mutagen.flac import Picture

        try:
            return Picture(base64.b64decode(tags["metadata_block_picture"][0])).data
        except Exception as exc:
            log.debug("bad embedded picture in %s: %s", path, exc)
    if "WM/Picture" in tags:  # ASF: type, length, mime, description, then data
        return _asf_picture(bytes(tags["WM/Picture"][0].value))
    return None


def _asf_picture(raw: bytes) -> bytes | None:
    # type (1 byte), data length (4), mime type and description (UTF-16-LE, zero-terminated), data
    pos = 5
    for _ in range(2):
        while pos + 1 < len(raw) and raw[pos:pos + 2] != b"\0\0":
            pos += 2
        pos += 2
    size = int.from_bytes(raw[1:5], "little")
    return raw[pos:pos + size] or None


def folder_picture(path) -> bytes | None:
    folder = Path(path).parent
    try:
        names = {entry.name.lower(): entry for entry in os.scandir(folder) if entry.is_file()}
    except OSError:
        return None
    for stem in FOLDER_NAMES:
        for ext in FOLDER_EXTS:
            entry = names.get(stem + ext)
            if entry is not None:
                try:
                    return Path(entry.path).read_bytes()
                except OSError:
                    return None
    return None


def cache_key(path, size: int) -> str | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    text = f"{os.fspath(path)}|{stat.st_size}|{stat.st_mtime_ns}|{size}"
    return hashlib.sha1(text.encode("utf-8", "surrogateescape")).hexdigest()


def cache_file(key: str) -> Path:
    folder = config.cache_dir() / "covers"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.png"
