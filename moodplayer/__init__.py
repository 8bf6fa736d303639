"""MoodPlayer: plays music from your own library to match the mood on your face."""

__version__ = "0.1.0"
