"""The play queue: ordered tracks, each with the bucket it came from and why it is there."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moodplayer.library.store import Store, Track


@dataclass(frozen=True)
class QueueItem:
    track: Track
    bucket: str  # a library bucket, or "favourites" / "new" for the history-based picks
    reason: str  # shown to the user, e.g. "fear → devotional: genre 'Bhajan'"


@dataclass
class Queue:
    emotion: str
    items: list[QueueItem] = field(default_factory=list)
    note: str | None = None  # why the queue is not what the mapping asked for, if it is not

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[QueueItem]:
        return iter(self.items)

    def __getitem__(self, index: int) -> QueueItem:
        return self.items[index]

    def to_state(self) -> dict:
        """JSON-ready; tracks by id so a restore reads them fresh from the store."""
        return {"emotion": self.emotion, "note": self.note,
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
        queue = cls(str(data["emotion"]), items, data.get("note"))
        return queue, len(items) if new_index is None else new_index
