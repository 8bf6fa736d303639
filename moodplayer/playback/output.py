"""Which audio output libVLC gets, chosen here instead of letting it probe.

Left to itself libVLC tries ALSA on a machine without a sound card and ALSA writes ~430 lines a
second to stderr while the app shows "playing". So: PulseAudio (or PipeWire's pulse server) when
its socket is there, ALSA only when /proc/asound/cards lists a card, else libVLC's silent
"adummy" output and a plain message that nothing will be heard. A play with no output is never
counted as completed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CARDS = Path("/proc/asound/cards")
NO_OUTPUT = ("no audio output: no PulseAudio/PipeWire server is running and no sound card was found "
             "(/proc/asound/cards); playing silently, plays are not counted as heard")
EARLY_END_SHARE = 0.5  # ended before half its length, with no seek: the file is shorter than it says
# libVLC reports the end once the file is read, up to ~1 s before its audio is out (a 1 s file
# "ends" after 0.12 s on adummy), so the played time gets this much benefit of the doubt.
END_SLACK = 1.5


@dataclass(frozen=True)
class Output:
    name: str  # "pulse", "alsa" or "none"
    args: tuple[str, ...]  # libVLC options
    problem: str | None  # for the window and stderr; None when there is somewhere to play


def choose_output(environ=None, cards: Path = CARDS) -> Output:
    environ = os.environ if environ is None else environ
    if _pulse_server(environ):
        return Output("pulse", ("--aout=pulse",), None)
    if has_sound_card(cards):
        return Output("alsa", ("--aout=alsa",), None)
    return Output("none", ("--aout=adummy",), NO_OUTPUT)


def _pulse_server(environ) -> bool:
    """PULSE_SERVER, or the native socket PulseAudio and pipewire-pulse open in the runtime dir."""
    if environ.get("PULSE_SERVER"):
        return True
    runtime = environ.get("XDG_RUNTIME_DIR")
    return bool(runtime) and Path(runtime, "pulse", "native").exists()


def has_sound_card(cards: Path = CARDS) -> bool:
    try:
        text = cards.read_text(errors="replace")
    except OSError:
        return False
    return bool(text.strip()) and "no soundcards" not in text


def end_reason(heard: bool, wall_seconds: float, length: float | None, checked: bool) -> str:
    """How a track that libVLC says reached its end counts: "completed" only when it was heard
    and played for about its length; "unheard" with no audio output; "cut short" when it ended
    after less than half its length (a 200-byte MP3 whose header claims 8 s)."""
    if not heard:
        return "unheard"
    if checked and length and wall_seconds + END_SLACK < length * EARLY_END_SHARE:
        return "cut short"
    return "completed"
