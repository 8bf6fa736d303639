"""The mood policy: which of the user's tracks play for an emotion, in what order, and why.

Targets come from Settings.mapping: a library bucket ("devotional"), or one of two
history-based picks: "favourites" (starred, then most completed / least skipped) and
"new" (never played). Within a target the order is a shuffle weighted by what the
user taught us for that emotion (completions raise a track's weight, skips lower it).
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from moodplayer.emotions import Emotion
from moodplayer.library.buckets import BUCKETS
from moodplayer.library.language import language_weight
from moodplayer.moods.goals import with_goal
from moodplayer.playback.queue import Queue, QueueItem

if TYPE_CHECKING:
    from moodplayer.config import Settings
    from moodplayer.library.store import Store, Track

FAVOURITES, NEW = "favourites", "new"
RECENT_SECONDS = 3600.0
# Where an empty bucket's listeners go instead, closest feel first.
FALLBACKS = {
    "upbeat": ("rap", "calm", "instrumental"),
    "rap": ("upbeat", "calm", "instrumental"),
    "calm": ("instrumental", "devotional", "upbeat"),
    "devotional": ("instrumental", "calm"),
    "instrumental": ("calm", "devotional"),
}
ANGRY_CHOICES = {"upbeat": ["upbeat"], "rap": ["rap"], "both": ["upbeat", "rap"]}
LEARN_STEP = {"completed": 0.25, "skipped": -0.5}
ARTIST_GAP = 2  # no artist twice within this many consecutive tracks, where the pool allows


def as_emotion(emotion: Emotion | str) -> Emotion:
    """Moods are `Emotion` inside the core; labels ("fear") only at its edges."""
    return emotion if isinstance(emotion, Emotion) else Emotion.parse(emotion)


def emotion_label(emotion: Emotion | str) -> str:
    return as_emotion(emotion).label


def targets_for(emotion: Emotion | str, settings: Settings) -> list[str]:
    """What the settings say `emotion` plays. Angry has one source, Settings.angry_plays
    (the settings dialog writes mapping["angry"] from it; it is never read here)."""
    emotion = as_emotion(emotion)
    if emotion == Emotion.ANGRY:
        return list(ANGRY_CHOICES.get(settings.angry_plays, ANGRY_CHOICES["both"]))
    known = (*BUCKETS, FAVOURITES, NEW)
    return [t for t in settings.mapping.get(emotion.label, []) if t in known]


def build_queue(store: Store, emotion: Emotion | str, settings: Settings, size: int = 20,
                now: float | None = None, rng: random.Random | None = None,
                folder: str | os.PathLike | None = None) -> Queue:
    """Up to `size` tracks for `emotion` (from under `folder` only, when given)."""
    emotion = as_emotion(emotion)
    label = emotion.label
    picker = _Picker(store, label, now if now is not None else time.time(), rng or random.Random(), folder)
    picker.tracks = [t for t in picker.tracks if not _not_music(t)]
    _prefer_languages(picker, settings)
    targets = targets_for(emotion, settings)
    if not picker.tracks:
        return Queue(emotion, [], "the library has no playable tracks yet")
    first = targets[0] if targets else None
    if first == FAVOURITES:
        groups, note = picker.favourites()
    elif first == NEW:
        groups, note = picker.new()
    elif first in BUCKETS:
        groups, note = picker.buckets([t for t in targets if t in BUCKETS])
    else:
        groups = [picker.mix(f"{label} → mix (nothing set for {label})")]
        note = f"nothing is set for {label} in the settings; playing a mix"
    return with_goal(Queue(emotion, picker.finish(groups, size), note), settings, picker.tracks, size)


def learn(store: Store, track_id: int, emotion: Emotion | str, event: str) -> float | None:
    """Completions raise and skips lower the track's weight for `emotion`; None for other events."""
    step = LEARN_STEP.get(event)
    return None if step is None else store.adjust_emotion_weight(track_id, emotion_label(emotion), step)


