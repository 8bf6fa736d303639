"""Read the tags the library needs from one audio file with mutagen.

The mutagen class is chosen from the extension (faster than letting
mutagen.File score every format); only .ogg/.oga, whose codec the name does not
tell, go through mutagen.File with the Ogg kinds. Nothing is ever written.
"""

from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass, fields

import mutagen
from mutagen.aiff import AIFF
from mutagen.apev2 import APEv2
from mutagen.asf import ASF
from mutagen.flac import FLAC
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from moodplayer.library.audio_guard import missing_audio

OGG_KINDS = (OggVorbis, OggOpus, OggFLAC, OggSpeex)
KINDS = {
    ".mp3": MP3, ".flac": FLAC, ".ogg": OGG_KINDS, ".oga": OGG_KINDS, ".opus": OggOpus,
    ".m4a": MP4, ".m4b": MP4, ".mp4": MP4, ".wav": WAVE, ".wma": ASF, ".asf": ASF,
    ".aif": AIFF, ".aiff": AIFF,
}
AUDIO_EXTENSIONS = frozenset(KINDS)


class BrokenFile(Exception):
    """The file cannot be read as audio; str() is the reason shown to the user."""


@dataclass
class Tags:
    title: str = ""
    artist: str = ""
    album: str = ""
    album_artist: str = ""
    track_no: int | None = None
    year: int | None = None
    genre: str = ""
    mood: str = ""
    bpm: float | None = None
    duration: float | None = None
    has_cover: bool = False
    rating: float | None = None  # 0..1
    tag_play_count: int | None = None
    language: str = ""  # the TLAN / LANGUAGE tag as written; the scanner stores the detected language

    def values(self) -> tuple:
        """In store.TAG_COLUMNS order (astuple() would deep-copy: slow in the scan loop)."""
        return tuple(getattr(self, name) for name in TAG_NAMES)


TAG_NAMES = tuple(field.name for field in fields(Tags))


def read_tags(path: str) -> Tags:
    """Tags and duration of one file; raises BrokenFile with a plain reason."""
    extension = os.path.splitext(path)[1].lower()
    kind = KINDS.get(extension)
    if kind is None:
        raise BrokenFile(f"not a supported audio format ({extension or 'no extension'})")
    try:
        handle = open(path, "rb")  # our own open, so a permission error reads as one
    except OSError as exc:
        raise BrokenFile(f"cannot read: {exc.strerror or exc}") from exc
    with handle:
        if os.fstat(handle.fileno()).st_size == 0:
            raise BrokenFile("empty file")
        try:
            audio = mutagen.File(handle, options=kind) if isinstance(kind, tuple) else kind(handle)
        except Exception as exc:  # mutagen raises many kinds for damaged files
            tags = _tags_alone(path) if kind is MP3 else None
            if tags is None:
                raise BrokenFile(f"not a readable {extension[1:].upper()} file: {_short(exc)}") from exc
            return tags
    if audio is None:
        raise BrokenFile(f"not a readable {extension[1:].upper()} file: unknown stream")
    length = getattr(audio.info, "length", None)
    if not length or length <= 0:
        raise BrokenFile("no audio in file (length 0)")
    problem = missing_audio(os.path.getsize(path), length, getattr(audio.info, "bitrate", None))
    if problem:
        raise BrokenFile(problem)
    tags = _read(audio, path)
    tags.duration = float(length)
    return tags


def _tags_alone(path: str) -> Tags | None:
    """The ID3 or APEv2 tag of an MP3 whose audio mutagen cannot find ("can't sync to MPEG
    frame"): libVLC plays many such files, and an unplayable one is marked at play time.
    Duration from TLEN, else None."""
    try:
        frames = ID3(path)
    except Exception:  # no ID3 header, or a broken one: try APEv2
        frames = None
    if frames is not None and len(frames):
        tags = _from_id3(frames)
        length = _number(str(frames["TLEN"].text[0])) if "TLEN" in frames and frames["TLEN"].text else None
        tags.duration = length / 1000 if length else None
        return tags
    try:
        ape = APEv2(path)
    except Exception:
        return None
    return _from_ape(ape) if len(ape) else None


def _from_ape(items) -> Tags:
    def text(*keys: str) -> str:
        for key in keys:
            if key in items and str(items[key]).strip():
                return str(items[key]).replace("\x00", "; ").strip()
        return ""

    return Tags(title=text("Title"), artist=text("Artist"), album=text("Album"),
                album_artist=text("Album Artist", "AlbumArtist"), track_no=_number(text("Track")),
                year=_year(text("Year")), genre=_genre(text("Genre")), mood=text("Mood"),
                bpm=_bpm(text("BPM")), has_cover="Cover Art (Front)" in items,
                language=text("Language"))


def _genre(text: str) -> str:
    """Null bytes (ID3v2.4 lists written into one string) as "; "; empty parts dropped."""
    return "; ".join(part.strip() for part in text.split("\x00") if part.strip())


def _read(audio, path: str) -> Tags:
    if isinstance(audio, MP4):
        return _from_mp4(audio.tags or {})
    if isinstance(audio, ASF):
        return _from_asf(audio.tags or {})
    if isinstance(audio, (MP3, WAVE, AIFF)):
        if audio.tags is None and isinstance(audio, WAVE):
            return _from_riff_info(path)
        return _from_id3(audio.tags or {})
    tags = _from_vorbis(audio.tags or {})
    tags.has_cover = tags.has_cover or bool(getattr(audio, "pictures", None))
    return tags


