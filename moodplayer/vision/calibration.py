"""Personal calibration: adapts the emotion model to one user's face from a few samples.

What is stored (calibration.json in the data dir, nothing else): per emotion the user
gave samples of, their count, the mean of the model's logits (7 numbers) and the mean
of its penultimate-layer embedding (256 numbers), plus the sha256 of the model file
they came from. No frame, no crop, no single reading is kept: a profile from another
model is ignored with a message.

The adaptation, with N samples in all, n_c of emotion c, n of them neutral:
1. The user's resting face shifts everything: g = n/(n + SHRINK); logits get
   g * (reference neutral logits - user neutral logits) added, and the class
   prototypes (reference class means of the embedding) move by
   g * (user neutral embedding - reference neutral embedding).
2. Prototypes of emotions the user gave samples of move to the user's own mean,
   by n_c / (n_c + SHRINK).
3. Nearest-class-mean logits -|embedding - prototype|^2 / TEMPERATURE are blended
   with the shifted model logits by w = N / (N + BLEND_HALF); softmax gives the
   probabilities. With no samples the model's own probabilities come back unchanged.
The constants were chosen on the JAFFE dev subjects (models/MODEL_CARD.md, "Personal
calibration"). Without the model's reference statistics (reference.py) only step 2's
user means are used, as a nudge to the model's logits.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from moodplayer.emotions import LABELS, Emotion
from moodplayer.vision.classifier import EmotionClassifier, crop_face
from moodplayer.vision.features import FeatureClassifier, Reading
from moodplayer.vision.reference import Reference, load_reference

FORMAT = 1
SHRINK = 0.5
BLEND_HALF = 1.0
TEMPERATURE = 0.3
NEUTRAL = int(Emotion.NEUTRAL)
STORED = "per emotion: sample count, mean logits (7 numbers), mean embedding (256 numbers); no images"


class ProfileError(ValueError):
    """A profile that cannot be used; the message is meant for the user."""


class Profile:
    """Per-emotion sample counts and mean logits/embeddings for one model file."""

    def __init__(self, model_sha256: str, embedding_kind: str, embedding_size: int):
        self.model_sha256 = model_sha256
        self.embedding_kind = embedding_kind
        self.counts = np.zeros(7, np.int64)
        self.logits = np.zeros((7, 7), np.float64)
        self.embedding = np.zeros((7, embedding_size), np.float64)

    @classmethod
    def for_classifier(cls, classifier: FeatureClassifier) -> Profile:
        size = classifier.read(np.zeros((48, 48), np.uint8)).embedding.size
        return cls(classifier.sha256, classifier.embedding_kind, size)

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def add(self, emotion: Emotion, reading: Reading) -> None:
        """One sample: the running means take it in, the reading itself is not kept."""
        c = int(emotion)
        self.counts[c] += 1
        self.logits[c] += (reading.logits - self.logits[c]) / self.counts[c]
        self.embedding[c] += (reading.embedding - self.embedding[c]) / self.counts[c]

    def reset(self) -> None:
        self.counts[:] = 0
        self.logits[:] = 0
        self.embedding[:] = 0

    def sample_counts(self) -> dict[str, int]:
        return {label: int(n) for label, n in zip(LABELS, self.counts, strict=True)}

    def to_dict(self) -> dict:
        classes = {LABELS[c]: {"count": int(self.counts[c]),
                               "logits_mean": [round(float(v), 5) for v in self.logits[c]],
                               "embedding_mean": [round(float(v), 5) for v in self.embedding[c]]}
                   for c in range(7) if self.counts[c]}
        return {"format": FORMAT, "model_sha256": self.model_sha256, "embedding": self.embedding_kind,
                "stored": STORED, "classes": classes}

    @classmethod
    def from_dict(cls, data: dict, embedding_size: int) -> Profile:
        try:
            profile = cls(str(data["model_sha256"]), str(data["embedding"]), embedding_size)
            for label, entry in data["classes"].items():
                c = int(Emotion.parse(label))
                count, logits, embedding = int(entry["count"]), entry["logits_mean"], entry["embedding_mean"]
                if count < 1 or len(logits) != 7 or len(embedding) != embedding_size:
                    raise ValueError(f"{label}: wrong count or sizes")
                profile.counts[c], profile.logits[c], profile.embedding[c] = count, logits, embedding
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProfileError(f"not a calibration profile ({exc})") from None
        return profile


def default_profile_path() -> Path:
    from moodplayer.config import data_dir

    return data_dir() / "calibration.json"


def save_profile(profile: Profile, path: str | Path) -> Path:
    """Written to a temp file beside `path`, then renamed: a crash leaves the old one."""
    from moodplayer.config import write_json_atomic

    write_json_atomic(Path(path), profile.to_dict())
    return Path(path)


def load_profile(path: str | Path, classifier: FeatureClassifier) -> tuple[Profile | None, str]:
    """(profile, "") when usable with this classifier's model, else (None, why)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"no calibration profile at {path}"
    except (OSError, ValueError) as exc:
        return None, f"cannot read calibration profile {path}: {exc}"
    if not isinstance(data, dict):
        return None, f"{path} is not a calibration profile"
    if data.get("model_sha256") != classifier.sha256:
        return None, (f"calibration profile {path} was made for another model file "
                      f"({str(data.get('model_sha256'))[:12]}…, this one is {classifier.sha256[:12]}…); "
                      "ignored: calibrate again")
    size = classifier.read(np.zeros((48, 48), np.uint8)).embedding.size
    try:
        return Profile.from_dict(data, size), ""
    except ProfileError as exc:
        return None, f"{path}: {exc}"