def bucket_reason(track: Track, bucket: str) -> str:
    """The store's reason without its trailing "→ bucket", which the queue reason already says."""
    reason = track.buckets.get(bucket, "")
    return reason.removesuffix(f" → {bucket}")


class _Picker:
    """Candidate groups for one emotion; `finish` turns them into the queue order."""

    def __init__(self, store: Store, label: str, now: float, rng: random.Random,
                 folder: str | os.PathLike | None):
        self.label, self.now, self.rng = label, now, rng
        self.tracks = [t for t in store.tracks(folder=folder) if not t.unplayable]
        self.weights = store.emotion_weights(label)

    def in_bucket(self, bucket: str) -> list[Track]:
        return [t for t in self.tracks if bucket in t.buckets]

    def shuffled(self, tracks: Iterable[Track]) -> list[Track]:
        """Weighted random order (Efraimidis–Spirakis): weight 2 comes first about twice as often."""
        keyed = [(self.rng.random() ** (1.0 / self.weights.get(t.id, 1.0)), t) for t in tracks]
        return [t for _, t in sorted(keyed, key=lambda kt: kt[0], reverse=True)]

    def bucket_items(self, buckets: Sequence[str], head: str) -> list[QueueItem]:
        """Tracks in any of `buckets` (the first holding a track names it) in one weighted shuffle;
        `head` is the reason's start, with {bucket} filled in."""
        owner: dict[int, str] = {}
        tracks = []
        for bucket in buckets:
            for track in self.in_bucket(bucket):
                if track.id not in owner:
                    owner[track.id] = bucket
                    tracks.append(track)
        return [QueueItem(t, owner[t.id], f"{head.format(bucket=owner[t.id])}: "
                                          f"{bucket_reason(t, owner[t.id])}")
                for t in self.shuffled(tracks)]

    def buckets(self, targets: Sequence[str]) -> tuple[list[list[QueueItem]], str | None]:
        wanted = [t for t in targets if t in BUCKETS]
        items = self.bucket_items(wanted, f"{self.label} → {{bucket}}")
        if items:
            return [items], None
        missing = " or ".join(wanted)
        fallbacks = [b for b in FALLBACKS.get(wanted[0], ()) if b not in wanted]
        for fallback in fallbacks:
            items = self.bucket_items([fallback], f"{self.label} → {{bucket}} (no {missing} tracks)")
            if items:
                return [items], f"no {missing} tracks; playing {fallback} instead"
        note = f"no {', '.join([*wanted, *fallbacks])} tracks; playing a mix from the whole library"
        return [self.mix(f"{self.label} → mix (no {missing} tracks)")], note

    def mix(self, prefix: str) -> list[QueueItem]:
        """Round robin over the buckets (then the untagged), each shuffled by weight."""
        lanes = [self.bucket_items([b], f"{prefix}, {{bucket}}") for b in BUCKETS]
        untagged = [QueueItem(t, "", f"{prefix}: in no bucket") for t in self.shuffled(
            t for t in self.tracks if not t.buckets)]
        mixed = [lane[i] for i in range(max(map(len, lanes), default=0)) for lane in lanes if i < len(lane)]
        return mixed + untagged

    def favourites(self) -> tuple[list[list[QueueItem]], str | None]:
        starred = [QueueItem(t, FAVOURITES, f"{self.label} → favourites: you starred it")
                   for t in self.shuffled(t for t in self.tracks if t.favourite)]
        liked = sorted((t for t in self.tracks if not t.favourite and t.completions > t.skips),
                       key=lambda t: (t.completions - t.skips, t.completions, -t.skips), reverse=True)
        history = [QueueItem(t, FAVOURITES, f"{self.label} → favourites: {_history(t)}") for t in liked]
        if starred or history:
            return [starred, history, self.mix(f"{self.label} → mix after your favourites")], None
        note = "no favourites yet (star tracks or let them play through); playing a mix across buckets"
        return [self.mix(f"{self.label} → mix (no favourites yet)")], note

    def new(self) -> tuple[list[list[QueueItem]], str | None]:
        never = [t for t in self.tracks if t.plays == 0 and t.last_played is None]
        if never:
            return [[QueueItem(t, NEW, f"{self.label} → new: never played")
                     for t in self.shuffled(never)]], None
        oldest = sorted(self.tracks, key=lambda t: t.last_played or 0.0)
        items = [QueueItem(t, NEW, f"{self.label} → least recently played: last played "
                                   f"{_ago(self.now - (t.last_played or 0.0))}") for t in oldest]
        return [items], "every track has been played; playing the least recently played first"

    def finish(self, groups: list[list[QueueItem]], size: int) -> list[QueueItem]:
        """Groups in order without repeats, artists spread; tracks played within the hour go last,
        least recent first."""
        seen: set[int] = set()
        fresh: list[QueueItem] = []
        recent: list[QueueItem] = []
        for group in groups:
            kept = []
            for item in group:
                if item.track.id in seen:
                    continue
                seen.add(item.track.id)
                (recent if self.played_recently(item.track) else kept).append(item)
            fresh += spread_artists(kept[:size * 3])
            if len(fresh) >= size:
                break
        recent.sort(key=lambda i: i.track.last_played or 0.0)
        return (fresh + spread_artists(recent))[:size]

    def played_recently(self, track: Track) -> bool:
        return track.last_played is not None and self.now - track.last_played < RECENT_SECONDS


