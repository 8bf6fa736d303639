"""The mood goal: match the mood (the mapping's queue), lift it, or calm it.

Lift and calm start with the mapping's first pick, close to the mood, then step the queue's
brightness toward the far end over the next few songs, one target level per song. Brightness
comes from the measured energy and tempo and the buckets' feel; what the user skipped or
finished while that goal was on moves a track up or down the choice (per goal).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING

from moodplayer.emotions import Emotion
from moodplayer.playback.queue import Queue, QueueItem

if TYPE_CHECKING:
    from moodplayer.library.records import Track


class Goal(str, Enum):
    MATCH = "match"
    LIFT = "lift"
    CALM = "calm"

    @classmethod
    def parse(cls, value: str | Goal) -> Goal:
        try:
            return cls(str(getattr(value, "value", value)).strip().lower())
        except ValueError:
            raise ValueError(f"unknown goal {value!r}: choose match, lift or calm") from None


STEPS = 5  # songs over which the queue moves from the mood to the goal
APPLIES = {
    Goal.LIFT: {Emotion.SAD, Emotion.FEAR, Emotion.ANGRY},
    Goal.CALM: {Emotion.ANGRY, Emotion.SURPRISE, Emotion.HAPPY},
}
WORDS = {Goal.LIFT: ("lifting", "brighter", "lifted"), Goal.CALM: ("calming", "calmer", "calmed")}
# How bright each bucket feels, for tracks with no measurement.
BUCKET_BRIGHTNESS = {"upbeat": 0.85, "rap": 0.75, "calm": 0.2, "instrumental": 0.3, "devotional": 0.3}
LEARN_STEP = {"completed": 0.25, "skipped": -0.5}
WEIGHT_LIMIT = 2.0
WEIGHT_PULL = 0.08  # how far (in brightness) one unit of learned weight moves a track's cost
MIN_STEP = 0.1  # the far end must be at least this much brighter (calmer) than the start


def brightness(track: Track) -> float | None:
    """0 (calm, slow, quiet) .. 1 (bright, fast, energetic); None when nothing is known."""
    parts = []
    energy = getattr(track, "energy", None)
    if energy is not None:
        parts.append((0.5, min(max(float(energy), 0.0), 1.0)))
    tempo = getattr(track, "tempo", None) or getattr(track, "bpm", None)
    if tempo:
        parts.append((0.2, min(max((float(tempo) - 60.0) / 120.0, 0.0), 1.0)))
    feel = [BUCKET_BRIGHTNESS[b] for b in (getattr(track, "buckets", None) or {}) if b in BUCKET_BRIGHTNESS]
    if feel:
        parts.append((0.3, sum(feel) / len(feel)))
    if not parts:
        return None
    return sum(w * v for w, v in parts) / sum(w for w, _ in parts)


def learn(weights: dict[str, float], path: str, event: str) -> float:
    """Apply a skip or completion to a goal's weight table; returns the track's new weight."""
    step = LEARN_STEP.get(event)
    value = weights.get(path, 0.0)
    if step is not None:
        value = min(max(value + step, -WEIGHT_LIMIT), WEIGHT_LIMIT)
        weights[path] = value
    return value


def with_goal(base: Queue, settings, candidates: Sequence[Track], size: int = 20) -> Queue:
    """`base` reshaped for Settings.goal (unchanged for match), with the goal's learned weights."""
    try:
        goal = Goal.parse(getattr(settings, "goal", "match"))
    except ValueError:
        return base
    if goal is Goal.MATCH or not base.items:
        return base
    from moodplayer.moods.diary import goal_weights

    return goal_queue(goal, base.emotion, candidates, base, weights=goal_weights(goal.value), size=size)


def goal_queue(goal: Goal | str, emotion: Emotion | str, candidates: Sequence[Track], base: Queue,
               weights: Mapping[str, float] | None = None, steps: int = STEPS, size: int = 20) -> Queue:
    """The queue for `goal`: `base` (the mapping's queue) as it is for match, or reordered from
    `candidates` toward brighter (lift) or calmer (calm) tracks, each with its reason."""
    goal = Goal.parse(goal)
    emotion = emotion if isinstance(emotion, Emotion) else Emotion.parse(str(emotion))
    if goal is Goal.MATCH:
        return base
    verb = WORDS[goal][0]
    if emotion not in APPLIES[goal]:
        return _noted(base, f"{verb} is for {_names(APPLIES[goal])}; {emotion.label} is matched")
    pool = _usable(candidates)
    start = _start(base, pool)
    if start is None:
        return _noted(base, f"{verb}: no track has energy, tempo or a bucket to go by; matching the mood")
    far = max(pool.values()) if goal is Goal.LIFT else min(pool.values())
    if abs(far - pool[start.path]) < MIN_STEP:
        word = WORDS[goal][1]
        return _noted(base, f"nothing {word} in the library than {start.display_title!r}; matching the mood")
    return Queue(emotion, _walk(goal, start, pool, candidates, weights or {}, steps, size))


def _walk(goal, start, pool, candidates, weights, steps, size) -> list[QueueItem]:
    verb, word, done = WORDS[goal]
    by_path = {t.path: t for t in candidates}
    level, far = pool[start.path], (max(pool.values()) if goal is Goal.LIFT else min(pool.values()))
    first = f"{verb}: 1 of {steps}, close to the mood ({_detail(start, level)})"
    items = [QueueItem(start, _bucket(start), first)]
    left = {p: b for p, b in pool.items() if p != start.path}
    current, direction = level, (1 if goal is Goal.LIFT else -1)
    for number in range(2, size + 1):
        if not left:
            break
        share = min(number - 1, steps - 1) / max(steps - 1, 1)
        target = level + (far - level) * share
        # Never step back toward the mood while tracks further on remain.
        ahead = [p for p in left if (left[p] - current) * direction >= 0] or list(left)
        path = min(ahead, key=lambda p: abs(left[p] - target) - WEIGHT_PULL * weights.get(p, 0.0))
        track, current = by_path[path], left.pop(path)
        where = f"{verb}: {number} of {steps} → {word}" if number <= steps else f"{done}: staying {word}"
        items.append(QueueItem(track, _bucket(track), f"{where} ({_detail(track, current)})"))
    return items


def _usable(candidates: Sequence[Track]) -> dict[str, float]:
    pool = {}
    for track in candidates:
        if getattr(track, "missing", False) or getattr(track, "unplayable", None):
            continue
        if getattr(track, "music", None) is False:
            continue
        value = brightness(track)
        if value is not None:
            pool[track.path] = value
    return pool


def _start(base: Queue, pool: dict[str, float]):
    for item in base:
        if item.track.path in pool:
            return item.track
    return None


def _noted(base: Queue, note: str) -> Queue:
    items = [QueueItem(i.track, i.bucket, f"{i.reason} ({note})") for i in base]
    return Queue(base.emotion, items, note if not base.note else f"{base.note}; {note}")


def _bucket(track: Track) -> str:
    buckets = getattr(track, "buckets", None) or {}
    return next(iter(buckets), "mix")


def _detail(track: Track, value: float) -> str:
    bits = [f"brightness {value:.2f}"]
    energy = getattr(track, "energy", None)
    if energy is not None:
        bits.append(f"energy {float(energy):.2f}")
    tempo = getattr(track, "tempo", None) or getattr(track, "bpm", None)
    if tempo:
        bits.append(f"{float(tempo):.0f} BPM")
    return ", ".join(bits)


def _names(emotions) -> str:
    labels = sorted(e.label for e in emotions)
    return ", ".join(labels[:-1]) + " or " + labels[-1]
