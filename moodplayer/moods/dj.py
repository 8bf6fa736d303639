"""Auto-play: follows the confirmed mood, or the user's override, by switching queues.

Qt-free and single-threaded like the Player: call everything from the owner's
thread, and call `tick()` about ten times a second (it runs the fade-out of a
"switch now"). The mood tracker's dwell time guards against flapping upstream;
here a change back to the playing mood cancels a switch that has not happened yet.

Queue builds and store writes go through `runner` (moods.runner): at once by
default (the CLI), on a worker thread in the window. A queue that arrives for a
mood that is no longer wanted is dropped.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

from moodplayer.config import Settings, state_path, write_json_atomic
from moodplayer.emotions import Emotion
from moodplayer.moods.policy import as_emotion, build_queue, learn
from moodplayer.moods.runner import Inline, Runner
from moodplayer.playback.queue import Queue, QueueItem
from moodplayer.playback.state import IDLE, PAUSED, PLAYING, STOPPED

log = logging.getLogger(__name__)

FADE_SECONDS = 1.0
STATE_VERSION = 1
QUEUE_JOB = "queue"  # the runner's key for queue builds: only the latest one counts


class MoodDJ:
    def __init__(self, player, store, settings: Settings, queue_size: int = 20,
                 folder: str | os.PathLike | None = None, rng: random.Random | None = None,
                 clock: Callable[[], float] = time.monotonic, runner: Runner | None = None):
        self.player, self.store, self.settings = player, store, settings
        self.queue_size = queue_size
        # Play only from under this folder (default: the user's music folder in settings), so
        # tracks of a folder the user has since left do not come back.
        self.folder = folder
        self.runner: Runner = runner or Inline()
        self.mood: Emotion | None = None  # the tracker's last confirmed mood
        self.override: Emotion | None = None  # the user's pick; None = Auto
        self.unplayable: list[tuple[QueueItem, str]] = []
        self.last_queue: Queue | None = None  # the latest built, with its note even when empty
        self._rng = rng or random.Random()
        self._clock = clock
        self._fade: tuple[float, Queue] | None = None  # (started, queue to play after it)
        self._emotion_of_track: Emotion | None = None
        self._started_since_queue_end = False
        self.on_change: Callable[[], None] = lambda: None  # a queue was switched to or lined up
        self.on_error: Callable[[Exception], None] = _write_failed  # the first store write that failed
        self.write_failures = 0  # play history, weights and unplayable marks the store refused
        player.add_listener(self._on_player)

    @property
    def mode(self) -> str:
        return "auto" if self.override is None else "override"

    @property
    def target(self) -> Emotion | None:
        """The mood the music should follow now: the override, else the confirmed mood."""
        return self.override or self.mood

    @property
    def playing_emotion(self) -> Emotion | None:
        """The emotion of the queue now playing (or paused)."""
        queue = self.player.queue
        return queue.emotion if queue and self.player.state in (PLAYING, PAUSED) else None

    @property
    def pending_emotion(self) -> Emotion | None:
        """The emotion whose queue takes over after the fade or the current track."""
        queue = self._fade[1] if self._fade else self.player.next_queue
        return queue.emotion if queue else None

    def on_mood(self, emotion: Emotion | str, queue: Queue | None = None) -> None:
        """A mood the tracker confirmed; followed unless the user chose an override.
        `queue`: one already built for it by `make_queue` (say, off the GUI thread)."""
        self.mood = as_emotion(emotion)
        if self.override is None:
            self._follow(self.mood, queue)

    def wants_queue(self, emotion: Emotion | str) -> bool:
        """Whether following `emotion` now would build a queue (neither playing nor pending)."""
        return self.override is None and self.needs_queue(emotion)

    def needs_queue(self, emotion: Emotion | str) -> bool:
        """Whether playing `emotion` would take a new queue, override or not."""
        return as_emotion(emotion) not in (self.playing_emotion, self.pending_emotion)

    def make_queue(self, emotion: Emotion | str) -> Queue:
        """The queue `on_mood` would build, touching nothing else: safe on another thread
        while this one goes on, since the store guards itself."""
        return build_queue(self.store, as_emotion(emotion), self.settings, self.queue_size,
                           rng=self._rng, folder=self.folder or self.settings.music_dir or None)

    def set_override(self, emotion: Emotion | str | None, queue: Queue | None = None) -> None:
        """The user's pick, which stops auto-following; None goes back to Auto (and to the
        last confirmed mood, if there is one). `queue`: one built for it already."""
        self.override = None if emotion is None else as_emotion(emotion)
        if self.target is not None:
            self._follow(self.target, queue)

    def follow_again(self) -> None:
        """Line the music up with the target once more (after a restore, or to start)."""
        if self.target is not None:
            self._follow(self.target)

    def requeue(self) -> None:
        """The settings that pick tracks changed (languages, mapping): a fresh queue for the mood
        that plays takes over after the current track, so Up next follows at once."""
        emotion = self.target or (self.player.queue.emotion if self.player.queue else None)
        if emotion is None or self.player.state == IDLE:
            return

        def arrived(queue: Queue) -> None:
            if emotion != (self.target or emotion):
                return  # the user or the camera moved on meanwhile
            self.last_queue = queue
            current = self.player.current
            if current is not None and self.player.state != STOPPED:  # it is not played once more
                queue.items[:] = [i for i in queue.items if i.track.id != current.track.id]
            if not queue:
                return
            self._cancel_pending()
            if self.player.state == STOPPED:
                self.player.load(queue, play=False)
            else:
                self.player.set_next_queue(queue)
            self.on_change()

        self.runner.run(lambda: self.make_queue(emotion), arrived, self._build_failed, key=QUEUE_JOB)

    def tick(self, now: float | None = None) -> None:
        """Runs a pending fade-out; when it is over, the new queue starts."""
        if self._fade is None:
            return
        started, queue = self._fade
        progress = ((self._clock() if now is None else now) - started) / FADE_SECONDS
        if progress < 1.0:
            self.player.set_gain(1.0 - progress)
            return
        self._fade = None
        self.player.load(queue, play=self.player.state == PLAYING)
        self.player.set_gain(1.0)

    def state(self) -> dict:
        """What save_state writes (JSON-ready)."""
        return {"version": STATE_VERSION, "player": self.player.snapshot(),
                "mood": _label(self.mood), "override": _label(self.override)}

    def save_state(self, path: Path | None = None) -> None:
        write_json_atomic(path or state_path(), self.state())

    def restore_state(self, path: Path | None = None) -> bool:
        """Queue, track, position, volume and override as saved, paused. False when there was
        nothing (or nothing readable) to restore."""
        path = path or state_path()
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            mood, override = (_emotion_or_none(data.get(k)) for k in ("mood", "override"))
            self.player.restore(data["player"], self.store)
        except FileNotFoundError:
            return False
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("Could not restore playback state from %s (%s); starting fresh", path, exc)
            return False
        self.mood, self.override = mood, override
        return True

    # --- inside ------------------------------------------------------------------------------------

    def _follow(self, emotion: Emotion, built: Queue | None = None) -> None:
        if emotion == self.playing_emotion:
            self._cancel_pending()
            self.runner.drop(QUEUE_JOB)
            return
        if emotion == self.pending_emotion:
            self.runner.drop(QUEUE_JOB)
            return
        if built is not None and built.emotion == emotion:
            self.runner.drop(QUEUE_JOB)
            self._switch(built)
        else:
            self.runner.run(lambda: self.make_queue(emotion), lambda queue: self._arrived(emotion, queue),
                            self._build_failed, key=QUEUE_JOB)

    def _arrived(self, emotion: Emotion, queue: Queue) -> None:
        if emotion == self.target and self.needs_queue(emotion):
            self._switch(queue)  # else the user or the camera moved on meanwhile

    def _switch(self, queue: Queue) -> None:
        self.last_queue = queue
        if not queue:
            log.info("Nothing to play for %s: %s", queue.emotion.label, queue.note)
            return
        self._cancel_pending()
        log.debug("Lining up the %s queue (%d tracks)", queue.emotion.label, len(queue))
        state = self.player.state
        if state == IDLE:
            self.player.load(queue)
        elif state == STOPPED:
            self.player.load(queue, play=False)
        elif self.settings.switch_mode == "now":
            if state == PLAYING:
                self._fade = (self._clock(), queue)
                # Should the track end before the fade does, the new queue starts right then.
                self.player.set_next_queue(queue)
            else:
                self.player.load(queue, play=False)
        else:
            self.player.set_next_queue(queue)
        self.on_change()

    def _build_failed(self, exc: Exception) -> None:
        log.warning("Could not build a queue: %s", exc)

    def _cancel_pending(self) -> None:
        if self._fade is not None:
            self._fade = None
            self.player.set_gain(1.0)
        self.player.set_next_queue(None)

    def _on_player(self, kind: str, payload) -> None:
        if kind == "track_started":
            if self._fade is not None and self.player.queue is self._fade[1]:
                self._cancel_pending()  # the switch happened before the fade was over
            self._started_since_queue_end = True
            self._emotion_of_track = self.player.queue.emotion
            self._write(self.store.record_play, payload.track.id, "played", _label(self._emotion_of_track))
        elif kind == "track_ended" and payload["why"] in ("completed", "skipped"):
            self._write(self._learn_from, payload["item"].track.id, payload["why"], self._emotion_of_track)
        elif kind == "unplayable":
            self.unplayable.append((payload["item"], payload["reason"]))
            self._write(self.store.mark_unplayable, payload["item"].track.id, payload["reason"])
        elif kind == "queue_ended":
            self._refill(payload)

    def _refill(self, ended: Queue | None) -> None:
        """Keep playing the same emotion; not when the queue that ended could play nothing."""
        if ended is None or not self._started_since_queue_end:
            return
        self._started_since_queue_end = False

        def refilled(queue: Queue) -> None:
            self.last_queue = queue
            if queue and self.player.queue is ended and self.player.state == STOPPED:
                self.player.load(queue)
                self.on_change()

        self.runner.run(lambda: self.make_queue(ended.emotion), refilled, self._build_failed, key=QUEUE_JOB)

    def _learn_from(self, track_id: int, event: str, emotion: Emotion | None) -> None:
        self.store.record_play(track_id, event, _label(emotion))
        if emotion is not None:
            learn(self.store, track_id, emotion, event)

    def _write(self, action, track_id: int, *args) -> None:
        """A store write, through the runner (off the GUI thread in the window)."""
        if track_id < 0:
            return  # a loose file (moods.files): it has no row to write to
        self.runner.run(lambda: _guard(action, track_id, *args), on_error=self._write_refused)

    def _write_refused(self, exc: Exception) -> None:
        """Every track played writes, so a store that refuses (read-only, disk full) would say
        so again with each one: the first failure is reported, the rest only counted."""
        self.write_failures += 1
        if self.write_failures == 1:
            self.on_error(exc)
        else:
            log.debug("Store write failed again (%d times): %s", self.write_failures, exc)


def _guard(action, track_id: int, *args) -> None:
    try:
        action(track_id, *args)
    except KeyError:
        log.info("Track %s left the library while playing", track_id)


def _write_failed(exc: Exception) -> None:
    log.warning("Could not record play history: %s (further failures are not reported)", exc)


def _label(emotion: Emotion | None) -> str | None:
    return None if emotion is None else emotion.label


def _emotion_or_none(value) -> Emotion | None:
    return None if value is None else as_emotion(str(value))