def artist_key(track: Track) -> str | None:
    name = (track.artist or track.album_artist).strip().casefold()
    return name or None  # unknown artists are not taken to be one artist


def spread_artists(items: list[QueueItem], gap: int = ARTIST_GAP) -> list[QueueItem]:
    """Keep the order, but take next the first track whose artist did not play in the last `gap`;
    an artist with so many tracks left that waiting would crowd them together goes first."""
    pending, out = list(items), []
    while pending:
        recent = {artist_key(i.track) for i in out[-gap:]} - {None}
        keys = [artist_key(i.track) for i in pending]
        crowded = {a for a, n in Counter(keys).items() if a is not None and a not in recent
                   and (n - 1) * (gap + 1) + 1 >= len(pending)}
        fits = [k in crowded for k in keys] if crowded else [k not in recent for k in keys]
        pick = fits.index(True) if True in fits else 0
        out.append(pending.pop(pick))
    return out


def _history(track: Track) -> str:
    def times(count: int) -> str:
        return "once" if count == 1 else f"{count}×"

    skipped = f"skipped {times(track.skips)}" if track.skips else "never skipped"
    return f"played through {times(track.completions)}, {skipped}"


def _ago(seconds: float) -> str:
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= length:
            amount = int(seconds // length)
            return f"{amount} {unit}{'s' if amount != 1 else ''} ago"
    return "just now"


def _not_music(track: Track) -> bool:
    """Speech, silence or noise (library.analysis) that no tag, star or move of the user's puts
    anywhere: it never plays for a mood, not even as "new" or in a mix."""
    return track.music is False and not track.buckets and not track.favourite


def _prefer_languages(picker: _Picker, settings: Settings) -> None:
    """Settings.preferred_languages weigh every queue toward those languages; with
    only_preferred_languages the other tracks are left out, unless none is left at all."""
    preferred = getattr(settings, "preferred_languages", None) or []
    only = bool(getattr(settings, "only_preferred_languages", False))
    factors = {t.id: language_weight(t, preferred, only) for t in picker.tracks}
    if not any(factors.values()):
        return
    picker.tracks = [t for t in picker.tracks if factors[t.id] > 0]
    picker.weights = {t.id: picker.weights.get(t.id, 1.0) * factors[t.id] for t in picker.tracks}