def _from_id3(frames) -> Tags:
    def text(key: str) -> str:
        frame = frames.get(key)
        return str(frame.text[0]).strip() if frame is not None and frame.text else ""

    genre = frames.get("TCON")
    tags = Tags(title=text("TIT2"), artist=text("TPE1"), album=text("TALB"), album_artist=text("TPE2"),
                track_no=_number(text("TRCK")), year=_year(text("TDRC") or text("TYER")),
                genre=_genre(", ".join(genre.genres)) if genre is not None else "",
                mood=text("TMOO"), bpm=_bpm(text("TBPM")), language=text("TLAN"),
                rating=_fraction(text("TXXX:FMPS_Rating")),
                tag_play_count=_number(text("TXXX:FMPS_Playcount")))
    for key, frame in frames.items():
        if key.startswith("APIC"):
            tags.has_cover = True
        elif key.startswith("POPM"):
            if tags.rating is None and frame.rating:
                tags.rating = round(frame.rating / 255, 3)
            if tags.tag_play_count is None and getattr(frame, "count", None):
                tags.tag_play_count = int(frame.count)
    return tags


def _from_vorbis(comments) -> Tags:
    def text(*keys: str) -> str:
        for key in keys:
            values = comments.get(key)
            if values:
                return ", ".join(v.strip() for v in values if v.strip())
        return ""

    return Tags(title=text("title"), artist=text("artist"), album=text("album"),
                album_artist=text("albumartist", "album artist", "album_artist"),
                track_no=_number(text("tracknumber")), year=_year(text("date", "year")),
                genre=_genre(text("genre")), mood=text("mood"), bpm=_bpm(text("bpm", "tempo")),
                has_cover=bool(text("metadata_block_picture", "coverart")), language=text("language"),
                rating=_fraction(text("fmps_rating")), tag_play_count=_number(text("fmps_playcount")))


def _from_mp4(atoms) -> Tags:
    def text(key: str) -> str:
        values = atoms.get(key)
        if not values:
            return ""
        value = values[0]
        return bytes(value).decode("utf-8", "replace").strip() if isinstance(value, bytes) else str(value)

    track = atoms.get("trkn")
    tempo = atoms.get("tmpo")
    return Tags(title=text("©nam"), artist=text("©ART"), album=text("©alb"), album_artist=text("aART"),
                track_no=(track[0][0] or None) if track else None, year=_year(text("©day")),
                genre=_genre(text("©gen")), mood=text("----:com.apple.iTunes:MOOD"),
                language=text("----:com.apple.iTunes:LANGUAGE"),
                bpm=_bpm(str(tempo[0])) if tempo else _bpm(text("----:com.apple.iTunes:BPM")),
                has_cover=bool(atoms.get("covr")),
                rating=_fraction(text("----:com.apple.iTunes:FMPS_Rating")),
                tag_play_count=_number(text("----:com.apple.iTunes:FMPS_Playcount")))


def _from_asf(attributes) -> Tags:
    def text(key: str) -> str:
        values = attributes.get(key)
        return str(values[0].value).strip() if values else ""

    rating = _fraction(text("FMPS/Rating"))
    shared = _number(text("WM/SharedUserRating"))
    if rating is None and shared:
        rating = round(min(shared, 99) / 99, 3)
    return Tags(title=text("Title"), artist=text("Author"), album=text("WM/AlbumTitle"),
                album_artist=text("WM/AlbumArtist"), track_no=_number(text("WM/TrackNumber")),
                year=_year(text("WM/Year")), genre=_genre(text("WM/Genre")), mood=text("WM/Mood"),
                language=text("WM/Language"),
                bpm=_bpm(text("WM/BeatsPerMinute")), has_cover=bool(attributes.get("WM/Picture")),
                rating=rating, tag_play_count=_number(text("FMPS/Playcount")))


RIFF_INFO = {b"INAM": "title", b"IART": "artist", b"IPRD": "album", b"IGNR": "genre", b"ICRD": "year",
             b"ITRK": "track_no", b"IPRT": "track_no"}


def _from_riff_info(path: str) -> Tags:
    """WAV files without ID3 often carry a RIFF LIST/INFO chunk (libsndfile writes one)."""
    found: dict[str, str] = {}
    with open(path, "rb") as handle:
        if handle.read(12)[8:12] != b"WAVE":
            return Tags()
        while header := handle.read(8):
            if len(header) < 8:
                break
            chunk_id, size = struct.unpack("<4sI", header)
            if chunk_id == b"LIST" and handle.read(4) == b"INFO":
                body = handle.read(size - 4)
                found = _info_fields(body)
                break
            handle.seek(size + (size & 1) - (4 if chunk_id == b"LIST" else 0), os.SEEK_CUR)
    return Tags(title=found.get("title", ""), artist=found.get("artist", ""), album=found.get("album", ""),
                genre=found.get("genre", ""), year=_year(found.get("year", "")),
                track_no=_number(found.get("track_no", "")))


def _info_fields(body: bytes) -> dict[str, str]:
    found, offset = {}, 0
    while offset + 8 <= len(body):
        chunk_id, size = struct.unpack_from("<4sI", body, offset)
        value = body[offset + 8:offset + 8 + size].split(b"\0", 1)[0]
        if chunk_id in RIFF_INFO:
            found[RIFF_INFO[chunk_id]] = value.decode("utf-8", "replace").strip()
        offset += 8 + size + (size & 1)
    return found


def _number(text: str) -> int | None:
    match = re.match(r"\s*(\d+)", text)
    return int(match.group(1)) if match else None


def _year(text: str) -> int | None:
    match = re.match(r"\s*(\d{4})", text)
    return int(match.group(1)) if match else None


def _bpm(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if 20 <= value <= 400 else None  # 0 means "unknown"; others are typos


def _fraction(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 <= value <= 1 else None


def _short(exc: Exception) -> str:
    if isinstance(exc, UnicodeError) or "codec can't decode" in str(exc):  # chunk names of noise
        return "damaged header (garbage where the format's chunk names should be)"
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
