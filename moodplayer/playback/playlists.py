"""Playlists in and out: export tracks as M3U8 or XSPF; import M3U, M3U8, PLS and XSPF.

Plain standard library: the PyPI packages for these formats are either HLS-only (m3u8) or
unmaintained, and the formats are small. Imports never fail on one bad entry: entries whose file
is gone are listed in `missing`, web addresses in `skipped`; a file that is not a playlist at all
raises PlaylistError with a message for the user.
"""

from __future__ import annotations

import configparser
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

XSPF_NS = "http://xspf.org/ns/0/"
FORMATS = {".m3u": "m3u", ".m3u8": "m3u", ".pls": "pls", ".xspf": "xspf"}
EXPORT_FORMATS = {".m3u8": "m3u", ".m3u": "m3u", ".xspf": "xspf"}
MAX_BYTES = 16 * 1024 * 1024  # a playlist of 100,000 tracks is about 10 MB


class PlaylistError(ValueError):
    """The file cannot be read as a playlist; the message says why, for the user."""


@dataclass(frozen=True)
class Entry:
    path: str
    title: str = ""
    artist: str = ""
    album: str = ""
    duration: float | None = None  # seconds


@dataclass
class Imported:
    entries: list[Entry] = field(default_factory=list)  # files that exist, in playlist order
    missing: list[str] = field(default_factory=list)  # as written in the playlist
    skipped: list[str] = field(default_factory=list)  # web streams and other non-files

    @property
    def paths(self) -> list[str]:
        return [entry.path for entry in self.entries]


# ==== export ====================================================================================

def entry_for(track) -> Entry:
    """An Entry from a library Track (or anything with path/title/artist/album/duration)."""
    title = getattr(track, "display_title", "") or getattr(track, "title", "")
    return Entry(str(track.path), title, getattr(track, "artist", "") or "",
                 getattr(track, "album", "") or "", getattr(track, "duration", None))


def export(tracks, path: str | os.PathLike) -> int:
    """Write tracks (Tracks or Entries) to `path`; the format follows the suffix (.m3u8, .m3u,
    .xspf). Written to a temp file and renamed, so a failed write leaves any old file as it was.
    Returns how many entries were written."""
    path = Path(path)
    kind = EXPORT_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise PlaylistError(f"{path.name}: playlists are saved as .m3u8 or .xspf")
    entries = [t if isinstance(t, Entry) else entry_for(t) for t in tracks]
    text = m3u_text(entries, path.parent) if kind == "m3u" else xspf_text(entries)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PlaylistError(f"could not save {path}: {exc.strerror or exc}") from exc
    return len(entries)


def m3u_text(entries: list[Entry], folder: Path) -> str:
    """Extended M3U in UTF-8; paths relative to the playlist's folder when the file is inside it,
    so the folder can move with its playlist."""
    lines = ["#EXTM3U"]
    for entry in entries:
        seconds = int(round(entry.duration)) if entry.duration else -1
        label = f"{entry.artist} - {entry.title}" if entry.artist else entry.title
        lines.append(f"#EXTINF:{seconds},{_one_line(label)}")
        lines.append(_relative_if_inside(entry.path, folder))
    return "\n".join(lines) + "\n"


