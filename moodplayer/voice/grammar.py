"""The spoken command language: one table of phrases, written out as a JSGF grammar.

A grammar (not a free language model) is what lets the recogniser reject speech that is not a
command instead of guessing the nearest words.
"""

from __future__ import annotations

# Command -> the phrases that mean it. Every word must be in the model's CMU dictionary.
SIMPLE = {
    "play": ["play", "play music", "resume"],
    "pause": ["pause", "pause the music", "stop the music"],
    "next": ["next song", "next", "skip", "skip this song"],
    "previous": ["previous", "previous song", "go back"],
    "louder": ["louder", "volume up", "turn it up"],
    "quieter": ["quieter", "volume down", "turn it down"],
    "auto": ["auto", "automatic", "follow my face"],
    "what_is_playing": ["what's playing", "what is playing", "what song is this"],
    "why_this_song": ["why this song", "why is this playing"],
}

# Spoken word -> the emotion (model names) or bucket it stands for.
EMOTION_WORDS = {
    "angry": "angry",
    "disgusted": "disgust",
    "scared": "fear",
    "afraid": "fear",
    "happy": "happy",
    "sad": "sad",
    "surprised": "surprise",
    "neutral": "neutral",
}
BUCKET_WORDS = {
    "upbeat": "upbeat",
    "calm": "calm",
    "rap": "rap",
    "devotional": "devotional",
    "instrumental": "instrumental",
}
MOOD_WORDS = {**EMOTION_WORDS, **BUCKET_WORDS}

PLAY_MOOD_LEADS = ["play something", "play some"]
PLAY_MOOD_TAILS = ["music", "songs"]
FEELING_LEADS = ["i'm feeling", "i am feeling", "i feel", "i'm"]

TOP_RULE = "utterance"
# The garbage model: a loop over common English words of three phones or more that are not
# command words. Speech that is not a command fits it better than any command, so it is
# rejected instead of guessed. (Words of one or two phones fitted pieces of short commands:
# "next" decoded as "who new at"; nor do words that sound like command words: "white" for
# "why", "food" for "next".)
GARBAGE = """about after and any because big black blue book but can car cat city come could dog drink even
family find first for friend from game get give good great green hand have head hello help
him his home house into its just kind left life like little long look make meet money most name
night not number okay one only other over people red right room school small sure take talk
tell than thank thanks that their them there think time use want week well when which will with
work world would year yes your""".split()
# The loop's prior against the commands: lower let more commands through with no more false
# accepts (espeak-ng set: 0.01 -> 80, 1e-12 -> 84 of 96 recognised, 0 of 20 accepted).
GARBAGE_WEIGHT = 1e-12


def garbage_words() -> list[str]:
    """The loop's words: GARBAGE less any word a command uses."""
    used = vocabulary()
    return sorted(w for w in set(GARBAGE) if w not in used)


def is_garbage(text: str) -> bool:
    """True when the decoder's best path went through the garbage loop."""
    garbage = set(garbage_words())
    return any(word in garbage for word in text.split())


def _alternatives(phrases) -> str:
    return " | ".join(f"({p})" for p in phrases)


def jsgf(garbage_weight: float = GARBAGE_WEIGHT) -> str:
    """The grammar text handed to pocketsphinx; garbage_weight 0 leaves the garbage loop out."""
    simple = [phrase for phrases in SIMPLE.values() for phrase in phrases]
    tails = " | ".join(PLAY_MOOD_TAILS)
    top = "<command>"
    if garbage_weight > 0:
        top = f"/{1 - garbage_weight:g}/ <command> | /{garbage_weight:g}/ <garbage>"
    rules = [
        "#JSGF V1.0;",
        "grammar moodplayer;",
        f"public <{TOP_RULE}> = {top};",
        "<command> = <simple> | <play_mood> | <feeling>;",
        f"<garbage> = ({' | '.join(garbage_words())})+;",
        f"<simple> = {_alternatives(simple)};",
        f"<mood> = {' | '.join(MOOD_WORDS)};",
        f"<emotion> = {' | '.join(EMOTION_WORDS)};",
        f"<play_mood> = ({_alternatives(PLAY_MOOD_LEADS)}) <mood> [{tails}];",
        f"<feeling> = ({_alternatives(FEELING_LEADS)}) <emotion>;",
    ]
    return "\n".join(rules) + "\n"


def vocabulary() -> set[str]:
    """Every word the grammar can produce (the tests check each is in the dictionary)."""
    words: set[str] = set()
    phrases = [p for ps in SIMPLE.values() for p in ps]
    phrases += PLAY_MOOD_LEADS + PLAY_MOOD_TAILS + FEELING_LEADS + list(MOOD_WORDS)
    for phrase in phrases:
        words.update(phrase.split())
    return words
