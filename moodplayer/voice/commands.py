"""Recognised text -> command string ("next", "play_mood:calm", "feeling:sad") or None.

Only a whole phrase of the grammar is a command: the decoder may end on a half-finished
phrase ("play something") when the speech was not a command, and that must not be guessed.
"""

from __future__ import annotations

import re

from moodplayer.voice.grammar import (
    EMOTION_WORDS,
    FEELING_LEADS,
    MOOD_WORDS,
    PLAY_MOOD_LEADS,
    PLAY_MOOD_TAILS,
    SIMPLE,
)

COMMANDS = (*SIMPLE, "play_mood", "feeling")
_PHRASES = {phrase: command for command, phrases in SIMPLE.items() for phrase in phrases}


def normalise(text: str) -> str:
    """Lower case, apostrophes kept (i'm, what's), everything else that is not a letter a space."""
    text = text.lower().replace("\u2019", "'")
    return " ".join(re.sub(r"[^a-z']+", " ", text).split())


def parse(text: str) -> str | None:
    words = normalise(text)
    if not words:
        return None
    if words in _PHRASES:
        return _PHRASES[words]
    return _play_mood(words) or _feeling(words)


def _play_mood(words: str) -> str | None:
    for lead in PLAY_MOOD_LEADS:
        rest = _after(words, lead)
        if rest is None:
            continue
        mood, *tail = rest.split()
        if mood in MOOD_WORDS and (not tail or (len(tail) == 1 and tail[0] in PLAY_MOOD_TAILS)):
            return f"play_mood:{MOOD_WORDS[mood]}"
    return None


def _feeling(words: str) -> str | None:
    for lead in FEELING_LEADS:
        rest = _after(words, lead)
        if rest in EMOTION_WORDS:
            return f"feeling:{EMOTION_WORDS[rest]}"
    return None


def _after(words: str, lead: str) -> str | None:
    return words[len(lead) + 1:] if words.startswith(lead + " ") else None


def is_command(value: str) -> bool:
    """True for the strings parse() can return (the bridge side checks what it is sent)."""
    name, _, argument = value.partition(":")
    if name == "play_mood":
        return argument in MOOD_WORDS.values()
    if name == "feeling":
        return argument in EMOTION_WORDS.values()
    return name in SIMPLE and not argument
