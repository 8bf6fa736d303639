"""Push-to-talk: the microphone through sounddevice (PortAudio), 16 kHz mono, open only while
the key or button is held; recognition then runs in a worker thread. No audio is kept.

The module imports without PortAudio or a microphone; asking to listen then raises
NoMicrophone with a message for the user.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import numpy as np

from moodplayer.voice.recognizer import SAMPLE_RATE, Recognition, Recognizer, VoiceError

log = logging.getLogger(__name__)
MAX_SECONDS = 8.0  # a held key longer than this is not one command


class NoMicrophone(RuntimeError):
    """No way to record: PortAudio missing, no input device, or the device refused."""


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # the module loads libportaudio at import
        raise NoMicrophone("no microphone: the PortAudio library is missing (Debian: libportaudio2)") from exc
    except ImportError as exc:
        raise NoMicrophone("no microphone support: the sounddevice package is not installed") from exc
    return sounddevice


def microphone_problem() -> str | None:
    """Why listening cannot work here, or None when an input device is there."""
    try:
        sd = _sounddevice()
        sd.query_devices(kind="input")
    except NoMicrophone as exc:
        return str(exc)
    except Exception as exc:  # sounddevice raises PortAudioError or ValueError for "no device"
        return f"no microphone found ({exc})"
    return None


class Microphone:
    """start() opens the input stream, stop() closes it and hands back what it heard."""

    def __init__(self, device: int | str | None = None, max_seconds: float = MAX_SECONDS) -> None:
        self.device = device
        self.max_seconds = max_seconds
        self.rate = SAMPLE_RATE
        self._stream = None
        self._chunks: list[np.ndarray] = []
        self._count = 0

    @property
    def listening(self) -> bool:
        return self._stream is not None

    def start(self) -> None:
        if self._stream is not None:
            return
        problem = microphone_problem()
        if problem:
            raise NoMicrophone(problem)
        self._chunks, self._count = [], 0
        self._stream = self._open(_sounddevice())

    def _open(self, sd):
        try:
            stream = self._stream_at(sd, SAMPLE_RATE)
        except Exception:  # the device may not do 16 kHz: record at its own rate, resample later
            rate = int(sd.query_devices(self.device, kind="input")["default_samplerate"])
            try:
                stream = self._stream_at(sd, rate)
            except Exception as exc:
                raise NoMicrophone(f"the microphone cannot be opened: {exc}") from exc
        stream.start()
        return stream

    def _stream_at(self, sd, rate: int):
        stream = sd.InputStream(samplerate=rate, channels=1, dtype="int16", device=self.device,
                                callback=self._on_audio)
        self.rate = rate
        return stream

    def _on_audio(self, indata, frames, _time, status) -> None:  # PortAudio's thread
        if status:
            log.debug("microphone: %s", status)
        if self._count < self.max_seconds * self.rate:
            self._chunks.append(indata[:, 0].copy())
            self._count += frames

    def stop(self) -> np.ndarray:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()
        chunks, self._chunks = self._chunks, []
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


class PushToTalk:
    """press() starts listening; release() stops and decodes in a worker thread, then calls
    on_result(Recognition) or on_error(message) from that thread. `microphone` is anything with
    start(), stop() -> samples and a `rate` (a WAV stands in for it in the tests)."""

    def __init__(self, on_result: Callable[[Recognition], None], on_error: Callable[[str], None],
                 microphone=None, recognizer: Recognizer | None = None) -> None:
        self.on_result, self.on_error = on_result, on_error
        self.microphone = microphone if microphone is not None else Microphone()
        self._recognizer = recognizer
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []

    @property
    def listening(self) -> bool:
        return bool(getattr(self.microphone, "listening", False))

    def press(self) -> bool:
        """True when the microphone opened; otherwise on_error has been told why."""
        try:
            self.microphone.start()
        except NoMicrophone as exc:
            self.on_error(str(exc))
            return False
        return True

    def release(self) -> threading.Thread | None:
        if not self.listening:
            return None
        samples = self.microphone.stop()
        worker = threading.Thread(target=self._decode, args=(samples, self.microphone.rate),
                                  name="voice", daemon=True)
        self._workers = [w for w in self._workers if w.is_alive()] + [worker]
        worker.start()
        return worker

    def close(self, timeout: float = 5.0) -> None:
        if self.listening:
            self.microphone.stop()
        for worker in self._workers:
            worker.join(timeout)

    def _decode(self, samples: np.ndarray, rate: int) -> None:
        if samples.size < rate * 0.1:
            self.on_error("nothing heard: hold the key while you speak")
            return
        try:
            with self._lock:  # one decoder, built on first use (it takes a moment)
                if self._recognizer is None:
                    self._recognizer = Recognizer()
                recognizer = self._recognizer
            self.on_result(recognizer.recognize(samples, rate))
        except (VoiceError, RuntimeError, ValueError) as exc:
            self.on_error(f"voice recognition failed: {exc}")
