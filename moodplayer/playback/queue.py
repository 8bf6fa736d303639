"""The play queue: ordered tracks, each with the bucket it came from and why it is there."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from moodplayer.emotions import Emotion
from moodplayer.playback.media import clamp_position

if TYPE_CHECKING:
    from moodplayer.library.store import Store, Track


@dataclass(frozen=True)
class QueueItem:
    track: Track
    bucket: str  # a library bucket, or "favourites" / "new" for the history-based picks
    reason: str  # shown to the user, e.g. "fear → devotional: genre 'Bhajan'"


@dataclass
class Queue:
    emotion: Emotion  # the mood it was built for
    items: list[QueueItem] = field(default_factory=list)
    note: str | None = None  # why the queue is not what the mapping asked for, if it is not

    def __post_init__(self) -> None:
        if not isinstance(self.emotion, Emotion):
            self.emotion = Emotion.parse(str(self.emotion))

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[QueueItem]:
        return iter(self.items)

    def __getitem__(self, index: int) -> QueueItem:
        return self.items[index]

    def to_state(self) -> dict:
        """JSON-ready; tracks by id so a restore reads them fresh from the store."""
        return {"emotion": self.emotion.label, "note": self.note,
                "items": [{"track_id": i.track.id, "bucket": i.bucket, "reason": i.reason}
                          for i in self.items]}

    @classmethod
    def from_state(cls, data: dict, store: Store, index: int = 0) -> tuple[Queue, int]:
        """The saved queue with tracks the store no longer has left out, and where `index`
        now points (the next track kept when the saved one is gone)."""
        items, new_index = [], None
        for position, saved in enumerate(data.get("items", [])):
            track = store.track(int(saved["track_id"]))
            if position >= index and new_index is None:
                new_index = len(items)
            if track is not None and not track.missing:
                items.append(QueueItem(track, str(saved["bucket"]), str(saved["reason"])))
        queue = cls(Emotion.parse(str(data["emotion"])), items, data.get("note"))
        return queue, len(items) if new_index is None else new_index


def restore_queue(snapshot: dict, store: Store) -> tuple[Queue, int, float] | None:
    """The queue, index and position a player snapshot() saved, read fresh from the store
    (the position only when the saved track is still there); None when it held no queue."""
    saved = snapshot.get("queue")
    if not saved:
        return None
    index = int(snapshot.get("index", 0))
    queue, new_index = Queue.from_state(saved, store, index)
    ids = [item["track_id"] for item in saved.get("items", [])]
    same_track = (new_index < len(queue) and 0 <= index < len(ids)
                  and queue[new_index].track.id == ids[index])
    if not same_track:
        return queue, new_index, 0.0
    # A position at or past the track's end (state.json once held 27:46:39 for a 0:28 track).
    return queue, new_index, clamp_position(snapshot.get("position", 0.0), queue[new_index].track.duration)
