"""Plays a Queue through libVLC.

Threads: every method is for one owner thread (the GUI thread, or the CLI's loop).
libVLC reports the end of a track and errors on its own thread; the callbacks here
only forward them, untouched, to `on_vlc_event(kind, payload)`, and the owner hands
them back from its own thread with `handle_vlc_event(kind, payload)`. Without an
`on_vlc_event` they wait in `player.events` until the owner calls `pump_events()`.

What happens (a track started or ended, a file could not be played, the queue
ran out, the state changed) goes to listeners added with `add_listener(fn)`, called
as fn(kind, payload) in the owner's thread.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from moodplayer.playback.engine import (
    EventPump,
    PlaybackUnavailable,
    load_vlc,
    output_problem,
    shared_instance,
    stop_within,
)
from moodplayer.playback.media import media_location
from moodplayer.playback.output import end_reason
from moodplayer.playback.queue import Queue, QueueItem, restore_queue
from moodplayer.playback.state import IDLE, PAUSED, PLAYING, STOPPED, PlayerState

log = logging.getLogger(__name__)

RESTART_AFTER = 3.0  # previous() restarts a track that has played longer than this
# libVLC "plays" an undecodable file by ending it at once, without an error: an end this
# soon after the start, with this much of the track left, means there was nothing to play.
INSTANT_END = 1.0
INSTANT_END_MIN_LEFT = 3.0
# How long the owner waits for libVLC's stop() before it gives that media player up for a new one.
STOP_WAIT = 5.0

Listener = Callable[[str, object], None]


class Player:
    available = True
    unavailable: str | None = None

    def __init__(self, on_vlc_event: Callable[[str, dict], None] | None = None, instance=None,
                 volume: int = 80):
        self._instance = instance or shared_instance()
        self._generation = 0  # which of our media players VLC's events come from
        self._mp = self._new_media_player()
        self.events = EventPump()
        self._forward = on_vlc_event or self.events.put
        self._listeners: list[Listener] = []
        self.queue: Queue | None = None
        self.index = 0
        self.state = IDLE
        self._next_queue: Queue | None = None
        self._serial = 0  # which media VLC's events belong to
        self._started = False  # VLC holds the current track (playing or paused)
        self._in_track = False  # track_started was sent and track_ended not yet
        self._start_at = 0.0  # where the current track (re)starts, seconds
        self._started_clock = 0.0
        self._check_instant_end = False
        self._volume, self._gain, self._muted = _clamp_volume(volume), 1.0, False
        self._bad: set[int] = set()  # track ids reported unplayable
        # Why nothing is heard (no audio device), for the window; ends then count as "unheard".
        self.output_problem: str | None = output_problem() if instance is None else None
        self._closed = False
        self._live = False  # a media was given to VLC and not stopped since

    # --- VLC's thread: forward only, never call libVLC here ----------------------------------------

    def _on_vlc_end(self, _event, generation: int) -> None:
        self._send("end_reached", generation)

    def _on_vlc_error(self, _event, generation: int) -> None:
        self._send("error", generation)

    def _send(self, kind: str, generation: int) -> None:
        if generation != self._generation:
            return  # from a media player left behind by a stop() that never returned
        try:
            self._forward(kind, {"serial": self._serial, "at": time.monotonic()})
        except Exception:
            # ctypes would only print it; the log says which event was lost.
            log.exception("Could not pass on libVLC's %s event", kind)

    # --- the owner's thread ------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        """listener(kind, payload): "track_started" (QueueItem), "track_ended" ({"item", "why",
        "position"}, why in completed/skipped/previous/replaced/stopped/failed/unheard/cut short:
        see playback.output.end_reason), "unplayable"
        ({"item", "reason"}, once per track), "queue_ended" (Queue), "state" (str)."""
        self._listeners.append(listener)

    def pump_events(self, timeout: float = 0.0) -> int:
        """Handle the VLC events waiting in `events` (when no on_vlc_event was given)."""
        return self.events.pump(self.handle_vlc_event, timeout)

    def handle_vlc_event(self, kind: str, payload: dict) -> None:
        """Act on an event that on_vlc_event received on VLC's thread."""
        if payload.get("serial") != self._serial or not self._in_track:
            return  # about a track we have already left
        if kind == "error":
            self._fail_current("VLC could not open or decode it")
        elif kind == "end_reached":
            if self._ended_at_once(payload["at"]):
                self._fail_current("VLC found no audio it could play in it")
            else:
                self._end_track(end_reason(self.output_problem is None, payload["at"] - self._started_clock,
                                           (self.duration or 0.0) - self._start_at, self._check_instant_end))
                self._advance()

    def load(self, queue: Queue, index: int = 0, position: float = 0.0, play: bool = True) -> None:
        """Replace the queue; start at `index` (skipping what cannot play), or, with play=False,
        wait paused there, ready to resume at `position`."""
        self._end_track("replaced")
        self._next_queue = None
        self.queue = queue
        if not queue:
            self._halt()
            self.index, self._start_at = 0, 0.0
            self._set_state(IDLE)
        elif play:
            self._play_from(index, position)
        else:
            self._halt()
            self.index, self._start_at = min(max(index, 0), len(queue) - 1), max(position, 0.0)
            self._set_state(PAUSED)

    def set_next_queue(self, queue: Queue | None) -> None:
        """Play `queue` when the current track ends (or is skipped); None cancels."""
        self._next_queue = queue

    @property
    def next_queue(self) -> Queue | None:
        return self._next_queue

    def pause(self) -> None:
        if self.state == PLAYING:
            self._mp.set_pause(1)
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self.state == PAUSED and self._started:
            self._mp.set_pause(0)
            self._set_state(PLAYING)
        elif self.state in (PAUSED, STOPPED) and self.queue:
            self._play_from(self.index, self._start_at)

    def toggle(self) -> None:
        if self.state == PLAYING:
            self.pause()
        else:
            self.resume()

    def stop(self) -> None:
        self._end_track("stopped")
        self._halt()
        self._start_at = 0.0
        if self.state != IDLE:
            self._set_state(STOPPED)

    def next(self) -> None:
        if self.queue:
            self._end_track("skipped")
            self._advance()

    def previous(self) -> None:
        if not self.queue:
            return
        if self.position > RESTART_AFTER:
            self.seek(0.0)
            return
        self._end_track("previous")
        for index in range(self.index - 1, -1, -1):
            if self._play_at(index, 0.0):
                return
        self._play_from(self.index, 0.0)

    def seek(self, seconds: float) -> None:
        duration = self.duration
        seconds = max(0.0, min(seconds, duration) if duration else seconds)
        self._start_at = seconds
        if self._started:
            self._check_instant_end = False
            self._mp.set_time(int(seconds * 1000))

    @property
    def current(self) -> QueueItem | None:
        if self.queue and 0 <= self.index < len(self.queue):
            return self.queue[self.index]
        return None

    @property
    def position(self) -> float:
        """Seconds into the current track, as far as VLC has really played it."""
        if not self._started:
            return self._start_at
        ms = self._mp.get_time()
        return ms / 1000.0 if ms > 0 else self._start_at

    @property
    def duration(self) -> float | None:
        """From the tags (mutagen) the scan read; VLC's own length only when those had none."""
        item = self.current
        if item is not None and item.track.duration:
            return float(item.track.duration)
        ms = self._mp.get_length() if self._started else 0
        return ms / 1000.0 if ms > 0 else None

    @property
    def volume(self) -> int:
        return self._volume

    def set_volume(self, volume: int) -> None:
        self._volume = _clamp_volume(volume)
        self._apply_volume()

    @property
    def gain(self) -> float:
        return self._gain

    def set_gain(self, gain: float) -> None:
        """A factor on the volume for fades, leaving the user's volume as it is."""
        self._gain = min(max(gain, 0.0), 1.0)
        self._apply_volume()

    @property
    def muted(self) -> bool:
        return self._muted

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        self._mp.audio_set_mute(self._muted)

    def snapshot(self) -> dict:
        """What restore() needs to come back paused at the same place (JSON-ready)."""
        return {"queue": self.queue.to_state() if self.queue else None, "index": self.index,
                "position": round(self.position, 3), "volume": self._volume, "muted": self._muted}

    def restore(self, snapshot: dict, store) -> None:
        """Back to a snapshot(), paused; tracks gone from the store are left out."""
        self._volume = _clamp_volume(snapshot.get("volume", self._volume))
        self.set_muted(bool(snapshot.get("muted", False)))
        restored = restore_queue(snapshot, store)
        if restored is not None:
            self.load(*restored, play=False)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Safe to call twice (the session closes it at quit, its owner may again)."""
        if self._closed:
            return
        self._closed = True
        self._halt()
        self._mp.release()

    # --- inside ------------------------------------------------------------------------------------

    def _advance(self) -> None:
        if self._next_queue is not None:
            queue, self._next_queue = self._next_queue, None
            self.queue = queue
            self._play_from(0, 0.0)
        else:
            self._play_from(self.index + 1, 0.0)

    def _play_from(self, index: int, position: float) -> None:
        """Play the first track from `index` on that can be played; the queue ends if none can."""
        while self.queue and index < len(self.queue):
            if self._play_at(index, position):
                return
            index, position = index + 1, 0.0
        self._queue_ended()

    def _play_at(self, index: int, position: float) -> bool:
        item = self.queue[index]
        problem = self._problem(item)
        if problem is None and self._start(index, item, position):
            return True
        self._report_unplayable(item, problem or "libVLC refused to play it")
        return False

    def _problem(self, item: QueueItem) -> str | None:
        track = item.track
        if track.id in self._bad:
            return "reported"
        if track.unplayable:
            return track.unplayable
        return None if os.path.isfile(track.path) else f"file not found: {track.path}"

    def _start(self, index: int, item: QueueItem, position: float) -> bool:
        self._halt()
        self.index, self._start_at = index, max(position, 0.0)
        media = self._instance.media_new(media_location(item.track.path))  # any bytes in the name
        if self._start_at > 0:
            media.add_option(f":start-time={self._start_at:.3f}")
        self._mp.set_media(media)
        self._live = True
        media.release()  # the media player holds its own reference
        if self._mp.play() != 0:
            return False
        self._apply_volume()
        self._started = self._in_track = self._check_instant_end = True
        self._started_clock = time.monotonic()
        self._set_state(PLAYING)
        self._notify("track_started", item)
        return True

    def _new_media_player(self):
        vlc = load_vlc()
        media_player = self._instance.media_player_new()
        if media_player is None:
            raise PlaybackUnavailable("libVLC could not create a media player")
        self._generation += 1
        manager = media_player.event_manager()
        for event, callback in ((vlc.EventType.MediaPlayerEndReached, self._on_vlc_end),
                                (vlc.EventType.MediaPlayerEncounteredError, self._on_vlc_error)):
            manager.event_attach(event, callback, self._generation)
        return media_player

    def _halt(self) -> None:
        # Never on VLC's thread (stop() joins it), and never waiting on it for good.
        if self._live and not stop_within(self._mp, STOP_WAIT):
            self._mp = self._new_media_player()
        self._live = False
        # After stop() returns libVLC sends nothing more about the old media, so events with
        # the new serial can only be about what we start next.
        self._serial += 1
        self._started = False

    def _ended_at_once(self, at: float) -> bool:
        duration = self.duration
        return bool(self._check_instant_end and duration
                    and duration - self._start_at >= INSTANT_END_MIN_LEFT
                    and at - self._started_clock < INSTANT_END)

    def _fail_current(self, reason: str) -> None:
        item = self.current
        self._end_track("failed")
        if item is not None:
            self._report_unplayable(item, reason)
        self._advance()

    def _report_unplayable(self, item: QueueItem, reason: str) -> None:
        if item.track.id in self._bad:
            return
        self._bad.add(item.track.id)
        log.warning("Cannot play %s: %s", item.track.path, reason)
        self._notify("unplayable", {"item": item, "reason": reason})

    def _end_track(self, why: str) -> None:
        if self._in_track:
            self._in_track = False
            self._notify("track_ended", {"item": self.current, "why": why, "position": self.position})

    def _queue_ended(self) -> None:
        self._halt()
        ended = self.queue
        self.index, self._start_at = 0, 0.0
        self._set_state(STOPPED)
        self._notify("queue_ended", ended)

    def _apply_volume(self) -> None:
        self._mp.audio_set_volume(round(self._volume * self._gain))
        if self._muted:
            self._mp.audio_set_mute(True)

    def _set_state(self, state: PlayerState) -> None:
        if state != self.state:
            self.state = state
            self._notify("state", state)

    def _notify(self, kind: str, payload) -> None:
        for listener in list(self._listeners):
            try:
                listener(kind, payload)
            except Exception:
                # One broken listener must not stop the music or the other listeners.
                log.exception("Player listener failed on %s", kind)


def _clamp_volume(volume) -> int:
    return min(max(int(volume), 0), 100)
