"""moodplayer listen --wav FILE... : voice commands recognised in WAV files.

The same decoder and command parsing as the microphone (the window's push-to-talk): each
file is read, resampled to 16 kHz mono and decoded against the command grammar; speech that
is not a command gives "command": null. An unreadable file gets an "error" and exit status 1;
the others are still reported. Exit 2 when the recogniser cannot start.
"""

from __future__ import annotations

from moodplayer.commands.common import emit, fail


def add_arguments(parser) -> None:
    parser.add_argument("--wav", nargs="+", required=True, metavar="FILE",
                        help="audio files holding one spoken command each (WAV; any rate, mono or stereo)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    from moodplayer.voice.recognizer import Recognizer, VoiceError

    try:
        recognizer = Recognizer()
    except (VoiceError, RuntimeError, ValueError, OSError) as exc:
        return fail(f"cannot start the speech recogniser: {exc}", 2)
    results = [listen_file(recognizer, path) for path in args.wav]
    emit({"results": results}, args.json, "\n".join(_describe(r) for r in results))
    return 1 if any("error" in r for r in results) else 0


def listen_file(recognizer, path: str) -> dict:
    from moodplayer.voice.recognizer import VoiceError

    try:
        heard = recognizer.recognize_file(path)
    except VoiceError as exc:
        return {"path": path, "command": None, "text": "", "confidence": 0.0, "error": str(exc)}
    return {"path": path, **heard.to_json(), "seconds": round(heard.seconds, 4)}


def _describe(result: dict) -> str:
    if "error" in result:
        return f"{result['path']}: {result['error']}"
    if result["command"] is None:
        said = f" (heard {result['text']!r})" if result["text"] else ""
        return f"{result['path']}: not a command{said}"
    heard = f"{result['text']!r}, confidence {result['confidence']:.2f}"
    return f"{result['path']}: {result['command']} — {heard}"
