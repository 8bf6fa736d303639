"""NullPlayer: the Player's surface without libVLC. It holds the queue and never plays,
so the session runs the same code whether music can play or not (Quod Libet's null backend).

Nothing is ever current and the state stays STOPPED once a queue is loaded: the
whole queue is what would play, and the window shows it as up next.
"""

from __future__ import annotations

from collections.abc import Callable

from moodplayer.playback.queue import Queue, QueueItem, restore_queue
from moodplayer.playback.state import IDLE, STOPPED, PlayerState

Listener = Callable[[str, object], None]


class NullPlayer:
    available = False
    unavailable: str | None = None

    def __init__(self, reason: str = "no audio player", volume: int = 80):
        self.unavailable = reason  # why nothing plays, for the window's banner
        self.queue: Queue | None = None
        self.index = 0
        self.state: PlayerState = IDLE
        self._next_queue: Queue | None = None
        self._listeners: list[Listener] = []
        self._volume, self._gain, self._muted = _clamp(volume), 1.0, False
        self._closed = False

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def pump_events(self, timeout: float = 0.0) -> int:
        return 0

    def handle_vlc_event(self, kind: str, payload: dict) -> None:
        """No libVLC, no events."""

    def load(self, queue: Queue, index: int = 0, position: float = 0.0, play: bool = True) -> None:
        self.queue, self._next_queue = queue, None
        self.index = min(max(index, 0), max(len(queue) - 1, 0))
        self._set_state(STOPPED if queue else IDLE)

    def set_next_queue(self, queue: Queue | None) -> None:
        self._next_queue = queue

    @property
    def next_queue(self) -> Queue | None:
        return self._next_queue

    def pause(self) -> None:
        """Nothing plays, so nothing pauses."""

    def resume(self) -> None:
        """Cannot play."""

    def toggle(self) -> None:
        """Cannot play."""

    def stop(self) -> None:
        """Already silent."""

    def next(self) -> None:
        """What was to follow the current track takes over, as on a real player."""
        if self._next_queue is not None:
            self.load(self._next_queue)

    def previous(self) -> None:
        """Nothing has played."""

    def seek(self, seconds: float) -> None:
        """Nothing to seek in."""

    @property
    def current(self) -> QueueItem | None:
        return None

    @property
    def position(self) -> float:
        return 0.0

    @property
    def duration(self) -> float | None:
        return None

    @property
    def volume(self) -> int:
        return self._volume

    def set_volume(self, volume: int) -> None:
        self._volume = _clamp(volume)

    @property
    def gain(self) -> float:
        return self._gain

    def set_gain(self, gain: float) -> None:
        self._gain = min(max(gain, 0.0), 1.0)

    @property
    def muted(self) -> bool:
        return self._muted

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)

    def snapshot(self) -> dict:
        return {"queue": self.queue.to_state() if self.queue else None, "index": self.index,
                "position": 0.0, "volume": self._volume, "muted": self._muted}

    def restore(self, snapshot: dict, store) -> None:
        self._volume = _clamp(snapshot.get("volume", self._volume))
        self._muted = bool(snapshot.get("muted", False))
        restored = restore_queue(snapshot, store)
        if restored is not None:
            self.load(*restored, play=False)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        self._closed = True

    def _set_state(self, state: PlayerState) -> None:
        if state != self.state:
            self.state = state
            for listener in list(self._listeners):
                listener("state", state)


def _clamp(volume) -> int:
    return min(max(int(volume), 0), 100)
