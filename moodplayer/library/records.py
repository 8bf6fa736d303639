"""Plain records the Store hands out and takes in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


@dataclass
class Track:
    id: int
    path: str
    title: str
    artist: str
    album: str
    album_artist: str
    track_no: int | None
    year: int | None
    genre: str
    mood: str
    bpm: float | None
    duration: float | None  # seconds, from mutagen
    has_cover: bool
    rating: float | None  # 0..1 (POPM/255, FMPS_Rating)
    tag_play_count: int | None
    added_at: float
    missing: bool
    unplayable: str | None  # why VLC could not play it
    favourite: bool
    plays: int
    completions: int
    skips: int
    last_played: float | None  # epoch seconds
    buckets: dict[str, str] = field(default_factory=dict)  # effective bucket -> reason
    language: str = ""  # e.g. "Telugu", "Hindi", "English" (library.language); "" when unknown
    tempo: float | None = None  # measured BPM (library.analysis)
    energy: float | None = None  # 0..1, relative to the other tracks of the library
    music: bool | None = None  # False for speech, silence, noise, nature sounds; None: not measured
    sound: str = ""  # what the analysis heard, e.g. "sounds like speech, not music"

    def __post_init__(self) -> None:
        if self.music is not None:
            self.music = bool(self.music)  # SQLite hands back 0/1

    @property
    def display_title(self) -> str:
        return self.title or Path(self.path).stem


@dataclass
class Features:
    """Measured from the audio (library.features); `error` set when it could not be decoded."""

    tempo: float = 0.0  # BPM
    clarity: float = 0.0  # 0 (no steady pulse) .. 1
    punch: float = 0.0  # onset strength against the sound's level: drums score high
    energy_db: float = -90.0  # RMS, dBFS
    brightness: float = 0.0  # spectral centroid, Hz
    mode: str = ""  # "major" / "minor"
    error: str | None = None
    loudness: float = -70.0  # integrated, LUFS (BS.1770 gated)
    loudness_max: float = -70.0  # loudest 3 s (short-term), LUFS
    loudness_range: float = 0.0  # LU, between the 10th and 95th percentile of short-term loudness
    crest: float = 0.0  # peak over RMS, dB: low for limited, loud masters
    onset_rate: float = 0.0  # attacks per second
    percussion: float = 0.0  # 0..1, share of the spectrum the strongest attacks hit at once
    flux: float = 0.0  # mean spectral change against the sound's level
    tuning: float = 0.0  # 0..1, how well spectral peaks sit on a semitone grid (music does)
    syllables: float = 0.0  # 0..1, share of level modulation at speech's 3-6 Hz
    pauses: float = 0.0  # share of near-silent frames
    flatness: float = 0.0  # 0 tonal .. 1 white noise
    seconds: float = 0.0  # how much audio was measured
    novelty: float = 0.0  # share of tonal peaks that are new in each frame: how often notes change




class FileState(NamedTuple):
    """What the store knows of a file, to tell whether a rescan must read it."""

    id: int
    size: int
    mtime_ns: int
    missing: int


@dataclass
class FileRecord:
    """What the scanner read from one file, ready to store."""

    path: bytes
    size: int
    mtime_ns: int
    tags: tuple  # values in TAG_COLUMNS order
    buckets: dict[str, str]  # automatic bucket -> reason
