"""Turns per-frame emotion probabilities into a stable mood.

Three guards against flapping: exponential smoothing with a time constant in
seconds (so 10 and 30 fps behave alike), a margin the challenger must lead the
current mood by (hysteresis), and a dwell time it must keep that lead for.
Without a face the mood holds for a while, then becomes unknown (None).
"""

from __future__ import annotations

import math

import numpy as np

from moodplayer.emotions import Emotion

NUM_CLASSES = len(Emotion)


class MoodTracker:
    """update(probs or None, t) once per frame; read .mood and .smoothed.

    Defaults confirm a clean change in about 3 s: ~0.5 s for the smoothed
    probabilities to cross with the margin, then `dwell_seconds`.
    """

    def __init__(self, dwell_seconds: float = 2.5, time_constant: float = 0.6, margin: float = 0.1,
                 face_grace_seconds: float = 1.0, unknown_after_seconds: float = 5.0):
        self.dwell_seconds = dwell_seconds
        self.time_constant = time_constant
        self.margin = margin
        self.face_grace_seconds = face_grace_seconds
        self.unknown_after_seconds = unknown_after_seconds
        self.reset()

    def reset(self) -> None:
        self.mood: Emotion | None = None
        self.smoothed: np.ndarray | None = None
        self.candidate: Emotion | None = None
        self._candidate_since = 0.0
        self._last_t: float | None = None
        self._last_face_t: float | None = None

    def update(self, probs: np.ndarray | None, t: float) -> bool:
        """Feed one frame (probs of the followed face, or None when no face) at
        time t in seconds. Returns True when .mood changed with this frame."""
        if probs is None:
            return self._no_face(t)
        probs = np.asarray(probs, dtype=np.float32).reshape(NUM_CLASSES)
        if self.smoothed is None:
            self.smoothed = probs.copy()
        else:
            dt = max(0.0, t - self._last_t)
            self.smoothed += (1.0 - math.exp(-dt / self.time_constant)) * (probs - self.smoothed)
        self._last_t = self._last_face_t = t
        return self._challenge(t)

    def _challenge(self, t: float) -> bool:
        leader = Emotion(int(np.argmax(self.smoothed)))
        leads = leader != self.mood and (
            self.mood is None or self.smoothed[leader] >= self.smoothed[self.mood] + self.margin)
        if not leads:
            self.candidate = None
            return False
        if leader != self.candidate:
            self.candidate, self._candidate_since = leader, t
        if t - self._candidate_since < self.dwell_seconds:
            return False
        self.mood, self.candidate = leader, None
        return True

    def _no_face(self, t: float) -> bool:
        if self._last_face_t is None:
            return False
        away = t - self._last_face_t
        if away > self.face_grace_seconds:
            # A challenger must show itself continuously; a long gap starts it over.
            self.candidate = None
        if away < self.unknown_after_seconds:
            return False
        changed = self.mood is not None
        self.reset()
        return changed
