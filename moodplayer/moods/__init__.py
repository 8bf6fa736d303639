"""The mood policy (emotion → buckets → ordered queue), the DJ that follows the mood, and the
session that runs the app's use cases without Qt."""

from moodplayer.moods.policy import build_queue, learn, targets_for

__all__ = ["build_queue", "learn", "targets_for"]
