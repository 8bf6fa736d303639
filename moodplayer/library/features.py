"""Audio features of one file: tempo, loudness, drums, brightness, and whether it is music at all.

Decodes 20 s from the middle of a track (a file under a minute whole) with libsndfile (MP3, FLAC,
Ogg, WAV, AIFF; not M4A or WMA) in bounded chunks, down to 11 kHz mono, and measures it with
numpy. Loudness is BS.1770 (EBU R128) K-weighted and gated, from the power spectrum with the K
filter's exact response. `library.analysis` caches results and decides buckets library-relative.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from moodplayer.library.buckets import UPBEAT_MIN_BPM
from moodplayer.library.records import Features

if TYPE_CHECKING:
    from moodplayer.library.store import Store

RATE = 11025  # analysis sample rate
HOP = 256
WINDOW = 1024
CLIP_SECONDS = 20.0  # decoded from the middle of a track...
WHOLE_SECONDS = 60.0  # ... longer than this; shorter ones are read whole
SEGMENT_SECONDS = 10.0  # tempo is also measured per segment: rubato and slow middle sections
# The memory guard: a header outside these is refused before a sample is read.
MAX_CHANNELS = 8
RATES = (8000, 384000)
MAX_FRAMES_PER_BYTE = 2000  # FLAC of pure silence reaches ~1000; more is a lying header
CHUNK_FRAMES = 262144  # most frames per read, whatever the rate: 8 channels x 4 bytes = 8 MB

# Absolute rules, used where the library is too small to compare tracks with each other.
MIN_CLARITY = 0.4  # below this the onsets have no steady beat
MIN_PUNCH = 0.05  # drums give sharp broadband onsets; pads, organ and piano stay well below
SOFT_DB = -24.0
# What is not music. Tuned notes put spectral peaks on one semitone grid; speech, animals and
# noise glide or have no pitch at all (measured: music 0.1-0.99, speech/whale/bird/noise < 0.04).
MIN_TUNING = 0.07
MIN_PULSE = 0.3  # clarity of a beat that makes drum-only music music
MIN_PULSE_SECONDS = 8.0
SILENT_LUFS = -60.0
NOISE_FLATNESS = 0.2  # white noise ~0.55, pink ~0.3, music and speech < 0.03

MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
FREQS = np.fft.rfftfreq(WINDOW, 1 / RATE)
FPS = RATE / HOP
HANN = np.hanning(WINDOW).astype(np.float32)
# Both key profiles in all 12 keys, centred and scaled, so one product correlates them all.
_PROFILES = np.array([np.roll(p, k) for p in (MAJOR, MINOR) for k in range(12)])
_PROFILES = (_PROFILES - _PROFILES.mean(axis=1, keepdims=True)) / _PROFILES.std(axis=1, keepdims=True)


class NoDecoder(Exception):
    """soundfile/libsndfile is not installed, or cannot decode this format."""


class RefusedHeader(RuntimeError):
    """The file's header claims something absurd; nothing was decoded."""


def analyse(path: str) -> Features:
    """Measure one file. Raises NoDecoder, RefusedHeader or OSError/RuntimeError for unreadable audio."""
    samples, gain = _decode(path)
    if len(samples) < RATE * 2:
        raise RuntimeError("less than two seconds of audio")
    spectrum = _spectrogram(samples)
    power = spectrum ** 2
    logs = np.log1p(100 * spectrum)
    rises = np.diff(logs, axis=0)
    flux = np.maximum(rises, 0).sum(axis=1)
    onsets = np.maximum(flux - np.convolve(flux, np.ones(16) / 16, mode="same"), 0)
    tempo, clarity = _steadiest_tempo(onsets)
    level = max(logs.sum(axis=1).mean(), 1e-9)
    loudness, loudest, spread = _loudness(power, gain)
    rms = float(np.sqrt(np.mean(samples ** 2)))
    return Features(
        tempo=round(tempo, 1), clarity=round(clarity, 3), punch=round(float(onsets.mean() / level), 4),
        energy_db=round(20 * float(np.log10(max(rms, 1e-9))), 1),
        brightness=round(float((spectrum * FREQS).sum() / max(spectrum.sum(), 1e-12)), 1),
        mode=_mode(spectrum), loudness=round(loudness, 1), loudness_max=round(loudest, 1),
        loudness_range=round(spread, 1),
        crest=round(20 * float(np.log10(max(np.abs(samples).max(), 1e-9) / max(rms, 1e-9))), 1),
        onset_rate=round(_onset_rate(onsets), 2), percussion=round(_percussion(rises), 3),
        flux=round(float(flux.mean() / level), 4), tuning=round(_tuning(spectrum), 3),
        syllables=round(_syllable_share(power), 3), pauses=round(_pauses(power), 3),
        flatness=round(_flatness(power), 4), seconds=round(len(samples) / RATE, 1),
        novelty=round(_novelty(spectrum), 4))


