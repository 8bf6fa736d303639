"""Playback through libVLC: the Player, its event pump, and the error when libVLC is missing."""

from moodplayer.playback.engine import PlaybackUnavailable, shared_instance
from moodplayer.playback.player import IDLE, PAUSED, PLAYING, STOPPED, EventPump, Player

__all__ = ["IDLE", "PAUSED", "PLAYING", "STOPPED", "EventPump", "PlaybackUnavailable", "Player",
           "shared_instance"]