class Adapter:
    """apply(reading) -> calibrated probabilities; built once per profile change."""

    def __init__(self, profile: Profile, reference: Reference | None):
        self.total = profile.total
        self.weight = self.total / (self.total + BLEND_HALF)
        counts = profile.counts.astype(np.float64)
        own = counts / (counts + SHRINK)
        self.bias = np.zeros(7, np.float32)
        if reference is None:
            self.sampled = counts > 0
            self.prototypes = profile.embedding.astype(np.float32)
            return
        self.sampled = np.ones(7, bool)
        shift = np.zeros(profile.embedding.shape[1])
        if counts[NEUTRAL]:
            g = own[NEUTRAL]
            self.bias = (g * (reference.logits[NEUTRAL] - profile.logits[NEUTRAL])).astype(np.float32)
            shift = g * (profile.embedding[NEUTRAL] - reference.embedding[NEUTRAL])
        prototypes = reference.embedding + shift
        prototypes += own[:, None] * (profile.embedding - prototypes)
        self.prototypes = prototypes.astype(np.float32)

    def apply(self, reading: Reading) -> np.ndarray:
        if not self.total:
            return reading.probs
        distance = np.square(reading.embedding[None, :] - self.prototypes).sum(axis=1)
        nearest = -distance / TEMPERATURE
        if self.sampled.all():
            z = (1.0 - self.weight) * (reading.logits + self.bias) + self.weight * nearest
        else:
            nudge = np.where(self.sampled, nearest - nearest[self.sampled].mean(), 0.0)
            z = reading.logits + self.weight * nudge
        z = np.exp(z - z.max())
        return (z / z.sum()).astype(np.float32)


class CalibratedClassifier:
    """The EmotionClassifier surface (predict, classify, model_path) with a profile applied.

    With profile None or empty, predict() is the plain model's. last_reading is the
    newest crop's reading, for a correction to add as a sample.
    """

    def __init__(self, model_path: str | Path | None = None, profile: Profile | None = None,
                 num_threads: int = 1):
        self.model = FeatureClassifier(model_path, num_threads)
        self.model_path = self.model.model_path
        size = self.model.read(np.zeros((48, 48), np.uint8)).embedding.size
        self.reference = load_reference(self.model_path, size)
        self.latest: tuple[Reading, float] | None = None  # newest reading, time.monotonic() of it
        self.profile = profile if profile is not None else Profile.for_classifier(self.model)

    @property
    def profile(self) -> Profile:
        return self._profile

    @profile.setter
    def profile(self, profile: Profile) -> None:
        if profile.model_sha256 != self.model.sha256:
            raise ProfileError("this calibration profile was made for another model file")
        self._profile = profile
        self.adapter = Adapter(profile, self.reference)

    def refresh(self) -> None:
        """Take in samples added to the profile since it was set."""
        self.adapter = Adapter(self._profile, self.reference)

    def read(self, face: np.ndarray) -> Reading:
        reading = self.model.read(face)
        self.latest = (reading, time.monotonic())  # one assignment: other threads see both or neither
        return reading

    @property
    def last_reading(self) -> Reading | None:
        latest = self.latest
        return None if latest is None else latest[0]

    def predict(self, face: np.ndarray) -> np.ndarray:
        return self.adapter.apply(self.read(face))

    def classify(self, frame_bgr: np.ndarray, box, eyes=None) -> np.ndarray:
        return self.predict(crop_face(frame_bgr, box, eyes))


