"""Synthesise MoodPlayer's demo library: 14 short tracks, every mood bucket covered.

    python packaging/make_demo_library.py [OUT_DIR]      (default: music_library/)

Everything is made here with numpy (drums, bass, pads, organ, choir, piano),
encoded to mono 22.05 kHz Ogg Vorbis with soundfile and tagged with mutagen.
Output is deterministic: fixed seeds, and a fixed Ogg stream serial (libsndfile
picks a random one). Released under CC0 1.0 by the MoodPlayer project.
"""

from __future__ import annotations

import argparse
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from mutagen.ogg import OggPage
from mutagen.oggvorbis import OggVorbis

SR = 22050
OGG_SERIAL = 0x4D4F4F44  # "MOOD"
ARTIST = "MoodPlayer Demo"
ALBUM = "MoodPlayer Demo Library"
LICENCE = "CC0 1.0 Universal (public domain dedication); made by the MoodPlayer project"
REPO_LIBRARY = Path(__file__).resolve().parent.parent / "music_library"


# --- instruments -------------------------------------------------------------------------------

def hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _t(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * SR)) / SR


def _shape(signal: np.ndarray, attack: float, release: float) -> np.ndarray:
    n = len(signal)
    env = np.ones(n)
    a, r = min(n, max(1, int(attack * SR))), min(n, max(1, int(release * SR)))
    env[:a] = np.linspace(0, 1, a)
    env[n - r:] *= np.linspace(1, 0, r)
    return signal * env


def additive(freq: float, seconds: float, partials, attack=0.01, release=0.1, decay=None,
             vibrato=0.0, tremolo=0.0) -> np.ndarray:
    """Sum of harmonics (number, amplitude); optional decay per harmonic and vibrato."""
    t = _t(seconds)
    phase = 2 * np.pi * freq * t
    if vibrato:
        phase += vibrato * np.sin(2 * np.pi * 5.0 * t) * freq / 5.0
    out = np.zeros_like(t)
    for k, amp in partials:
        part = amp * np.sin(k * phase)
        if decay:
            part *= np.exp(-t * decay * (0.6 + 0.4 * k))
        out += part
    if tremolo:
        out *= 1 - tremolo * (0.5 + 0.5 * np.sin(2 * np.pi * 6.0 * t))
    return _shape(out, attack, release)


def kick(rng) -> np.ndarray:
    t = _t(0.35)
    freq = 48 + 110 * np.exp(-t * 28)
    return np.sin(2 * np.pi * np.cumsum(freq) / SR) * np.exp(-t * 9)


def snare(rng) -> np.ndarray:
    t = _t(0.22)
    noise = rng.standard_normal(len(t))
    noise = np.diff(noise, prepend=0) * 0.5
    return (0.55 * noise * np.exp(-t * 18) + 0.45 * np.sin(2 * np.pi * 185 * t) * np.exp(-t * 30)) * 0.8


def hat(rng) -> np.ndarray:
    t = _t(0.05)
    return np.diff(rng.standard_normal(len(t)), prepend=0) * np.exp(-t * 90) * 0.18


def pluck(freq: float, seconds: float) -> np.ndarray:
    return additive(freq, seconds, [(1, 1), (2, 0.5), (3, 0.3), (4, 0.15)], attack=0.004, release=0.05,
                    decay=6.0)


def bass(freq: float, seconds: float) -> np.ndarray:
    return additive(freq, seconds, [(1, 1), (2, 0.35), (3, 0.1)], attack=0.005, release=0.04, decay=2.5)


def sub808(freq: float, seconds: float) -> np.ndarray:
    t = _t(seconds)
    glide = freq * (1 + 0.25 * np.exp(-t * 30))
    return np.tanh(1.8 * np.sin(2 * np.pi * np.cumsum(glide) / SR) * np.exp(-t * 1.6)) * 0.8


def pad(freq: float, seconds: float) -> np.ndarray:
    partials = [(1, 1), (2, 0.4), (3, 0.18), (4, 0.08)]
    voices = [additive(freq * d, seconds, partials, attack=1.2, release=1.2) for d in (0.997, 1.0, 1.003)]
    return sum(voices) / 3


