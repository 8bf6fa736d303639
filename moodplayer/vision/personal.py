"""The app's one calibration profile, shared by the vision thread (whose classifier
applies it) and the GUI (the calibration dialog and "that's not my mood" teach it).

Qt-free and thread-safe: teaching takes a lock, builds a new Adapter and swaps it in
with one assignment, so the vision thread never sees half an update. The profile is
written after every change (means only; see calibration.py).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from moodplayer.emotions import Emotion
from moodplayer.vision.calibration import (
    STORED,
    CalibratedClassifier,
    Profile,
    default_profile_path,
    load_profile,
    save_profile,
)
from moodplayer.vision.features import Reading

log = logging.getLogger(__name__)
FRESH_SECONDS = 1.0


class PersonalCalibration:
    """make_classifier() in the vision thread; teach()/reset()/counts() from anywhere."""

    stored = STORED

    def __init__(self, path: str | Path | None = None, model_path: str | Path | None = None):
        self.path = Path(path) if path else default_profile_path()
        self.model_path = model_path
        self.message = ""  # why a profile on disk was not used, for a banner
        self._lock = threading.Lock()
        self._classifier: CalibratedClassifier | None = None

    def make_classifier(self, num_threads: int = 1) -> CalibratedClassifier:
        """The classifier for a new pipeline, with the saved profile (or none) applied."""
        classifier = CalibratedClassifier(self.model_path, num_threads=num_threads)
        with self._lock:
            if self._classifier is not None:
                classifier.profile = self._classifier.profile
            elif self.path.exists():
                profile, self.message = load_profile(self.path, classifier.model)
                if profile is not None:
                    classifier.profile = profile
                else:
                    log.warning("%s", self.message)
            self._classifier = classifier
        return classifier

    @property
    def ready(self) -> bool:
        """A classifier exists (the camera has run), so there are readings to learn from."""
        return self._classifier is not None

    def latest_reading(self, max_age: float = FRESH_SECONDS) -> Reading | None:
        """The face the vision thread classified last, if that was under max_age seconds ago:
        a face seen before the camera stopped or the user left is not "the current face"."""
        classifier = self._classifier
        latest = None if classifier is None else classifier.latest
        if latest is None or time.monotonic() - latest[1] > max_age:
            return None
        return latest[0]

    def teach(self, emotion: Emotion, readings: list[Reading]) -> bool:
        """Add readings as samples of `emotion` and save. False when nothing was taught
        (no camera yet or no readings) or the profile could not be written."""
        if not readings or self._classifier is None:
            return False
        with self._lock:
            profile = self._classifier.profile
            for reading in readings:
                profile.add(Emotion(emotion), reading)
            self._classifier.refresh()
            return self._save(profile)

    def reset(self) -> bool:
        """Forget every sample: the profile file goes, the model is today's again."""
        with self._lock:
            if self._classifier is not None:
                self._classifier.profile.reset()
                self._classifier.refresh()
            try:
                self.path.unlink(missing_ok=True)
            except OSError as exc:
                self.message = f"cannot remove {self.path}: {exc}"
                return False
        return True

    def counts(self) -> dict[str, int]:
        """Samples per emotion label (all 0 before the camera ran and with no profile)."""
        classifier = self._classifier
        if classifier is not None:
            return classifier.profile.sample_counts()
        empty = Profile("", "", 0).sample_counts()
        if not self.path.exists():
            return empty
        try:
            import json

            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {**empty, **{k: int(v["count"]) for k, v in data["classes"].items() if k in empty}}
        except (OSError, ValueError, KeyError, TypeError):
            return empty

    def adapted(self, reading: Reading):
        """Probabilities for a reading with the current profile (the dialog's "after")."""
        return self._classifier.adapter.apply(reading)

    def _save(self, profile: Profile) -> bool:
        try:
            save_profile(profile, self.path)
        except OSError as exc:
            self.message = f"cannot write the calibration profile {self.path}: {exc}"
            log.error("%s", self.message)
            return False
        return True
