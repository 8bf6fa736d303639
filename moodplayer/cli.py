"""Command line: no subcommand opens the window; subcommands run headless."""

from __future__ import annotations

import argparse
import importlib
import sys

from moodplayer import __version__

# Each subcommand lives in moodplayer/commands/<name>.py with add_arguments(p) and run(args).
SUBCOMMANDS = {
    "scan": "scan a music folder and sort it into mood buckets",
    "classify": "find faces in images and classify their emotion",
    "evaluate": "score the emotion model on FER2013 / FER+ rows",
    "bench": "measure vision latency, frame rate and library scan rate",
    "play": "play the queue for an emotion through VLC",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moodplayer",
        description="Plays music from your own library to match the mood on your face.",
    )
    parser.add_argument("--version", action="version", version=f"moodplayer {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--music-dir", help="music folder to use (remembered)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--camera", type=int, metavar="N", help="camera index (default: settings)")
    source.add_argument("--video", metavar="FILE", help="use a video file as the camera")
    source.add_argument("--no-camera", action="store_true", help="start with the camera off")
    parser.add_argument("--screenshot", metavar="FILE",
                        help="open the window, let it settle, save a picture of it to FILE and exit")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in SUBCOMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        _command_module(name).add_arguments(sub)
    return parser


def _command_module(name: str):
    return importlib.import_module(f"moodplayer.commands.{name}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from moodplayer.logs import setup_logging

    setup_logging(args.verbose)
    if args.command:
        try:
            return int(_command_module(args.command).run(args) or 0)
        except KeyboardInterrupt:
            return 130
    from moodplayer.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
