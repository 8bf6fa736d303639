"""SessionBridge: the one QObject around the Qt-free MoodSession.

The session's listener callbacks become signals; libVLC's events hop from VLC's
thread to the GUI thread through `VlcEventHop`; a 100 ms timer runs the DJ's fade
and sends the position; the session's queue builds and store writes run on the
pool through `ui.tasks.QtRunner`. Widgets talk to this object only.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from moodplayer.moods.session import MoodSession

log = logging.getLogger(__name__)

TICK_MS = 100


class VlcEventHop(QObject):
    """Given to the Player as `on_vlc_event`: emitting a queued signal is all it does on VLC's
    thread (never call libVLC inside a VLC callback); the bridge handles it in the GUI thread."""

    event = Signal(str, object)

    def forward(self, kind: str, payload) -> None:
        self.event.emit(kind, payload)


class SessionBridge(QObject):
    mood_changed = Signal(object)  # MoodState
    queue_changed = Signal()
    track_changed = Signal(object)  # library.records.Track or None
    state_changed = Signal(str)  # "playing", "paused", "stopped" (and "idle" before any queue)
    position_changed = Signal(float, float)  # seconds, length in seconds (0 when unknown)
    volume_changed = Signal(int)
    message = Signal(str, str)  # level "info"/"warning"/"error", text
    library_changed = Signal()  # stars or buckets of tracks changed in the store

    def __init__(self, session: MoodSession, hop: VlcEventHop | None = None, parent=None):
        super().__init__(parent)
        self._session = session
        session.add_listener(self._on_session)
        if hop is not None:
            hop.event.connect(self._on_vlc_event)
        self._tick = QTimer(self, interval=TICK_MS, timeout=self._on_tick)
        self._tick.start()

    # -- read-only --------------------------------------------------------------------------------
    @property
    def session(self) -> MoodSession:
        return self._session

    @property
    def current_item(self):
        """The playing QueueItem (track, bucket, reason), or None."""
        return self._session.current

    @property
    def current_track(self):
        item = self._session.current
        return item.track if item is not None else None

    @property
    def state(self) -> str:
        return str(self._session.state)

    @property
    def position(self) -> float:
        return self._session.player.position

    @property
    def length(self) -> float:
        return self._session.player.duration or 0.0

    @property
    def volume(self) -> int:
        return self._session.player.volume

    @property
    def mood(self):
        return self._session.mood

    @property
    def mood_reason(self) -> str:
        return self._session.mood_reason()

    def up_next(self):
        return self._session.up_next()

    # -- transport --------------------------------------------------------------------------------
    def play(self) -> None:
        self._session.play()

    def pause(self) -> None:
        self._session.pause()

    def play_pause(self) -> None:
        self._session.play_pause()

    def stop(self) -> None:
        self._session.stop()

    def next(self) -> None:
        self._session.next()

    def previous(self) -> None:
        self._session.previous()

    def seek(self, seconds: float) -> None:
        self._session.seek(seconds)

    def set_volume(self, percent: int) -> None:
        before = self._session.player.volume
        self._session.set_volume(percent)
        if self._session.player.volume != before:
            self.volume_changed.emit(self._session.player.volume)

    def play_files(self, paths: list[str]) -> None:
        self._session.play_files(list(paths))

    def enqueue_files(self, paths: list[str]) -> None:
        self._session.play_files(list(paths), enqueue=True)

    # -- mood and queue ---------------------------------------------------------------------------
    def on_camera_mood(self, emotion) -> None:
        self._session.on_camera_mood(emotion)

    def set_override(self, emotion) -> None:
        self._session.set_override(emotion)

    def start_if_idle(self) -> None:
        self._session.start_if_idle()

    def play_tracks(self, tracks: list) -> None:
        self._session.play_tracks(tracks)

    def enqueue(self, tracks: list) -> None:
        self._session.enqueue(tracks)

    def reorder_up_next(self, track_ids: list[int]) -> None:
        self._session.reorder_up_next(track_ids)

    def remove_up_next(self, row: int) -> None:
        self._session.remove_up_next(row)

    def play_up_next(self, row: int) -> None:
        self._session.play_up_next(row)

    def set_favourite(self, tracks: list, on: bool) -> None:
        self._session.set_favourite(tracks, on)

    def move_to_bucket(self, tracks: list, bucket: str) -> None:
        self._session.move_to_bucket(tracks, bucket)

    def remove_from_bucket(self, tracks: list, bucket: str) -> None:
        self._session.remove_from_bucket(tracks, bucket)

    def not_for_this_mood(self) -> None:
        self._session.not_for_this_mood()

    # -- lifetime ---------------------------------------------------------------------------------
    def close(self) -> None:
        self._tick.stop()
        self._session.close()

    # -- from the session -------------------------------------------------------------------------
    def _on_session(self, kind: str, payload) -> None:
        if kind == "mood":
            self.mood_changed.emit(payload)
        elif kind == "queue":
            self.queue_changed.emit()
        elif kind == "track":
            self.track_changed.emit(payload.track if payload is not None else None)
        elif kind == "state":
            self.state_changed.emit(str(payload))
        elif kind == "library":
            self.library_changed.emit()
        elif kind == "message":
            self.message.emit(*payload)

    def _on_vlc_event(self, kind: str, payload) -> None:
        self._session.player.handle_vlc_event(kind, payload)

    def _on_tick(self) -> None:
        self._session.tick()
        if self._session.current is not None:
            self.position_changed.emit(self.position, self.length)