def organ(freq: float, seconds: float) -> np.ndarray:
    drawbars = [(0.5, 0.5), (1, 1), (2, 0.6), (3, 0.35), (4, 0.3), (6, 0.15), (8, 0.12)]
    return additive(freq, seconds, drawbars, attack=0.06, release=0.25, tremolo=0.12)


def choir(freq: float, seconds: float) -> np.ndarray:
    """An "aah": harmonics weighted by two vowel formants, a few detuned voices with vibrato."""
    def weight(k: int) -> float:
        f = k * freq
        return np.exp(-((f - 750) / 320) ** 2) + 0.5 * np.exp(-((f - 1150) / 380) ** 2) + 0.25 / k

    partials = [(k, weight(k)) for k in range(1, 12) if k * freq < SR / 2.2]
    voices = [additive(freq * d, seconds, partials, attack=0.5, release=0.6, vibrato=0.004)
              for d in (0.996, 1.0, 1.004)]
    return sum(voices) / 3


def piano(freq: float, seconds: float) -> np.ndarray:
    stretch = [(k * np.sqrt(1 + 0.0004 * k * k), 1 / k ** 1.4) for k in range(1, 9) if k * freq < SR / 2.2]
    return additive(freq, seconds, stretch, attack=0.003, release=0.3, decay=1.3)


def bell(rng) -> np.ndarray:
    partials = [(1, 1), (2.76, 0.5), (5.4, 0.25)]
    return additive(2100, 0.6, partials, attack=0.001, release=0.05, decay=9.0) * 0.25


def drone(freq: float, seconds: float) -> np.ndarray:
    """A tanpura-like pluck: many slowly fading harmonics."""
    partials = [(k, 1 / k) for k in range(1, 14) if k * freq < SR / 2.2]
    return additive(freq, seconds, partials, attack=0.01, release=0.4, decay=0.6)


# --- arranging ---------------------------------------------------------------------------------

class Mix:
    def __init__(self, seconds: float):
        self.buffer = np.zeros(int(seconds * SR) + SR)

    def add(self, sound: np.ndarray, at: float, gain: float = 1.0) -> None:
        start = int(at * SR)
        end = min(len(self.buffer), start + len(sound))
        if start < end:
            self.buffer[start:end] += gain * sound[:end - start]

    def master(self, seconds: float, peak: float = 0.89) -> np.ndarray:
        """Soft-limited and scaled to `peak`: quiet styles stay quieter than dance ones."""
        out = self.buffer[:int(seconds * SR)]
        out = np.tanh(1.3 * out / (np.max(np.abs(out)) or 1.0))
        return _shape(out / np.max(np.abs(out)) * peak, 0.3, 2.0).astype(np.float32)


MAJOR = (0, 4, 7)
MINOR = (0, 3, 7)


def chord(root: int, quality=MAJOR, add: tuple[int, ...] = ()) -> list[int]:
    return [root + i for i in quality + add]


def upbeat(spec: Track, rng) -> np.ndarray:
    beat = 60 / spec.bpm
    progression = [chord(spec.key), chord(spec.key + 7), chord(spec.key + 9, MINOR), chord(spec.key + 5)]
    mix = Mix(spec.seconds)
    for bar in range(int(spec.seconds / (4 * beat)) + 1):
        notes = progression[bar % 4]
        for b in range(4):
            at = (bar * 4 + b) * beat
            mix.add(kick(rng), at, 1.0)
            if b % 2:
                mix.add(snare(rng), at, 0.7)
            for half in (0, 0.5):
                mix.add(hat(rng), at + half * beat, 1.0 if half else 0.6)
                mix.add(bass(hz(notes[0] - 24), beat * 0.45), at + half * beat, 0.55)
            arp = notes[(b + bar) % 3] + 12 * (b % 2)
            mix.add(pluck(hz(arp), beat * 0.9), at + 0.5 * beat, 0.22)
    return mix.master(spec.seconds)


