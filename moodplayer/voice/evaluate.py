"""Recognition rate, false accepts and latency of the voice commands, on speech made with
espeak-ng (several voices and speeds): `python -m moodplayer.voice.evaluate [--json]`.

The same cases are what the tests speak; this runs the larger set for the numbers quoted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from moodplayer.voice.grammar import EMOTION_WORDS, MOOD_WORDS, SIMPLE

VOICES = ("en-us", "en-gb", "en+f3")
SPEEDS = (140, 175)
# Never used to choose the grammar's garbage words or weight.
NOT_COMMANDS = ("the weather is nice today", "open the window please", "call my mother tomorrow",
                "how are you doing", "i like turtles", "what time is it", "send an email to john",
                "turn on the lights", "good morning everyone", "where are my keys")


def command_cases(every_phrase: bool = False) -> list[tuple[str, str]]:
    """(text, expected command): the first phrase of each command (every phrase if asked),
    "play something <word>" for each mood word and "i'm feeling <word>" for each emotion word."""
    cases = [(p, c) for c, phrases in SIMPLE.items() for p in (phrases if every_phrase else phrases[:1])]
    cases += [(f"play something {w}", f"play_mood:{m}") for w, m in MOOD_WORDS.items()]
    cases += [(f"i'm feeling {w}", f"feeling:{m}") for w, m in EMOTION_WORDS.items()]
    return cases


def speak(text: str, path: Path, voice: str = "en-us", speed: int = 160) -> Path:
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text],
                   check=True, capture_output=True)
    return path


def evaluate(recognizer, folder: Path, voices=VOICES, speeds=SPEEDS, every_phrase: bool = True) -> dict:
    cases = command_cases(every_phrase) + [(text, None) for text in NOT_COMMANDS]
    rows = []
    for index, (text, expected) in enumerate(cases):
        for voice in voices:
            for speed in speeds:
                wav = speak(text, folder / f"{index}-{voice}-{speed}.wav", voice, speed)
                heard = recognizer.recognize_file(wav)
                rows.append({"text": text, "voice": voice, "speed": speed, "expected": expected,
                             "command": heard.command, "heard": heard.text, "seconds": heard.seconds})
    return summarise(rows)


def summarise(rows: list[dict]) -> dict:
    said = [r for r in rows if r["expected"]]
    other = [r for r in rows if not r["expected"]]
    latency = sorted(r["seconds"] for r in rows)
    return {
        "commands": len(said),
        "recognised": sum(r["command"] == r["expected"] for r in said),
        "rejected": sum(r["command"] is None for r in said),
        "wrong": sum(r["command"] not in (None, r["expected"]) for r in said),
        "not_commands": len(other),
        "false_accepts": sum(r["command"] is not None for r in other),
        "latency_ms": {"mean": round(1000 * statistics.fmean(latency), 1),
                       "median": round(1000 * statistics.median(latency), 1),
                       "p95": round(1000 * latency[int(0.95 * (len(latency) - 1))], 1),
                       "max": round(1000 * latency[-1], 1)},
        "misses": [r for r in said if r["command"] != r["expected"]],
        "accepted": [r for r in other if r["command"] is not None],
    }


def main(argv: list[str] | None = None) -> int:
    from moodplayer.voice.recognizer import Recognizer

    parser = argparse.ArgumentParser(prog="python -m moodplayer.voice.evaluate", description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="moodplayer-voice-") as folder:
        result = evaluate(Recognizer(), Path(folder))
    if args.json:
        print(json.dumps(result))
    else:
        print(f"recognised {result['recognised']} of {result['commands']} commands "
              f"({result['recognised'] / result['commands']:.1%}), wrong {result['wrong']}, "
              f"false accepts {result['false_accepts']} of {result['not_commands']}; "
              f"latency per utterance {result['latency_ms']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
