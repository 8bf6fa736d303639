"""The mood policy (emotion → buckets → ordered queue) and the controller that follows the mood."""

from moodplayer.moods.policy import build_queue, learn, targets_for
from moodplayer.moods.queue import Queue, QueueItem

__all__ = ["Queue", "QueueItem", "build_queue", "learn", "targets_for"]
