"""Speech -> command with pocketsphinx, fully on this computer.

The decoder searches a JSGF grammar of the commands plus a "garbage" loop of ordinary English
words: speech that is not a command is decoded as garbage and rejected, instead of being
forced onto the nearest command. Microphone audio and WAV files go through recognize().
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from moodplayer.voice import commands, grammar

SAMPLE_RATE = 16000
PAD_SECONDS = 0.3
# The acoustic model was trained on recordings, which are never exactly silent; the digital
# zeros of synthesised or gated audio throw its features off (measured: 194 -> 268 of 288).
NOISE_LEVEL = 30.0  # int16 units, about -60 dBFS


@dataclass(frozen=True)
class Recognition:
    text: str  # what the decoder heard ("" when nothing)
    command: str | None  # commands.parse(text), None when not a command
    confidence: float  # the weakest word's posterior in the decoder's search, 0..1
    seconds: float  # decoding time

    def to_json(self) -> dict:
        return {"command": self.command, "text": self.text, "confidence": round(self.confidence, 4)}


class VoiceError(RuntimeError):
    """The recogniser cannot run (pocketsphinx or its model missing) or the audio is unusable."""


class Recognizer:
    """One pocketsphinx decoder; recognize() may be called from any thread, one at a time."""

    def __init__(self, garbage_weight: float = grammar.GARBAGE_WEIGHT) -> None:
        try:
            import pocketsphinx
        except ImportError as exc:
            raise VoiceError("voice commands need pocketsphinx (pip install pocketsphinx)") from exc
        model = Path(pocketsphinx.get_model_path()) / "en-us"
        self._decoder = pocketsphinx.Decoder(hmm=str(model / "en-us"), dict=str(model / "cmudict-en-us.dict"),
                                             lm=None, bestpath=False, loglevel="FATAL")
        self._decoder.add_jsgf_string("commands", grammar.jsgf(garbage_weight))
        self._decoder.activate_search("commands")
        self._lock = threading.Lock()

    def recognize(self, samples: np.ndarray, rate: int = SAMPLE_RATE) -> Recognition:
        """`samples`: mono audio (int16, or float in -1..1) at `rate` Hz."""
        pcm = prepare(samples, rate)
        started = time.perf_counter()
        with self._lock:
            self._decoder.start_utt()
            self._decoder.process_raw(pcm.tobytes(), no_search=False, full_utt=True)
            self._decoder.end_utt()
            hyp = self._decoder.hyp()
            words = [(s.word, s.prob) for s in self._decoder.seg()] if hyp is not None else []
        text = hyp.hypstr.strip() if hyp is not None else ""
        command = None if grammar.is_garbage(text) else commands.parse(text)
        return Recognition(text, command, _confidence(words) if command else 0.0,
                           time.perf_counter() - started)

    def recognize_file(self, path: str | Path) -> Recognition:
        samples, rate = read_audio(path)
        return self.recognize(samples, rate)


def read_audio(path: str | Path) -> tuple[np.ndarray, int]:
    """Mono int16 samples and their rate from a WAV (or any file libsndfile reads)."""
    import soundfile

    try:
        data, rate = soundfile.read(str(path), dtype="int16", always_2d=True)
    except (OSError, RuntimeError, soundfile.LibsndfileError) as exc:
        raise VoiceError(f"cannot read {path}: {exc}") from exc
    if data.size == 0:
        raise VoiceError(f"{path} holds no audio")
    mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    return np.asarray(mono, dtype=np.int16), int(rate)


def prepare(samples: np.ndarray, rate: int) -> np.ndarray:
    """16 kHz int16 with a little silence either side and a noise floor under it."""
    audio = np.asarray(samples)
    if audio.ndim != 1 or audio.size == 0:
        raise VoiceError("audio must be one channel with at least one sample")
    if audio.dtype.kind == "f":
        audio = audio * 32767.0
    audio = resample(audio.astype(np.float64), rate, SAMPLE_RATE)
    pad = np.zeros(int(SAMPLE_RATE * PAD_SECONDS))
    audio = np.concatenate([pad, audio, pad])
    audio += np.random.default_rng(0).normal(0.0, NOISE_LEVEL, audio.size)
    return np.clip(audio, -32768, 32767).astype(np.int16)


def resample(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Linear interpolation: espeak-ng's 22.05 kHz commands decoded as well as through a
    band-limited FFT resampler (268 vs 267 of 288), so soxr or scipy would buy nothing here."""
    if rate <= 0:
        raise VoiceError(f"bad sample rate {rate}")
    if rate == target:
        return audio
    count = max(int(round(audio.size * target / rate)), 1)
    return np.interp(np.arange(count) * (rate / target), np.arange(audio.size), audio)


def _confidence(words: list[tuple[str, float]]) -> float:
    """The weakest spoken word's posterior (fillers such as <sil> left out). The lattice's
    whole-phrase posterior would cost seconds per utterance on this grammar; this costs nothing."""
    spoken = [prob for word, prob in words if not word.startswith(("<", "(", "["))]
    return min(spoken) if spoken else 0.0
