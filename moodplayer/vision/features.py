"""What calibration reads from the emotion model besides its probabilities: the
logits and the penultimate-layer embedding of a face crop.

The shipped model has one output (int8 softmax probabilities). Its global-average
pool ("gap", 256 values) and the dense layer's output (the logits) are read as
intermediate tensors, which LiteRT keeps only with experimental_preserve_all_tensors
(measured: 0.22 ms per crop against 0.21 ms without). A model with an output named
like "embedding" or "logits" is read from that output instead; a model with neither
falls back to log-probabilities for both.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from moodplayer.vision.classifier import EmotionClassifier, _dequantize
from moodplayer.vision.runtime import interpreter_class

EMBEDDING_NAMES = ("embedding", "gap")
LOGIT_NAMES = ("logits", "probs_1/biasadd", "probs/biasadd")
LOG_FLOOR = 1e-4  # log-probabilities are taken of probabilities clipped here


@dataclass
class Reading:
    """One crop as the model saw it: probabilities, logits, embedding (float32)."""

    probs: np.ndarray
    logits: np.ndarray
    embedding: np.ndarray


@lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_sha256(path: str | Path) -> str:
    """sha256 of a model file: the version stamp of profiles and reference statistics."""
    stat = Path(path).stat()
    return _sha256(str(Path(path).resolve()), stat.st_size, stat.st_mtime)


class FeatureClassifier(EmotionClassifier):
    """An EmotionClassifier whose read(face) also returns logits and the embedding.

    predict() is the base class's, on the same model, so its outputs are today's.
    """

    def __init__(self, model_path: str | Path | None = None, num_threads: int = 1):
        super().__init__(model_path, num_threads)
        with warnings.catch_warnings():
            # LiteRT warns that keeping intermediate tensors costs memory: here it is
            # the activations of one 48x48 crop (about 200 KB), measured above.
            warnings.simplefilter("ignore", UserWarning)
            self._interp = interpreter_class()(model_path=str(self.model_path), num_threads=num_threads,
                                               experimental_preserve_all_tensors=True)
        self._interp.allocate_tensors()
        self._input = self._interp.get_input_details()[0]
        self._output = self._interp.get_output_details()[0]
        self.sha256 = model_sha256(self.model_path)
        self._embedding = _find_tensor(self._interp, EMBEDDING_NAMES, exclude=self._output["index"])
        self._logits = _find_tensor(self._interp, LOGIT_NAMES, exclude=self._output["index"], size=7)
        self.embedding_kind = "log_probs" if self._embedding is None else self._embedding["name"]

    def read(self, face: np.ndarray) -> Reading:
        """face: (48, 48) uint8 grey. probs are predict(face): the intermediate tensors
        of that same invocation are read after it."""
        probs = self.predict(face)
        log_probs = np.log(np.maximum(probs, LOG_FLOOR)).astype(np.float32)
        return Reading(probs, self._value(self._logits, log_probs), self._value(self._embedding, log_probs))

    def _value(self, detail, fallback: np.ndarray) -> np.ndarray:
        if detail is None:
            return fallback
        return _dequantize(self._interp.get_tensor(detail["index"]).reshape(-1), detail).astype(np.float32)


def _find_tensor(interp, names: tuple[str, ...], exclude: int, size: int | None = None):
    """An output named like one of `names`, else an intermediate (1, N) tensor so named."""
    outputs = [d for d in interp.get_output_details() if d["index"] != exclude]
    tensors = [d for d in interp.get_tensor_details() if d["index"] != exclude]
    for candidates in (outputs, tensors):
        for name in names:
            for detail in candidates:
                shape = tuple(detail["shape"])
                if (len(shape) == 2 and shape[0] == 1 and (size is None or shape[1] == size)
                        and name in detail["name"].lower()):
                    return detail
    return None
