"""Playback: the queue, the libVLC Player (or the NullPlayer when libVLC is missing), their states."""

from __future__ import annotations

import logging

from moodplayer.playback.engine import PlaybackUnavailable, shared_instance
from moodplayer.playback.null import NullPlayer
from moodplayer.playback.player import EventPump, Player
from moodplayer.playback.queue import Queue, QueueItem
from moodplayer.playback.state import IDLE, PAUSED, PLAYING, STOPPED, PlayerState

log = logging.getLogger(__name__)

__all__ = ["IDLE", "PAUSED", "PLAYING", "STOPPED", "EventPump", "NullPlayer", "PlaybackUnavailable", "Player",
           "PlayerState", "Queue", "QueueItem", "open_player", "shared_instance"]


def open_player(on_vlc_event=None, volume: int = 80) -> Player | NullPlayer:
    """A libVLC Player, or a NullPlayer saying why music cannot play."""
    try:
        return Player(on_vlc_event=on_vlc_event, volume=volume)
    except PlaybackUnavailable as exc:
        log.warning("Playback unavailable: %s", exc)
        return NullPlayer(str(exc), volume=volume)