def music_verdict(features: Features) -> tuple[bool, str]:
    """(is it music, why) from what was measured."""
    if features.loudness <= SILENT_LUFS:
        return False, f"silent ({features.loudness:.0f} LUFS), not music"
    if features.flatness >= NOISE_FLATNESS:
        return False, "sounds like noise, not music"
    if features.tuning >= MIN_TUNING:
        return True, "tuned notes"
    if (features.seconds >= MIN_PULSE_SECONDS and features.clarity >= MIN_PULSE
            and features.percussion >= MIN_PULSE):
        return True, "a steady beat"
    if features.syllables >= 0.1 and features.pauses >= 0.05 and features.brightness < 2500:
        return False, "sounds like speech, not music"
    return False, "no musical notes and no steady beat (nature sounds or noise?), not music"


def bucket_for(features: Features) -> tuple[str, str] | None:
    """upbeat / calm from one track's features alone, with the reason; None when they do not
    tell (a strong beat at a middling or rap-like tempo) or it is not music. For small
    libraries; larger ones are split relative to their own tracks (library.analysis)."""
    if not music_verdict(features)[0]:
        return None
    if features.energy_db <= SOFT_DB:
        return "calm", f"quiet sound ({features.energy_db:.0f} dB) → calm"
    if features.punch < MIN_PUNCH:
        if features.clarity < MIN_CLARITY:
            return "calm", "no steady beat, no drums (measured) → calm"
        return "calm", "soft attacks, no drums (measured) → calm"
    if features.clarity >= MIN_CLARITY and features.tempo >= UPBEAT_MIN_BPM:
        return "upbeat", f"measured tempo {features.tempo:.0f} BPM, strong beat → upbeat"
    return None


# --- decoding ------------------------------------------------------------------------------------

