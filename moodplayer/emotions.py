"""The seven FER2013 emotions, in the order the model emits them."""

from __future__ import annotations

from enum import IntEnum


class Emotion(IntEnum):
    ANGRY = 0
    DISGUST = 1
    FEAR = 2
    HAPPY = 3
    SAD = 4
    SURPRISE = 5
    NEUTRAL = 6

    @property
    def label(self) -> str:
        """Lower-case name used in the CLI, JSON and settings."""
        return self.name.lower()

    @property
    def display_name(self) -> str:
        return self.name.capitalize()

    @property
    def colour(self) -> str:
        return COLOURS[self]

    @classmethod
    def parse(cls, text: str) -> Emotion:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(e.label for e in cls)
            raise ValueError(f"unknown emotion {text!r}; choose one of: {names}") from None


EMOTIONS: tuple[Emotion, ...] = tuple(Emotion)
LABELS: tuple[str, ...] = tuple(e.label for e in Emotion)

# Picked to stay readable on both light and dark palettes.
COLOURS = {
    Emotion.ANGRY: "#e5484d",
    Emotion.DISGUST: "#46a758",
    Emotion.FEAR: "#8e4ec6",
    Emotion.HAPPY: "#f5a524",
    Emotion.SAD: "#3e63dd",
    Emotion.SURPRISE: "#12a594",
    Emotion.NEUTRAL: "#8b8d98",
}
