"""Audio-analysis benchmark: milliseconds to measure one 4-minute track, as MP3 and as FLAC.

The track is made here (44.1 kHz stereo: a kick and hi-hat at 124 BPM under changing chords),
written by libsndfile, and measured with `features.analyse` as a cold cache would: the
decoding of the middle of the file is timed with the measures.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

RATE = 44100


def analysis_benchmark(seconds: float = 240.0, runs: int = 5,
                       workdir: str | os.PathLike | None = None) -> dict:
    """Median wall and CPU milliseconds of `runs` analyses of a `seconds`-long MP3 and FLAC. CPU
    time is this process's own: on a busy machine wall time also counts waiting for a core."""
    import soundfile

    from moodplayer.library.features import analyse

    result = {"analysis_track_s": seconds}
    with tempfile.TemporaryDirectory(dir=workdir, prefix="moodplayer-analysis-bench-") as tmp:
        audio = make_track(seconds)
        for kind, fmt in (("mp3", "MP3"), ("flac", "FLAC")):
            path = Path(tmp) / f"track.{kind}"
            soundfile.write(path, audio, RATE, format=fmt)
            analyse(str(path))  # warm: imports, FFT plans, the page cache
            wall, cpu = [], []
            for _ in range(runs):
                started, used = time.perf_counter(), time.process_time()
                analyse(str(path))
                wall.append((time.perf_counter() - started) * 1e3)
                cpu.append((time.process_time() - used) * 1e3)
            result[f"analysis_{kind}_ms"] = round(float(np.median(wall)), 1)
            result[f"analysis_{kind}_cpu_ms"] = round(float(np.median(cpu)), 1)
    return result


def make_track(seconds: float) -> np.ndarray:
    """Stereo float32: kick on every beat, hi-hat between, a chord that changes every bar."""
    count = int(seconds * RATE)
    t = np.arange(count) / RATE
    beat = 60 / 124
    phase = t % beat
    kick = np.sin(2 * np.pi * 55 * phase) * np.exp(-phase * 30)
    noise = np.random.default_rng(0).standard_normal(count)
    offbeat = (t + beat / 2) % beat
    hat = noise * np.exp(-offbeat * 120) * 0.05
    bar = (t // (4 * beat)).astype(int) % 4
    roots = np.array([220.0, 174.6, 261.6, 196.0])[bar]
    chord = sum(np.sin(2 * np.pi * roots * ratio * t) for ratio in (1, 1.26, 1.5)) * 0.1
    mono = (0.5 * kick + hat + chord).astype(np.float32) * 0.5
    return np.stack([mono, np.roll(mono, 40)], axis=1)
