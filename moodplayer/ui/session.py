"""The playback side of the window: Player + MoodDJ + Store, driven from the GUI thread.

libVLC's events arrive on VLC's thread; `Player` forwards them to `_vlc_event`,
a Qt signal, so `handle_vlc_event` runs here in the GUI thread. Without libVLC
the session still builds the queue for each mood and shows it (nothing plays).
"""

from __future__ import annotations

import logging
import random

from PySide6.QtCore import QObject, QTimer, Signal

from moodplayer.config import Settings
from moodplayer.emotions import Emotion
from moodplayer.library.buckets import BUCKETS
from moodplayer.moods.policy import build_queue
from moodplayer.moods.queue import Queue, QueueItem
from moodplayer.playback import PAUSED, PLAYING, PlaybackUnavailable, Player
from moodplayer.ui.tasks import run_in_background

log = logging.getLogger(__name__)

TICK_MS = 100
DEFAULT_MOOD = "neutral"


class PlaybackSession(QObject):
    """Signals: `track_changed` (QueueItem or None), `queue_changed`, `state_changed` (str),
    `mode_changed` (mood or override changed), `position` (ms, duration ms or -1),
    `message` (text for the status bar)."""

    track_changed = Signal(object)
    queue_changed = Signal()
    state_changed = Signal(str)
    mode_changed = Signal()
    position = Signal(int, int)
    message = Signal(str)
    _vlc_event = Signal(str, object)

    def __init__(self, store, settings: Settings, parent=None, rng: random.Random | None = None):
        super().__init__(parent)
        self.store, self.settings = store, settings
        self._rng = rng or random.Random()
        self.player: Player | None = None
        self.dj = None
        self.unavailable: str | None = None
        self._preview: Queue | None = None  # without VLC: the queue that would play
        self._mood: str | None = None
        self._override: str | None = None
        self._mood_requests = 0  # camera moods seen; a queue built for an older one is dropped
        self._vlc_event.connect(self._on_vlc_event)
        self._open_player()
        self._tick = QTimer(self, interval=TICK_MS, timeout=self._on_tick)
        self._tick.start()

    def _open_player(self) -> None:
        from moodplayer.moods.dj import MoodDJ

        try:
            self.player = Player(on_vlc_event=self._vlc_event.emit, volume=self.settings.volume)
        except PlaybackUnavailable as exc:
            self.unavailable = str(exc)
            log.warning("Playback unavailable: %s", exc)
            return
        self.dj = MoodDJ(self.player, self.store, self.settings, rng=self._rng)
        self.player.add_listener(self._on_player)

    # -- what the window reads ------------------------------------------------------------------
    @property
    def available(self) -> bool:
        return self.player is not None

    @property
    def mood(self) -> str | None:
        """The mood the camera last confirmed (or the default we started with)."""
        return self.dj.mood if self.dj else self._mood

    @property
    def override(self) -> str | None:
        return self.dj.override if self.dj else self._override

    @property
    def current(self) -> QueueItem | None:
        return self.player.current if self.player else None

    @property
    def state(self) -> str:
        return self.player.state if self.player else "unavailable"

    def up_next(self) -> tuple[list[QueueItem], str]:
        """What plays next and a caption saying why (the pending mood's queue, if any)."""
        queue, start = self._upcoming()
        if queue is None:
            return [], "Nothing queued yet"
        caption = f"{queue.emotion.capitalize()} queue"
        if self.player and queue is self.player.next_queue:
            caption = f"After this track: {queue.emotion} queue"
        if queue.note:
            caption += f" — {queue.note}"
        return list(queue.items[start:]), caption

    # -- mood -------------------------------------------------------------------------------------
    def on_camera_mood(self, emotion: Emotion | None) -> None:
        if emotion is None:
            return  # no face for a while: the music carries on as it is
        self._mood_requests += 1
        if self.dj and self.dj.wants_queue(emotion):
            self._build_in_background(emotion)
            return
        if self.dj:
            self.dj.on_mood(emotion)
        else:
            self._mood = emotion.label
            if self._override is None:
                self._preview_for(self._mood)
        self._changed()

    def _build_in_background(self, emotion: Emotion) -> None:
        """Reading a big library takes a while (0.1 s at 10,000 tracks): not on the GUI thread,
        which keeps drawing the camera meanwhile. Only the latest camera mood is followed."""
        dj, request = self.dj, self._mood_requests

        def ready(queue: Queue) -> None:
            if request == self._mood_requests and self.dj is dj:
                dj.on_mood(emotion, queue)
                self._changed()

        def failed(exc: Exception) -> None:
            log.warning("Could not build the %s queue: %s", emotion.label, exc)

        run_in_background(lambda: dj.make_queue(emotion), ready, failed, context=self)

    def set_override(self, emotion: Emotion | None) -> None:
        if self.dj:
            self.dj.set_override(emotion)
        else:
            self._override = None if emotion is None else emotion.label
            target = self._override or self._mood
            if target:
                self._preview_for(target)
        self._changed()

    def start_if_idle(self) -> None:
        """Music at once: with nothing playing or restored, start from the known mood, or
        neutral (favourites, or a mix) until the camera confirms one."""
        if self.player is not None and self.player.queue:
            return
        if self.player is None and self._preview is not None:
            return
        target = self.override or self.mood or DEFAULT_MOOD
        if self.dj:
            if self.dj.override is None and self.dj.mood is None:
                self.dj.on_mood(DEFAULT_MOOD)
            else:
                self.dj.set_override(self.dj.override)
        else:
            self._mood = self._mood or DEFAULT_MOOD
            self._preview_for(target)
        self._changed()

    def _preview_for(self, label: str) -> None:
        self._preview = build_queue(self.store, label, self.settings, rng=self._rng,
                                    folder=self.settings.music_dir or None)

    # -- transport --------------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.player is None:
            return
        if self.player.queue:
            self.player.toggle()
        else:
            self.start_if_idle()

    def next(self) -> None:
        if self.player:
            self.player.next()

    def previous(self) -> None:
        if self.player:
            self.player.previous()

    def seek(self, ms: int) -> None:
        if self.player:
            self.player.seek(ms / 1000.0)

    def set_volume(self, volume: int) -> None:
        self.settings.volume = int(volume)
        if self.player:
            self.player.set_volume(volume)

    # -- the queue --------------------------------------------------------------------------------
    def reorder_up_next(self, track_ids: list[int]) -> None:
        queue, start = self._upcoming()
        if queue is None:
            return
        pool = list(queue.items[start:])
        ordered = []
        for track_id in track_ids:
            found = next((i for i in pool if i.track.id == track_id), None)
            if found is not None:
                pool.remove(found)
                ordered.append(found)
        queue.items[start:] = ordered + pool
        self.queue_changed.emit()

    def remove_up_next(self, row: int) -> None:
        queue, start = self._upcoming()
        if queue is not None and 0 <= row < len(queue.items) - start:
            del queue.items[start + row]
        self.queue_changed.emit()

    def play_up_next(self, row: int) -> None:
        queue, start = self._upcoming()
        if self.player is None or queue is None or not 0 <= row < len(queue.items) - start:
            return
        self.player.set_next_queue(None)
        self.player.load(queue, start + row)
        self._changed()

    def play_tracks(self, tracks: list) -> None:
        """Library → Play now: these tracks, then what was coming."""
        items = [QueueItem(t, "", "you picked it in the library") for t in tracks]
        upcoming, _caption = self.up_next()
        label = self.override or self.mood or DEFAULT_MOOD
        queue = Queue(label, items + [i for i in upcoming if i.track.id not in {t.id for t in tracks}])
        if self.player:
            self.player.load(queue)
        else:
            self._preview = queue
        self._changed()

    def enqueue(self, tracks: list) -> None:
        queue, _start = self._upcoming()
        items = [QueueItem(t, "", "you added it") for t in tracks]
        if queue is None:
            self.play_tracks(tracks)
            return
        queue.items.extend(items)
        self.queue_changed.emit()

    def _upcoming(self) -> tuple[Queue | None, int]:
        """The queue Up next shows and where in it the upcoming part starts."""
        if self.player is None:
            return self._preview, 0
        if self.player.next_queue is not None:
            return self.player.next_queue, 0
        if self.player.queue is None:
            return None, 0
        started = self.player.state in (PLAYING, PAUSED) or self.player.current is not None
        return self.player.queue, self.player.index + 1 if started else 0

    # -- the current track ------------------------------------------------------------------------
    def set_favourite(self, track, on: bool) -> None:
        self.store.set_favourite(track.id, on)
        track.favourite = on
        for item in self._all_items():
            if item.track.id == track.id:
                item.track.favourite = on

    def not_for_this_mood(self) -> None:
        """Take the playing track out of the bucket it came from, then skip it."""
        item = self.current
        if item is None:
            return
        if item.bucket in BUCKETS:
            self.store.remove_from_bucket(item.track.id, item.bucket)
            self.message.emit(f"“{item.track.display_title}” is out of {item.bucket}; it will not "
                              f"be picked from there again.")
        elif item.bucket == "favourites" and item.track.favourite:
            self.set_favourite(item.track, False)
            self.message.emit(f"“{item.track.display_title}” is no longer a favourite.")
        self.next()

    def _all_items(self) -> list[QueueItem]:
        queues = [self._preview] if self.player is None else [self.player.queue, self.player.next_queue]
        return [item for queue in queues if queue for item in queue.items]

    # -- settings and state -----------------------------------------------------------------------
    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        if self.dj:
            self.dj.settings = settings

    def save_state(self) -> None:
        if self.dj:
            self.dj.save_state()

    def restore_state(self) -> bool:
        if self.dj is None or not self.dj.restore_state():
            return False
        queue = self.player.queue
        target = self.dj.override or self.dj.mood
        if queue and target and queue.emotion != target:
            # The saved queue was about to give way to this mood's queue: line it up again.
            if self.dj.override:
                self.dj.set_override(self.dj.override)
            else:
                self.dj.on_mood(target)
        self._changed()
        self.track_changed.emit(self.current)
        return True

    def close(self) -> None:
        self._tick.stop()
        if self.player:
            self.player.stop()
            self.player.close()
            self.player = None
            self.dj = None

    # -- events -----------------------------------------------------------------------------------
    def _on_vlc_event(self, kind: str, payload) -> None:
        if self.player is not None:
            self.player.handle_vlc_event(kind, payload)

    def _on_player(self, kind: str, payload) -> None:
        if kind == "track_started":
            self.track_changed.emit(payload)
        elif kind == "state":
            self.state_changed.emit(payload)
            if payload != PLAYING and self.current is None:
                self.track_changed.emit(None)
        elif kind == "unplayable":
            self.message.emit(f"Skipped {payload['item'].track.display_title}: {payload['reason']}")
        self.queue_changed.emit()

    def _on_tick(self) -> None:
        if self.dj:
            self.dj.tick()
        if self.player and self.player.current is not None:
            duration = self.player.duration
            self.position.emit(int(self.player.position * 1000), int(duration * 1000) if duration else -1)

    def _changed(self) -> None:
        self.mode_changed.emit()
        self.queue_changed.emit()
