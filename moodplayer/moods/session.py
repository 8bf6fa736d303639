"""MoodSession: the app's use cases without Qt, over a Player (or NullPlayer), the DJ and the Store.

Camera mood, override, start, the transport, the queue (play now, enqueue, reorder,
remove), star, move to a bucket, "not for this mood", the music folder, save and
restore. One code path whether music can play or not: without libVLC the player
is a NullPlayer that holds the queue and never plays.

Listeners added with `add_listener(fn)` are called as fn(kind, payload) in the
owner's thread: "mood" (MoodState), "queue" (None), "track" (QueueItem or None),
"state" (PlayerState), "library" (None: tracks' stars or buckets changed, or
opened files were scanned into it), "message"
((level, text), level "info"/"warning"/"error"). Queue builds and store writes go
through `runner` (moods.runner): at once by default, off the GUI thread in the window.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moodplayer.config import Settings
from moodplayer.emotions import Emotion
from moodplayer.library.buckets import BUCKETS
from moodplayer.moods.dj import MoodDJ
from moodplayer.moods.runner import Inline, Runner
from moodplayer.playback.queue import Queue, QueueItem
from moodplayer.playback.state import PAUSED, PLAYING, PlayerState

log = logging.getLogger(__name__)

DEFAULT_MOOD = Emotion.NEUTRAL  # until the camera confirms one: favourites, or a mix
CAMERA_JOB = "camera-queue"  # the runner's key: only the latest camera mood's queue counts
Listener = Callable[[str, object], None]


@dataclass(frozen=True)
class MoodState:
    """What the window shows about the mood; a fresh one with every change."""

    camera: Emotion | None  # what the camera sees now (None: no face, or no camera)
    confirmed: Emotion | None  # the mood the music follows in auto mode
    override: Emotion | None  # the user's pick
    playing: Emotion | None  # the emotion of the queue that plays
    pending: Emotion | None  # the emotion of the queue that takes over next

    @property
    def mode(self) -> str:
        return "auto" if self.override is None else "manual"

    @property
    def target(self) -> Emotion | None:
        return self.override or self.confirmed


class MoodSession:
    def __init__(self, store, settings: Settings, player, runner: Runner | None = None,
                 rng: random.Random | None = None):
        self.store, self.settings, self.player = store, settings, player
        self.runner: Runner = runner or Inline()
        self.dj = MoodDJ(player, store, settings, rng=rng, runner=self.runner)
        self.dj.on_change = self._queue_changed
        self.dj.on_error = self._store_failed
        self.camera: Emotion | None = None
        self._listeners: list[Listener] = []
        player.add_listener(self._on_player)

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    # -- what the window reads ------------------------------------------------------------------
    @property
    def available(self) -> bool:
        return self.player.available

    @property
    def unavailable(self) -> str | None:
        return self.player.unavailable

    @property
    def mood(self) -> MoodState:
        dj = self.dj
        return MoodState(self.camera, dj.mood, dj.override, dj.playing_emotion, dj.pending_emotion)

    @property
    def override(self) -> Emotion | None:
        return self.dj.override

    @property
    def current(self) -> QueueItem | None:
        return self.player.current

    @property
    def state(self) -> PlayerState:
        return self.player.state

    @property
    def folder(self) -> str | None:
        """The music folder: the library shows, and the queues play, only what is under it."""
        return self.settings.music_dir or None

    def mood_reason(self) -> str:
        """E.g. "fear → devotional": the playing queue's mood and what it plays."""
        queue = self.player.queue
        item = self.current
        if queue is None:
            return ""
        target = item.bucket if item is not None and item.bucket else (queue.items[0].bucket if queue else "")
        return f"{queue.emotion.label} → {target}" if target else queue.emotion.label

    def up_next(self) -> tuple[list[QueueItem], str]:
        """What plays next and a caption saying why (the pending mood's queue, if any)."""
        queue, start = self._upcoming()
        if queue is None:
            return [], "Nothing queued yet"
        caption = f"{queue.emotion.display_name} queue"
        if queue is self.player.next_queue:
            caption = f"After this track: {queue.emotion.label} queue"
        if queue.note:
            caption += f" — {queue.note}"
        return list(queue.items[start:]), caption

    # -- mood -------------------------------------------------------------------------------------
    def on_camera_mood(self, emotion: Emotion | None) -> None:
        """A mood the tracker confirmed (None: no face for a while, the music carries on)."""
        self.camera = emotion
        if emotion is None:
            self._notify("mood", self.mood)
            return
        if self.dj.wants_queue(emotion):
            def ready(queue: Queue) -> None:
                self.dj.on_mood(emotion, queue)
                self._mood_changed()

            self.runner.run(lambda: self.dj.make_queue(emotion), ready, self._build_failed, key=CAMERA_JOB)
            self._notify("mood", self.mood)
            return
        self.runner.drop(CAMERA_JOB)
        self.dj.on_mood(emotion)
        self._mood_changed()

    def set_override(self, emotion: Emotion | None) -> None:
        """The user's pick; None goes back to following the camera."""
        self.runner.drop(CAMERA_JOB)
        self.dj.set_override(emotion)
        self._mood_changed()

    def start_if_idle(self) -> None:
        """Music at once: with nothing playing or restored, start from the known mood, or
        neutral until the camera confirms one."""
        if self.player.queue:
            return
        if self.dj.target is None:
            self.dj.on_mood(DEFAULT_MOOD)
        else:
            self.dj.follow_again()
        self._mood_changed()

    # -- transport --------------------------------------------------------------------------------
    def play(self) -> None:
        if self.player.queue:
            self.player.resume()
        else:
            self.start_if_idle()

    def pause(self) -> None:
        self.player.pause()

    def play_pause(self) -> None:
        if self.player.state == PLAYING:
            self.player.pause()
        else:
            self.play()

    def stop(self) -> None:
        self.player.stop()

    def next(self) -> None:
        self.player.next()
        self._queue_changed()

    def previous(self) -> None:
        self.player.previous()
        self._queue_changed()

    def seek(self, seconds: float) -> None:
        self.player.seek(float(seconds))

    def set_volume(self, percent: int) -> None:
        self.settings.volume = min(max(int(percent), 0), 100)
        self.player.set_volume(self.settings.volume)

    def tick(self) -> None:
        """About ten times a second: runs the fade of a "switch now"."""
        self.dj.tick()

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
        self._queue_changed()

    def remove_up_next(self, row: int) -> None:
        queue, start = self._upcoming()
        if queue is not None and 0 <= row < len(queue.items) - start:
            del queue.items[start + row]
        self._queue_changed()

    def play_up_next(self, row: int) -> None:
        queue, start = self._upcoming()
        if queue is None or not 0 <= row < len(queue.items) - start:
            return
        self.player.set_next_queue(None)
        self.player.load(queue, start + row)
        self._mood_changed()

    def play_tracks(self, tracks: list) -> None:
        """Library → Play now: these tracks, then what was coming."""
        picked = {t.id for t in tracks}
        items = [QueueItem(t, "", "you picked it in the library") for t in tracks]
        upcoming, _caption = self.up_next()
        label = self.dj.target or DEFAULT_MOOD
        self.player.load(Queue(label, items + [i for i in upcoming if i.track.id not in picked]))
        self._mood_changed()

    def enqueue(self, tracks: list) -> None:
        queue, _start = self._upcoming()
        if queue is None:
            self.play_tracks(tracks)
            return
        queue.items.extend(QueueItem(t, "", "you added it") for t in tracks)
        self._queue_changed()

    def play_files(self, paths: list[str], enqueue: bool = False) -> None:
        """Files from the command line or a drop, read off this thread: those under the music
        folder are scanned into the library first and play as its tracks, the others as they are."""
        from moodplayer.moods.files import open_files

        def ready(opened) -> None:
            tracks = opened.tracks
            if opened.library_changed:
                self._notify("library", None)
            if opened.problem:
                self._message("warning", opened.problem)
            if tracks:
                (self.enqueue if enqueue else self.play_tracks)(tracks)
            missing = len(paths) - len(tracks)
            if missing:
                self._message("warning", f"{missing} of the {len(paths)} files could not be played "
                                         f"(not found or not audio).")

        self.runner.run(lambda: open_files(self.store, paths, self.folder), ready, self._store_failed)

    def _upcoming(self) -> tuple[Queue | None, int]:
        """The queue Up next shows and where in it the upcoming part starts."""
        player = self.player
        if player.next_queue is not None:
            return player.next_queue, 0
        if player.queue is None:
            return None, 0
        started = player.state in (PLAYING, PAUSED) or player.current is not None
        return player.queue, player.index + 1 if started else 0

    # -- tracks -----------------------------------------------------------------------------------
    def set_favourite(self, tracks: list, on: bool) -> None:
        """Star or unstar; the queued copies of these tracks show it at once."""
        ids = {t.id for t in tracks}
        for track in [*tracks, *(i.track for i in self._all_items() if i.track.id in ids)]:
            track.favourite = on
        self._write(lambda: [self.store.set_favourite(i, on) for i in ids])
        self._notify("track", self.current)

    def move_to_bucket(self, tracks: list, bucket: str) -> None:
        ids = [t.id for t in tracks]
        self._write(lambda: [self.store.move_to_bucket(i, bucket) for i in ids],
                    f"Moved {len(ids)} track(s) to {bucket}.")

    def remove_from_bucket(self, tracks: list, bucket: str) -> None:
        ids = [t.id for t in tracks]
        self._write(lambda: [self.store.remove_from_bucket(i, bucket) for i in ids],
                    f"Took {len(ids)} track(s) out of {bucket}.")

    def not_for_this_mood(self) -> None:
        """Take the playing track out of the bucket it came from, then skip it."""
        item = self.current
        if item is None:
            return
        title = item.track.display_title
        if item.bucket in BUCKETS:
            self._write(lambda: self.store.remove_from_bucket(item.track.id, item.bucket),
                        f"“{title}” is out of {item.bucket}; it will not be picked from there again.")
        elif item.bucket == "favourites" and item.track.favourite:
            self.set_favourite([item.track], False)
            self._message("info", f"“{title}” is no longer a favourite.")
        self.next()

    def _all_items(self) -> list[QueueItem]:
        queues = [self.player.queue, self.player.next_queue]
        return [item for queue in queues if queue for item in queue.items]

    # -- settings and state -----------------------------------------------------------------------
    def apply_settings(self, settings: Settings) -> None:
        self.settings = self.dj.settings = settings

    def set_folder(self, folder: str) -> None:
        """Another music folder: its tracks play from the next queue on."""
        self.settings.music_dir = folder

    def state_data(self) -> dict:
        return self.dj.state()

    def save_state(self, path: Path | None = None) -> None:
        self.dj.save_state(path)

    def restore_state(self, path: Path | None = None) -> bool:
        """The saved queue, track and position, paused; a queue that was about to give way to
        the saved mood's queue is lined up again."""
        if not self.dj.restore_state(path):
            return False
        queue, target = self.player.queue, self.dj.target
        if queue and target and queue.emotion != target:
            self.dj.follow_again()
        self._mood_changed()
        self._notify("track", self.current)
        return True

    def close(self) -> None:
        """Nothing more is delivered from the runner, then the player stops for good."""
        self.runner.close()
        self.player.stop()
        self.player.close()

    # -- inside -----------------------------------------------------------------------------------
    def _write(self, work: Callable[[], object], done_message: str | None = None) -> None:
        def done(_result) -> None:
            self._notify("library", None)
            if done_message:
                self._message("info", done_message)

        self.runner.run(work, done, self._store_failed)

    def _store_failed(self, exc: Exception) -> None:
        where = getattr(self.store, "path", "the library")
        log.warning("Library write failed (%s): %s", where, exc)
        self._message("error", f"Could not save to the library {where}: {exc}. Playback goes on.")

    def _build_failed(self, exc: Exception) -> None:
        log.warning("Could not build a queue: %s", exc)
        self._message("warning", f"Could not read the library for a new queue: {exc}")

    def _on_player(self, kind: str, payload) -> None:
        if kind == "track_started":
            self._notify("track", payload)
        elif kind == "state":
            self._notify("state", payload)
            if payload != PLAYING and self.current is None:
                self._notify("track", None)
        elif kind == "unplayable":
            self._message("warning", f"Skipped {payload['item'].track.display_title}: {payload['reason']}")
        self._queue_changed()

    def _message(self, level: str, text: str) -> None:
        self._notify("message", (level, text))

    def _mood_changed(self) -> None:
        self._notify("mood", self.mood)
        self._queue_changed()

    def _queue_changed(self) -> None:
        self._notify("queue", None)

    def _notify(self, kind: str, payload) -> None:
        for listener in list(self._listeners):
            try:
                listener(kind, payload)
            except Exception:
                log.exception("Session listener failed on %s", kind)
