"""The player's states, shared by the libVLC Player and the NullPlayer."""

from __future__ import annotations

from enum import StrEnum


class PlayerState(StrEnum):
    IDLE = "idle"  # no queue
    PLAYING = "playing"
    PAUSED = "paused"
    STOPPED = "stopped"  # a queue, but nothing playing (stopped, ended, or a player that cannot play)


IDLE, PLAYING, PAUSED, STOPPED = (PlayerState.IDLE, PlayerState.PLAYING, PlayerState.PAUSED,
                                  PlayerState.STOPPED)