def xspf_text(entries: list[Entry]) -> str:
    ET.register_namespace("", XSPF_NS)
    root = ET.Element(f"{{{XSPF_NS}}}playlist", version="1")
    track_list = ET.SubElement(root, f"{{{XSPF_NS}}}trackList")
    for entry in entries:
        track = ET.SubElement(track_list, f"{{{XSPF_NS}}}track")
        ET.SubElement(track, f"{{{XSPF_NS}}}location").text = Path(os.path.abspath(entry.path)).as_uri()
        for tag, value in (("title", entry.title), ("creator", entry.artist), ("album", entry.album)):
            if value:
                ET.SubElement(track, f"{{{XSPF_NS}}}{tag}").text = value
        if entry.duration:
            ET.SubElement(track, f"{{{XSPF_NS}}}duration").text = str(int(round(entry.duration * 1000)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _relative_if_inside(path: str, folder: Path) -> str:
    absolute = os.path.abspath(path)
    try:
        relative = Path(absolute).relative_to(os.path.abspath(folder))
    except ValueError:
        return absolute
    return relative.as_posix()


def _one_line(text: str) -> str:
    return re.sub(r"[\r\n]+", " ", text)


# ==== import ====================================================================================

def read(path: str | os.PathLike) -> Imported:
    """Entries of an M3U/M3U8/PLS/XSPF file, relative paths taken from the playlist's folder."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PlaylistError(f"{path.name} is too large to be a playlist")
        raw = path.read_bytes()
    except OSError as exc:
        raise PlaylistError(f"cannot read {path}: {exc.strerror or exc}") from exc
    kind = FORMATS.get(path.suffix.lower()) or _sniff(raw)
    if kind is None:
        raise PlaylistError(f"{path.name} is not a playlist (M3U, M3U8, PLS or XSPF)")
    if kind == "xspf":
        items = _xspf_items(raw, path.name)
    else:
        if b"\0" in raw:
            raise PlaylistError(f"{path.name} is not a text playlist")
        text = _decode(raw, utf8_only=path.suffix.lower() == ".m3u8")
        items = _pls_items(text, path.name) if kind == "pls" else _m3u_items(text)
    return _resolve(items, path.parent)


def _sniff(raw: bytes) -> str | None:
    head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"#extm3u"):
        return "m3u"
    if head.startswith(b"[playlist]"):
        return "pls"
    if head.startswith(b"<?xml") or head.startswith(b"<playlist"):
        return "xspf"
    return None


def _decode(raw: bytes, utf8_only: bool) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if utf8_only:
            raise PlaylistError("an .m3u8 playlist must be UTF-8, and this one is not") from None
        return raw.decode("latin-1")  # old .m3u files from Windows players


def _m3u_items(text: str) -> list[Entry]:
    items, info = [], None
    for line in text.splitlines():
        line = line.strip()
        if line.upper().startswith("#EXTINF:"):
            info = line[len("#EXTINF:"):]
        elif line and not line.startswith("#"):
            items.append(_with_extinf(line, info))
            info = None
    return items


def _with_extinf(location: str, info: str | None) -> Entry:
    if not info or "," not in info:
        return Entry(location)
    seconds, label = info.split(",", 1)
    try:
        duration = float(seconds.split()[0]) if seconds.strip() else None
    except ValueError:
        duration = None
    artist, title = label.split(" - ", 1) if " - " in label else ("", label)
    return Entry(location, title.strip(), artist.strip(), "",
                 duration if duration and duration > 0 else None)


def _pls_items(text: str, name: str) -> list[Entry]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str.lower
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise PlaylistError(f"{name} is not a valid PLS playlist: {exc.message.splitlines()[0]}") from None
    section = next((s for s in parser.sections() if s.lower() == "playlist"), None)
    if section is None:
        raise PlaylistError(f"{name} is not a valid PLS playlist: it has no [playlist] section")
    values = parser[section]
    numbers = sorted(int(key[4:]) for key in values if re.fullmatch(r"file\d+", key))
    items = []
    for n in numbers:
        length = values.get(f"length{n}", "")
        duration = float(length) if re.fullmatch(r"\d+(\.\d+)?", length.strip()) else None
        items.append(Entry(values[f"file{n}"].strip(), values.get(f"title{n}", "").strip(), "", "",
                           duration or None))
    return items


def _xspf_items(raw: bytes, name: str) -> list[Entry]:
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise PlaylistError(f"{name} is not valid XSPF: {exc}") from None
    if root.tag not in (f"{{{XSPF_NS}}}playlist", "playlist"):
        raise PlaylistError(f"{name} is not an XSPF playlist (its root is <{root.tag}>)")
    ns = {"x": XSPF_NS} if root.tag.startswith("{") else {"x": ""}
    prefix = "x:" if ns["x"] else ""
    items = []
    for track in root.iterfind(f"{prefix}trackList/{prefix}track", ns):
        location = track.findtext(f"{prefix}location", "", ns).strip()
        if not location:
            continue
        if not urllib.parse.urlsplit(location).scheme:
            location = urllib.parse.unquote(location)  # a relative URI reference
        duration = track.findtext(f"{prefix}duration", "", ns).strip()
        items.append(Entry(location, track.findtext(f"{prefix}title", "", ns).strip(),
                           track.findtext(f"{prefix}creator", "", ns).strip(),
                           track.findtext(f"{prefix}album", "", ns).strip(),
                           int(duration) / 1000 if duration.isdigit() and int(duration) else None))
    return items


def _resolve(items: list[Entry], folder: Path) -> Imported:
    result = Imported()
    for item in items:
        local = _local_path(item.path, folder)
        if local is None:
            result.skipped.append(item.path)
        elif os.path.isfile(local):
            result.entries.append(Entry(local, item.title, item.artist, item.album, item.duration))
        else:
            result.missing.append(item.path)
    return result


def _local_path(location: str, folder: Path) -> str | None:
    """An absolute file path for a playlist location, or None for web streams and the like."""
    parts = urllib.parse.urlsplit(location)
    if parts.scheme == "file":
        return os.path.normpath(folder / urllib.parse.unquote(parts.path))
    if parts.scheme and len(parts.scheme) > 1:  # http:, smb: ... ("C:" is a Windows drive)
        return None
    if PureWindowsPath(location).drive:
        return location  # a Windows path: cannot exist here, so it is reported missing
    candidate = Path(location)
    if not candidate.is_absolute():
        candidate = folder / location
        if not candidate.exists() and "\\" in location:  # written on Windows
            candidate = folder / location.replace("\\", "/")
    return os.path.normpath(candidate)


# ==== what the user handed over =================================================================

def expand(paths: list[str], audio_suffixes) -> tuple[list[str], list[str]]:
    """Files, folders and playlists (from a drop or the command line) -> the audio files they
    name, in order: a folder's audio files sorted by path, a playlist's entries that exist.
    Returns (files, problems), problems in words for the user."""
    files, problems = [], []
    for path in paths:
        path = os.path.abspath(os.path.expanduser(path))
        suffix = Path(path).suffix.lower()
        if os.path.isdir(path):
            found = _audio_under(path, audio_suffixes)
            files += found
            if not found:
                problems.append(f"{Path(path).name}: no music in this folder")
        elif suffix in FORMATS and os.path.isfile(path):
            try:
                imported = read(path)
            except PlaylistError as exc:
                problems.append(str(exc))
                continue
            files += imported.paths
            if imported.missing:
                problems.append(f"{Path(path).name}: {len(imported.missing)} entries not found")
        else:
            files.append(path)  # the player reports what is missing or not audio
    return files, problems


def _audio_under(folder: str, audio_suffixes) -> list[str]:
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, n) for n in sorted(names)
                  if not n.startswith(".") and Path(n).suffix.lower() in audio_suffixes]
    return found