def calm(spec: Track, rng) -> np.ndarray:
    beat = 60 / spec.bpm
    k = spec.key
    progression = [chord(k, MINOR), chord(k - 4), chord(k + 3), chord(k - 2)]
    mix = Mix(spec.seconds)
    bar_len = 4 * beat
    for bar in range(int(spec.seconds / bar_len) + 1):
        notes = progression[(bar // 2) % 4]
        if bar % 2 == 0:
            for note in notes:
                mix.add(pad(hz(note), 2 * bar_len + 1.0), bar * bar_len, 0.3)
            mix.add(pad(hz(notes[0] - 12), 2 * bar_len + 1.0), bar * bar_len, 0.25)
        melody = notes[int(rng.integers(0, 3))] + 12
        mix.add(piano(hz(melody), 2.5), bar * bar_len + beat * int(rng.integers(0, 3)), 0.12)
    return mix.master(spec.seconds, 0.6)


def rap(spec: Track, rng) -> np.ndarray:
    beat = 60 / spec.bpm
    k = spec.key
    roots = [k, k, k - 4, k - 2]
    mix = Mix(spec.seconds)
    for bar in range(int(spec.seconds / (4 * beat)) + 1):
        at = bar * 4 * beat
        for step in (0, 1.5, 2.5):
            mix.add(kick(rng), at + step * beat, 1.0)
        for step in (1, 3):
            mix.add(snare(rng), at + step * beat, 0.85)
        for eighth in range(8):
            swing = 0.08 * beat if eighth % 2 else 0.0
            mix.add(hat(rng), at + eighth * beat / 2 + swing, 0.8)
        root = roots[bar % 4]
        mix.add(sub808(hz(root - 24), 2 * beat), at, 0.6)
        mix.add(sub808(hz(root - 24), 1.5 * beat), at + 2.5 * beat, 0.5)
        for stab in (0, 2):
            for i, note in enumerate(chord(root, MINOR)):
                mix.add(piano(hz(note + 12), 1.4), at + stab * beat + i * 0.02, 0.16)
    return mix.master(spec.seconds)


def devotional(spec: Track, rng) -> np.ndarray:
    beat = 60 / spec.bpm
    k = spec.key
    hymn = [chord(k), chord(k + 5), chord(k), chord(k + 7), chord(k + 9, MINOR), chord(k + 5), chord(k + 7),
            chord(k)]
    mix = Mix(spec.seconds)
    bar_len = 4 * beat
    for bar in range(int(spec.seconds / bar_len) + 1):
        notes = hymn[bar % len(hymn)]
        at = bar * bar_len
        if spec.style == "bhajan":
            for pluck_at in (0, 1, 2, 3):
                note = (k - 5, k, k, k - 12)[pluck_at]
                mix.add(drone(hz(note - 12), 2.0), at + pluck_at * beat, 0.22)
            for b in range(4):
                mix.add(bell(rng), at + b * beat, 1.0 if b % 2 == 0 else 0.6)
        else:
            for note in notes:
                mix.add(organ(hz(note - 12), bar_len + 0.2), at, 0.22)
        voice = notes[(bar // 2) % 3] + 12
        mix.add(choir(hz(voice), bar_len + 0.6), at, 0.35)
    return mix.master(spec.seconds, 0.7)


def instrumental(spec: Track, rng) -> np.ndarray:
    beat = 60 / spec.bpm
    k = spec.key
    progression = [chord(k, MAJOR, (11,)), chord(k + 9, MINOR, (10,)), chord(k + 5, MAJOR, (11,)),
                   chord(k + 7, MAJOR, (10,))]
    mix = Mix(spec.seconds)
    for bar in range(int(spec.seconds / (4 * beat)) + 1):
        notes = progression[bar % 4]
        at = bar * 4 * beat
        mix.add(piano(hz(notes[0] - 12), 4 * beat), at, 0.3)
        for i in range(8):
            note = notes[i % 4] + (12 if i >= 4 else 0)
            mix.add(piano(hz(note), 2.0), at + i * beat / 2, 0.18 + 0.04 * rng.random())
    return mix.master(spec.seconds, 0.7)


STYLES = {"upbeat": upbeat, "calm": calm, "rap": rap, "devotional": devotional, "bhajan": devotional,
          "instrumental": instrumental}


# --- the library -------------------------------------------------------------------------------

@dataclass
class Track:
    title: str
    style: str
    bpm: float
    key: int  # MIDI note of the tonic
    seconds: float
    genre: str
    mood: str = ""


TRACKS = (
    Track("Sunrise Run", "upbeat", 125, 60, 30, "Dance", "Happy"),
    Track("Neon Steps", "upbeat", 128, 62, 28, "Electronic", "Energetic"),
    Track("Good Day Groove", "upbeat", 122, 65, 32, "Pop"),
    Track("Slow Rain", "calm", 70, 57, 34, "Chillout", "Calm"),
    Track("Evening Fog", "calm", 66, 55, 36, "Downtempo", "Melancholy"),
    Track("Quiet Harbour", "calm", 72, 59, 30, "Pop"),
    Track("Concrete Verse", "rap", 90, 50, 30, "Hip-Hop", "Confident"),
    Track("Block Party Cipher", "rap", 95, 52, 28, "Rap", "Energetic"),
    Track("Midnight Bars", "rap", 88, 48, 32, "Hip Hop"),
    Track("Morning Prayer", "devotional", 72, 55, 36, "Gospel", "Peaceful"),
    Track("Evening Aarti", "bhajan", 76, 62, 34, "Bhajan"),
    Track("Hymn of Light", "devotional", 68, 60, 32, "Devotional", "Spiritual"),
    Track("Piano Reverie", "instrumental", 80, 60, 32, "Classical"),
    Track("Quiet Keys", "instrumental", 74, 64, 28, "Ambient", "Relaxed"),
)


def file_name(number: int, track: Track) -> str:
    return f"{number:02d} - {track.title}.ogg"


def render(number: int, track: Track, out: Path) -> Path:
    rng = np.random.default_rng(1000 + number)
    audio = STYLES[track.style](track, rng)
    path = out / file_name(number, track)
    sf.write(path, audio, SR, format="OGG", subtype="VORBIS", compression_level=0.55)
    _fix_headers(path, len(audio) / SR)
    tags = OggVorbis(path)
    tags.update({"title": track.title, "artist": ARTIST, "album": ALBUM, "albumartist": ARTIST,
                 "tracknumber": str(number), "date": "2025", "genre": track.genre, "bpm": f"{track.bpm:g}",
                 "license": LICENCE, "copyright": LICENCE})
    if track.mood:
        tags["mood"] = track.mood
    tags.save()
    return path


def _fix_headers(path: Path, seconds: float) -> None:
    """Give the Ogg stream a fixed serial number, so the same script makes the same bytes,
    and a nominal bitrate equal to the file's real average.

    libVLC seeks in Ogg Vorbis by the header's nominal bitrate; libsndfile writes the
    encoder's target (47.5 kbit/s), while quiet tracks come out near 24 kbit/s, so a
    seek to 10 s landed at 19 s.
    """
    pages = []
    with open(path, "rb") as handle:
        while True:
            try:
                page = OggPage(handle)
            except EOFError:
                break
            page.serial = OGG_SERIAL
            pages.append(page)
    identification = bytearray(pages[0].packets[0])  # 0x01 "vorbis" version channels rate max NOMINAL min
    average = round(path.stat().st_size * 8 / seconds)
    identification[20:24] = struct.pack("<i", average)
    pages[0].packets[0] = bytes(identification)
    path.write_bytes(b"".join(page.write() for page in pages))


def write_readme(out: Path) -> None:
    lines = ["# MoodPlayer demo library", "",
             f"Licence: {LICENCE}.", "",
             "Synthesised with numpy by `packaging/make_demo_library.py` (mono 22.05 kHz Ogg Vorbis);",
             "run it again to make the same files.", "",
             "| # | title | genre | mood | BPM |", "|---|---|---|---|---|"]
    lines += [f"| {n} | {t.title} | {t.genre} | {t.mood or '-'} | {t.bpm:g} |"
              for n, t in enumerate(TRACKS, 1)]
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "LICENSE").write_text(f"The audio files in this folder: {LICENCE}.\n"
                                 "https://creativecommons.org/publicdomain/zero/1.0/\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(REPO_LIBRARY), help="output folder")
    parser.add_argument("--only", type=int, nargs="*", help="track numbers to make (default: all)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for number, track in enumerate(TRACKS, 1):
        if not args.only or number in args.only:
            path = render(number, track, out)
            print(f"{path.name}: {path.stat().st_size // 1024} KiB")
    if not args.only:
        write_readme(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