@np.errstate(over="ignore", invalid="ignore")  # float files can hold anything: made finite below
def _decode(path: str) -> tuple[np.ndarray, float]:
    """Mono samples at RATE from the middle CLIP_SECONDS, and the loudness gain (see _gain)."""
    try:
        import soundfile
    except ImportError as exc:  # without it untagged files keep no tempo bucket
        raise NoDecoder("soundfile is not installed") from exc
    try:
        with soundfile.SoundFile(os.fsencode(path)) as audio:
            check_header(audio.channels, audio.samplerate, audio.frames, os.path.getsize(path))
            rate, want = audio.samplerate, int(audio.samplerate * CLIP_SECONDS)
            count = audio.frames
            if count > WHOLE_SECONDS * rate:
                audio.seek((count - want) // 2)
                count = want
            step = max(1, rate // RATE)  # whole-number decimation first, chunk by chunk
            parts, channel_power, mono_power = [], 0.0, 0.0
            for block in audio.blocks(blocksize=CHUNK_FRAMES // step * step, frames=count, dtype="float32",
                                      always_2d=True):
                mono = _mix(block)
                channel_power += float(np.einsum("ij,ij->", block, block))
                mono_power += float(np.einsum("i,i->", mono, mono))
                parts.append(_decimate(mono, step))
    except soundfile.LibsndfileError as exc:
        raise NoDecoder(f"cannot decode: {exc}") from exc
    frames = max(sum(len(part) for part in parts) * step, 1)
    mono = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    mono = np.clip(np.nan_to_num(mono, nan=0.0, posinf=0.0, neginf=0.0), -64.0, 64.0)
    samples = _resample(mono, rate / step)
    low = float(np.mean(samples ** 2)) if len(samples) else 0.0
    return samples, _gain(channel_power / frames, mono_power / frames, low)


def _gain(channels: float, mono: float, low: float) -> float:
    """What the 11 kHz mono mix's power must be multiplied by for BS.1770 loudness: the channels'
    summed power over the mix's (2 for identical stereo channels, more for wide ones), and the
    power above the low rate's band, which the K filter raises by 4 dB."""
    if not (np.isfinite(channels) and np.isfinite(mono)) or mono <= 1e-12 or low <= 1e-12:
        return 1.0  # silence, or NaN/inf samples in a float file
    high = max(mono - low, 0.0)
    return channels / mono * (low + 10 ** 0.4 * high) / low


def check_header(channels: int, rate: int, frames: int, size: int) -> None:
    """Refuse headers that would make a decoder allocate gigabytes or read forever."""
    if not 1 <= channels <= MAX_CHANNELS:
        raise RefusedHeader(f"refused: the header claims {channels} channels (at most {MAX_CHANNELS})")
    if not RATES[0] <= rate <= RATES[1]:
        raise RefusedHeader(f"refused: the header claims a sample rate of {rate} Hz")
    if frames < 0 or frames > max(size, 1) * MAX_FRAMES_PER_BYTE:
        raise RefusedHeader(f"refused: the header claims {frames} frames in a {size}-byte file")


def _mix(block: np.ndarray) -> np.ndarray:
    """The channels' mean, by column adds (mean(axis=1) over 2 columns is 40x slower)."""
    mono = block[:, 0].copy()
    for channel in range(1, block.shape[1]):
        mono += block[:, channel]
    return mono / block.shape[1] if block.shape[1] > 1 else mono


def _decimate(samples: np.ndarray, step: int) -> np.ndarray:
    if step == 1:
        return samples
    usable = len(samples) // step * step
    return sum(samples[offset:usable:step] for offset in range(step)) / step


def _resample(samples: np.ndarray, rate: float) -> np.ndarray:
    """To RATE by linear interpolation (after the box-filter decimation): enough for onsets and spectra."""
    if abs(rate - RATE) < 1 or len(samples) < 2:
        return samples
    positions = np.arange(0, len(samples) - 1, rate / RATE)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def _spectrogram(samples: np.ndarray) -> np.ndarray:
    count = 1 + (len(samples) - WINDOW) // HOP
    frames = np.lib.stride_tricks.as_strided(
        samples, shape=(count, WINDOW), strides=(samples.strides[0] * HOP, samples.strides[0]))
    return np.abs(np.fft.rfft(frames * HANN, axis=1))


# --- loudness (ITU-R BS.1770-4 / EBU R128) -------------------------------------------------------

def _k_weight(freqs: np.ndarray) -> np.ndarray:
    """|H(f)|² of the standard K filter (shelf, then high-pass), from its 48 kHz biquads."""
    z = np.exp(-1j * 2 * np.pi * freqs / 48000)
    gain = np.ones_like(freqs)
    for b, a in (((1.53512485958697, -2.69169618940638, 1.19839281085285),
                  (1.0, -1.69065929318241, 0.73248077421585)),
                 ((1.0, -2.0, 1.0), (1.0, -1.99004745483398, 0.99007225036621))):
        gain = gain * np.abs((b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)) ** 2
    return gain


K_WEIGHT = _k_weight(FREQS)
WINDOW_POWER = (np.hanning(WINDOW) ** 2).sum()


def _loudness(power: np.ndarray, gain: float) -> tuple[float, float, float]:
    """Integrated loudness (LUFS, gated), the loudest 3 s (short-term max) and the loudness
    range (LU). K-weighted mean-square per frame by Parseval, times the decoder's gain."""
    square = (power * K_WEIGHT).sum(axis=1) * 2 / (WINDOW * WINDOW_POWER) * gain
    momentary = _blocks(square, 0.4, 0.1)
    integrated = _gated(momentary, -10.0)
    short = _blocks(square, 3.0, 1.0)
    short_lufs = _lufs(short)
    kept = short_lufs[(short_lufs > -70) & (short_lufs > _gated(short, -20.0) - 20)]
    spread = float(np.percentile(kept, 95) - np.percentile(kept, 10)) if len(kept) > 2 else 0.0
    return integrated, float(short_lufs.max(initial=-70.0)), spread


def _blocks(square: np.ndarray, seconds: float, step: float) -> np.ndarray:
    size, stride = max(1, int(round(seconds * FPS))), max(1, int(round(step * FPS)))
    if len(square) <= size:
        return np.array([square.mean()])
    sums = np.concatenate(([0.0], np.cumsum(square)))
    starts = np.arange(0, len(square) - size + 1, stride)
    return (sums[starts + size] - sums[starts]) / size


def _lufs(square: np.ndarray) -> np.ndarray:
    return -0.691 + 10 * np.log10(np.maximum(square, 1e-12))


def _gated(blocks: np.ndarray, relative: float) -> float:
    loud = blocks[_lufs(blocks) > -70]
    if not len(loud):
        return -70.0
    loud = loud[_lufs(loud) > _lufs(np.array([loud.mean()]))[0] + relative]
    return float(_lufs(np.array([loud.mean()]))[0]) if len(loud) else -70.0


# --- rhythm --------------------------------------------------------------------------------------

def _steadiest_tempo(onsets: np.ndarray) -> tuple[float, float]:
    """Tempo of the whole clip, or of its steadiest 10 s where that is clearer."""
    best = _tempo(onsets)
    size = int(SEGMENT_SECONDS * FPS)
    for start in range(0, len(onsets) - size + 1, size) if len(onsets) >= 2 * size else ():
        found = _tempo(onsets[start:start + size])
        if found[1] > best[1] + 0.05:
            best = found
    return best


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

    def at(lag):
        return np.interp(lag, np.arange(len(corr)), corr, right=0.0)

    score = sum(at(lags * beats) / np.sqrt(beats) for beats in (1, 2, 4))
    prior = np.exp(-0.5 * (np.log2(bpms / 120) / 0.9) ** 2)
    best = int(np.argmax(score * prior))
    return float(bpms[best]), float(max(at(lags[best]), 0) / corr[0])


def _onset_rate(onsets: np.ndarray) -> float:
    """Note and drum attacks per second: peaks of the onset envelope well above its mean."""
    middle = onsets[1:-1]
    peaks = (middle > onsets[:-2]) & (middle >= onsets[2:]) & (middle > onsets.mean() + onsets.std())
    return float(peaks.sum() / (len(onsets) / FPS))


def _percussion(rises: np.ndarray) -> float:
    """Share of the spectrum that jumps at once in the strongest attacks: drums hit every band."""
    broadband = (rises[:, FREQS >= 100] > 0.5).mean(axis=1)
    return float(np.percentile(broadband, 95))


def _novelty(spectrum: np.ndarray) -> float:
    """Share of the tonal peaks' energy (100-4000 Hz) that is new in each frame, where no peak
    sat a bin away before: fast notes score high, held chords and pads near zero."""
    band = (FREQS >= 100) & (FREQS <= 4000)
    amp = spectrum[:, band]
    peaks = np.zeros_like(amp, dtype=bool)
    middle = amp[:, 1:-1]
    peaks[:, 1:-1] = (middle > amp[:, :-2]) & (middle > amp[:, 2:]) & (middle > 0.05 * amp.max(axis=1,
                                                                                             keepdims=True))
    before = peaks[:-1] | np.roll(peaks[:-1], 1, axis=1) | np.roll(peaks[:-1], -1, axis=1)
    weight = amp[1:] ** 2
    held = (weight * peaks[1:]).sum(axis=1)
    return float(((weight * (peaks[1:] & ~before)).sum(axis=1) / np.maximum(held, 1e-12)).mean())


# --- not music -----------------------------------------------------------------------------------

def _tuning(spectrum: np.ndarray) -> float:
    """How tightly spectral peaks (250-2500 Hz) sit on one semitone grid: 1 all on it, 0 spread.
    Interpolated peak frequencies, as a circular mean over their cents mod 100."""
    band = (FREQS >= 200) & (FREQS <= 2600)
    amp = spectrum[::2, band]
    middle = amp[:, 1:-1]
    peaks = (middle > amp[:, :-2]) & (middle > amp[:, 2:]) & (middle > 0.1 * amp.max(axis=1, keepdims=True))
    frame, column = np.nonzero(peaks)
    column = column + 1
    left, centre, right = (np.log(amp[frame, column + shift] + 1e-12) for shift in (-1, 0, 1))
    curve = left - 2 * centre + right
    offset = 0.5 * (left - right) / np.where(curve == 0, -1e-9, curve)
    freqs = FREQS[band][column] + np.clip(offset, -0.5, 0.5) * FREQS[1]
    freqs = freqs[freqs >= 250]
    if len(freqs) < 20:
        return 0.0
    angles = 2 * np.pi * 12 * np.log2(freqs / 440.0)
    return float(np.abs(np.mean(np.exp(1j * angles))))


def _syllable_share(power: np.ndarray) -> float:
    """Share of the voice band's level modulation at 3-6 Hz, the rate of spoken syllables."""
    band = (FREQS > 300) & (FREQS < 3400)
    level = np.log(np.maximum(power[:, band].sum(axis=1), 1e-10))
    modulation = np.abs(np.fft.rfft((level - level.mean()) * np.hanning(len(level)))) ** 2
    rates = np.fft.rfftfreq(len(level), 1 / FPS)
    total = modulation[(rates >= 0.5) & (rates <= 20)].sum()
    return float(modulation[(rates >= 3) & (rates <= 6)].sum() / total) if total > 0 else 0.0


def _pauses(power: np.ndarray) -> float:
    """Share of frames 25 dB under the loud ones: gaps between words or calls."""
    level = 10 * np.log10(np.maximum(power.sum(axis=1), 1e-12))
    return float((level < np.percentile(level, 95) - 25).mean())


def _flatness(power: np.ndarray) -> float:
    """Median spectral flatness (geometric over arithmetic mean): 1 for white noise."""
    usable = np.maximum(power[::4, 5:], 1e-12)
    return float(np.median(np.exp(np.log(usable).mean(axis=1)) / usable.mean(axis=1)))


def _mode(spectrum: np.ndarray) -> str:
    """Major or minor: the Krumhansl-Kessler profile, in any key, the chroma correlates with best."""
    usable = (FREQS >= 55) & (FREQS <= 2000)
    pitch = np.round(12 * np.log2(FREQS[usable] / 440.0)).astype(int) % 12
    chroma = np.bincount(pitch, weights=spectrum[:, usable].sum(axis=0), minlength=12)
    if not chroma.any() or chroma.std() == 0:
        return ""
    scores = _PROFILES @ ((chroma - chroma.mean()) / chroma.std()) / 12
    return "major" if scores[:12].max() >= scores[12:].max() else "minor"


@dataclass
class AnalysisResult:
    analysed: int = 0  # files decoded now
    cached: int = 0  # features taken from the cache
    assigned: int = 0  # tracks that got upbeat/calm from their features
    failed: int = 0
    not_music: int = 0  # analysed tracks that are speech, silence, noise or nature sounds
    seconds: float = 0.0
    cancelled: bool = False


def analyse_library(store: Store, folder: str | os.PathLike | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    cancel: threading.Event | None = None) -> AnalysisResult:
    """Measure the tracks under `folder` (cached by path + size + mtime) and give those
    without an upbeat/calm bucket one, relative to the library; see library.analysis."""
    from moodplayer.library.analysis import analyse_library as run

    return run(store, folder, progress=progress, cancel=cancel)
