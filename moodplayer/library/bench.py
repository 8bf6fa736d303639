"""Library scan benchmark: the scan against a bare mutagen loop, and the unchanged rescan.

Files are copies of one tiny MP3 (or WAV, without soundfile) made here, each with
its own ID3 tags written by mutagen, spread over folders of 100.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
import tracemalloc
import wave
from pathlib import Path

import mutagen
import numpy as np
from mutagen.id3 import ID3, POPM, TALB, TBPM, TCON, TIT2, TMOO, TPE1, TRCK

from moodplayer.library.scanner import scan
from moodplayer.library.store import Store

GENRES = ("Pop", "Gospel", "Hip-Hop", "Dance", "Ambient", "Rock", "Bhajan", "Classical")
MOODS = ("", "Happy", "Calm", "", "Energetic", "Sad")


def scan_benchmark(n_files: int = 2000, workdir: str | os.PathLike | None = None,
                   rescan_files: int = 10_000) -> dict:
    """Times (seconds) of a bare `mutagen.File` loop, a cold scan and an unchanged rescan
    over `n_files`, and an unchanged rescan of `rescan_files` (0 to skip)."""
    with tempfile.TemporaryDirectory(dir=workdir, prefix="moodplayer-bench-") as tmp:
        tmp = Path(tmp)
        music = tmp / "music"
        paths = make_tagged_files(music, n_files)
        _bare_loop(paths)  # warm the page cache so both timings read from memory
        bare = _bare_loop(paths)
        with Store(tmp / "bench.sqlite3") as store:
            cold = scan(store, music)
            unchanged = scan(store, music)
        with Store(tmp / "memory.sqlite3") as store:  # traced apart: tracing slows the timed scan
            small_peak = _peak_mb(lambda: scan(store, music))
        result = {
            "files": n_files,
            "bare_mutagen_s": round(bare, 4),
            "cold_scan_s": round(cold.seconds, 4),
            "cold_over_bare": round(cold.seconds / bare, 3) if bare else None,
            "files_per_s": round(n_files / cold.seconds, 1) if cold.seconds else None,
            "unchanged_rescan_s": round(unchanged.seconds, 4),
            "cold_errors": len(cold.errors),
            "cold_scan_peak_mb": small_peak,
        }
        if rescan_files:
            result.update(_big_rescan(tmp, music, n_files, rescan_files))
        return result


def _big_rescan(tmp: Path, music: Path, have: int, n_files: int) -> dict:
    make_tagged_files(music, n_files, start=have)
    with Store(tmp / "memory.sqlite3") as store:
        big_peak = _peak_mb(lambda: scan(store, music))
    with Store(tmp / "bench.sqlite3") as store:
        scan(store, music)
        rescan = scan(store, music)
    return {"rescan_files": max(n_files, have), "unchanged_rescan_big_s": round(rescan.seconds, 4),
            "rescan_read": rescan.read, "big_scan_peak_mb": big_peak}


def _peak_mb(work) -> float:
    """Peak Python heap (tracemalloc) while `work` runs, in MB: flat with library size means
    the scan streams instead of holding every file's tags."""
    tracemalloc.start()
    try:
        work()
        return round(tracemalloc.get_traced_memory()[1] / 1e6, 2)
    finally:
        tracemalloc.stop()


def _bare_loop(paths: list[str]) -> float:
    started = time.perf_counter()
    for path in paths:
        mutagen.File(path)
    return time.perf_counter() - started


def make_tagged_files(folder: Path, n_files: int, start: int = 0) -> list[str]:
    """Files number `start`..`n_files - 1` (those not there yet), each with distinct tags."""
    base, extension = _base_audio()
    paths = []
    for i in range(n_files):
        path = folder / f"album {i // 100:04d}" / f"{i:05d} track.{extension}"
        paths.append(str(path))
        if i < start:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base)
        tags = ID3()
        tags.add(TIT2(encoding=3, text=f"Track {i}"))
        tags.add(TPE1(encoding=3, text=f"Artist {i % 97}"))
        tags.add(TALB(encoding=3, text=f"Album {i // 100}"))
        tags.add(TRCK(encoding=3, text=str(i % 100 + 1)))
        tags.add(TCON(encoding=3, text=GENRES[i % len(GENRES)]))
        tags.add(TBPM(encoding=3, text=str(70 + i % 90)))
        if MOODS[i % len(MOODS)]:
            tags.add(TMOO(encoding=3, text=MOODS[i % len(MOODS)]))
        tags.add(POPM(email="bench@moodplayer", rating=i % 256, count=i % 50))
        if extension == "mp3":
            tags.save(path)
        else:
            _save_wav_tags(path, tags)
    return paths


def _base_audio() -> tuple[bytes, str]:
    """Half a second of quiet tone: MP3 when soundfile is installed ([demo] extra), else WAV."""
    rate = 11025
    tone = (0.1 * np.sin(np.arange(rate // 2) * 2 * np.pi * 440 / rate)).astype(np.float32)
    try:
        import soundfile

        out = io.BytesIO()
        soundfile.write(out, tone, rate, format="MP3")
        return out.getvalue(), "mp3"
    except (ImportError, RuntimeError, TypeError):
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes((tone * 32767).astype("<i2").tobytes())
        return out.getvalue(), "wav"


def _save_wav_tags(path: Path, tags: ID3) -> None:
    from mutagen.wave import WAVE

    audio = WAVE(path)
    audio.add_tags()
    for frame in tags.values():
        audio.tags.add(frame)
    audio.save()
