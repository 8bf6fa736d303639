"""Audio features for tracks whose tags say nothing about tempo or mood.

Decodes up to a minute of audio with libsndfile (soundfile: MP3, FLAC, Ogg
Vorbis/Opus, WAV, AIFF; not M4A or WMA) and measures tempo, pulse clarity,
loudness, brightness and major/minor with numpy. Results are cached in the
store keyed by path + size + mtime, so a file is decoded once until it changes.
The app runs `analyse_library` after a scan, in the same background worker.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from moodplayer.library.buckets import UPBEAT_MIN_BPM
from moodplayer.library.store import Features, Store

log = logging.getLogger(__name__)

RATE = 11025  # analysis sample rate
HOP = 256
WINDOW = 1024
MAX_SECONDS = 60.0
# Thresholds set on the demo library's synthesised styles; a heuristic for files with no tags.
MIN_CLARITY = 0.4  # below this the onsets have no steady beat
MIN_PUNCH = 0.05  # drums give sharp broadband onsets; pads, organ and piano stay well below
SOFT_DB = -24.0

# Krumhansl-Kessler key profiles.
MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


class NoDecoder(Exception):
    """soundfile/libsndfile is not installed, or cannot decode this format."""


def analyse(path: str) -> Features:
    """Measure one file. Raises NoDecoder or OSError/RuntimeError for unreadable audio."""
    samples = _decode(path)
    if len(samples) < RATE * 2:
        raise RuntimeError("less than two seconds of audio")
    spectrum = _spectrogram(samples)
    onsets = _onset_envelope(spectrum)
    tempo, clarity = _tempo(onsets)
    punch = onsets.mean() / max(np.log1p(100 * spectrum).sum(axis=1).mean(), 1e-9)
    rms = float(np.sqrt(np.mean(samples ** 2)))
    freqs = np.fft.rfftfreq(WINDOW, 1 / RATE)
    centroid = float((spectrum * freqs).sum() / max(spectrum.sum(), 1e-12))
    return Features(tempo=round(tempo, 1), clarity=round(clarity, 3), punch=round(float(punch), 4),
                    energy_db=round(20 * float(np.log10(max(rms, 1e-9))), 1), brightness=round(centroid, 1),
                    mode=_mode(spectrum, freqs))


def bucket_for(features: Features) -> tuple[str, str] | None:
    """upbeat / calm from measured features, with the reason; None when they do not tell
    (a strong beat at a middling or rap-like tempo)."""
    if features.energy_db <= SOFT_DB:
        return "calm", f"quiet sound ({features.energy_db:.0f} dB) → calm"
    if features.punch < MIN_PUNCH:
        if features.clarity < MIN_CLARITY:
            return "calm", "no steady beat, no drums (measured) → calm"
        return "calm", "soft attacks, no drums (measured) → calm"
    if features.clarity >= MIN_CLARITY and features.tempo >= UPBEAT_MIN_BPM:
        return "upbeat", f"measured tempo {features.tempo:.0f} BPM, strong beat → upbeat"
    return None


@dataclass
class AnalysisResult:
    analysed: int = 0  # files decoded now
    cached: int = 0  # features taken from the cache
    assigned: int = 0  # tracks that got upbeat/calm from their features
    failed: int = 0
    seconds: float = 0.0
    cancelled: bool = False


def analyse_library(store: Store, folder: str | os.PathLike | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    cancel: threading.Event | None = None) -> AnalysisResult:
    """Give tracks (under `folder`) without an upbeat/calm bucket one from their audio, where
    it tells. `progress(done, total)` and `cancel` work as for scan()."""
    started = time.perf_counter()
    result = AnalysisResult()
    todo = store.tracks_without_tempo_bucket(folder)
    for done, (track_id, path, size, mtime_ns) in enumerate(todo, start=1):
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            break
        features = store.cached_features(path, size, mtime_ns)
        if features is None:
            features = _measure(os.fsdecode(path), result)
            store.cache_features(path, size, mtime_ns, features)
        else:
            result.cached += 1
        found = bucket_for(features) if features.error is None else None
        if found:
            store.add_auto_bucket(track_id, *found)
            result.assigned += 1
        if progress is not None:
            progress(done, len(todo))
    result.seconds = time.perf_counter() - started
    return result


def _measure(path: str, result: AnalysisResult) -> Features:
    try:
        features = analyse(path)
        result.analysed += 1
        return features
    except (NoDecoder, OSError, RuntimeError, ValueError) as exc:
        log.info("No audio features for %s: %s", path, exc)
        result.failed += 1
        return Features(error=str(exc) or type(exc).__name__)


def _decode(path: str) -> np.ndarray:
    try:
        import soundfile
    except ImportError as exc:  # the [demo] extra; without it untagged files keep no tempo bucket
        raise NoDecoder("soundfile is not installed") from exc
    try:
        with soundfile.SoundFile(path) as audio:
            rate = audio.samplerate
            if audio.frames > rate * MAX_SECONDS * 1.5:  # skip the intro of long tracks
                audio.seek(int(min(audio.frames - rate * MAX_SECONDS, rate * 30)))
            data = audio.read(int(rate * MAX_SECONDS), dtype="float32", always_2d=True)
    except soundfile.LibsndfileError as exc:
        raise NoDecoder(f"cannot decode: {exc}") from exc
    return _resample(data.mean(axis=1), rate)


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """To RATE by linear interpolation after a box filter: rough, enough for onsets and spectra."""
    if rate == RATE:
        return samples.astype(np.float64)
    step = rate / RATE
    if step > 1:
        width = int(round(step))
        samples = np.convolve(samples, np.ones(width) / width, mode="same")
    positions = np.arange(0, len(samples) - 1, step)
    return np.interp(positions, np.arange(len(samples)), samples)


def _spectrogram(samples: np.ndarray) -> np.ndarray:
    count = 1 + (len(samples) - WINDOW) // HOP
    frames = np.lib.stride_tricks.as_strided(
        samples, shape=(count, WINDOW), strides=(samples.strides[0] * HOP, samples.strides[0]))
    return np.abs(np.fft.rfft(frames * np.hanning(WINDOW), axis=1))


def _onset_envelope(spectrum: np.ndarray) -> np.ndarray:
    flux = np.maximum(np.diff(np.log1p(100 * spectrum), axis=0), 0).sum(axis=1)
    local = np.convolve(flux, np.ones(16) / 16, mode="same")
    return np.maximum(flux - local, 0)


def _tempo(onsets: np.ndarray) -> tuple[float, float]:
    """Tempo from the onset autocorrelation on a 0.5 BPM grid, each candidate also scored
    at two and four beats (bars reinforce the true beat) and weighted toward 120 BPM
    against octave errors. Clarity: that autocorrelation over the zero-lag one."""
    onsets = onsets - onsets.mean()
    corr = np.correlate(onsets, onsets, mode="full")[len(onsets) - 1:]
    if corr[0] <= 0:
        return 0.0, 0.0
    bpms = np.arange(50.0, 200.5, 0.5)
    lags = 60 / (bpms * HOP / RATE)

    def at(lag: np.ndarray) -> np.ndarray:
        return np.interp(lag, np.arange(len(corr)), corr)

    score = sum(at(lags * beats) / np.sqrt(beats) for beats in (1, 2, 4))
    prior = np.exp(-0.5 * (np.log2(bpms / 120) / 0.9) ** 2)
    best = int(np.argmax(score * prior))
    return float(bpms[best]), float(max(at(lags[best]), 0) / corr[0])


def _mode(spectrum: np.ndarray, freqs: np.ndarray) -> str:
    usable = (freqs >= 55) & (freqs <= 2000)
    pitch = np.round(12 * np.log2(freqs[usable] / 440.0)).astype(int) % 12
    chroma = np.bincount(pitch, weights=spectrum[:, usable].sum(axis=0), minlength=12)
    scores = {name: max(np.corrcoef(np.roll(profile, key), chroma)[0, 1] for key in range(12))
              for name, profile in (("major", MAJOR), ("minor", MINOR))}
    return max(scores, key=scores.get)