def open_classifier(profile_path: str | Path | None, model_path: str | Path | None = None,
                    num_threads: int = 1) -> tuple[CalibratedClassifier, str]:
    """A classifier with the profile at profile_path applied, and a message when it
    could not be used (the classifier then runs the plain model)."""
    classifier = CalibratedClassifier(model_path, num_threads=num_threads)
    if profile_path is None:
        return classifier, ""
    profile, message = load_profile(profile_path, classifier.model)
    if profile is not None:
        classifier.profile = profile
    return classifier, message


def adapt_time_ms(repeats: int = 2000) -> float:
    """Median milliseconds a profile (with every emotion) adds per face: the calibrated
    predict (extra tensor reads + adaptation) against the plain model's, interleaved."""
    calibrated, plain = CalibratedClassifier(), EmotionClassifier(num_threads=1)
    rng = np.random.default_rng(0)
    faces = rng.integers(0, 256, (8, 48, 48), dtype=np.uint8)
    add_samples(calibrated, faces, [Emotion(i % 7) for i in range(len(faces))])
    extra = []
    for index in range(repeats):
        face = faces[index % len(faces)]
        start = time.perf_counter()
        plain.predict(face)
        middle = time.perf_counter()
        calibrated.predict(face)
        extra.append((time.perf_counter() - middle) - (middle - start))
    return round(float(np.median(extra)) * 1e3, 4)


def add_samples(classifier: CalibratedClassifier, crops, emotions) -> list[Reading]:
    """Teach the profile labelled 48x48 crops (the dialog's and `calibrate`'s one path).
    Returns the readings for summary(); nothing of them is stored but the means."""
    readings = []
    for crop, emotion in zip(crops, emotions, strict=True):
        reading = classifier.read(crop)
        classifier.profile.add(Emotion(int(emotion)), reading)
        readings.append(reading)
    classifier.refresh()
    return readings


def summary(classifier: CalibratedClassifier, readings: list[Reading], emotions) -> dict:
    """Per emotion taught: how its samples read before (plain model) and after calibration,
    as {"samples": n, "before": {label: share}, "after": {label: share}} (top 3 shares)."""
    report = {}
    emotions = np.array([int(e) for e in emotions])
    for c in sorted(set(emotions.tolist())):
        chosen = [r for r, e in zip(readings, emotions, strict=True) if e == c]
        before = [int(np.argmax(r.probs)) for r in chosen]
        after = [int(np.argmax(classifier.adapter.apply(r))) for r in chosen]
        report[LABELS[c]] = {"samples": len(chosen), "before": _shares(before), "after": _shares(after)}
    return report


def describe_summary(report: dict) -> list[str]:
    """"your resting face read as sad 41 % of the time; now neutral 100 %" lines."""
    lines = []
    for label, entry in report.items():
        before, after = next(iter(entry["before"].items())), next(iter(entry["after"].items()))
        face = "resting face" if label == "neutral" else f"{label} face"
        lines.append(f"your {face} read as {before[0]} {before[1]:.0%} of the time; "
                     f"now {after[0]} {after[1]:.0%} ({entry['samples']} samples)")
    return lines


def _shares(predicted: list[int]) -> dict[str, float]:
    counts = np.bincount(predicted, minlength=7) / max(1, len(predicted))
    order = np.argsort(-counts, kind="stable")[:3]
    return {LABELS[i]: round(float(counts[i]), 3) for i in order if counts[i] > 0}
