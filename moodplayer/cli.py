"""Command line: no subcommand opens the window; subcommands run headless."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import urllib.parse

from moodplayer import __version__
from moodplayer.config import parse_camera_index

# Each subcommand lives in moodplayer/commands/<name>.py with add_arguments(p) and run(args).
SUBCOMMANDS = {
    "scan": "scan a music folder and sort it into mood buckets",
    "classify": "find faces in images and classify their emotion",
    "evaluate": "score the emotion model on FER2013 / FER+ rows",
    "bench": "measure vision latency, frame rate and library scan rate",
    "play": "play the queue for an emotion through VLC",
    "calibrate": "learn a personal calibration profile from labelled faces",
    "watch": "print the mood timeline the app would see in a video file",
    "listen": "recognise voice commands in WAV files (offline, pocketsphinx)",
    "diary": "summarise the mood diary: moods over time, plays, skips, the goal's effect",
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
    source.add_argument("--camera", type=parse_camera_index, metavar="N",
                        help="camera index, 0 or more (default: settings)")
    source.add_argument("--video", metavar="FILE", help="use a video file as the camera")
    source.add_argument("--no-camera", action="store_true", help="start with the camera off")
    parser.add_argument("--screenshot", metavar="FILE",
                        help="open the window, let it settle, save a picture of it to FILE and exit")
    parser.add_argument("--install-desktop", action="store_true",
                        help="add MoodPlayer to the desktop's app menu (entry, icons, AppStream data)")
    parser.add_argument("--uninstall-desktop", action="store_true", help="take it out of the app menu again")
    parser.epilog = "moodplayer [options] FILE... plays those files now (in the open window if there is one)."
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in SUBCOMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        _command_module(name).add_arguments(sub)
    return parser


def _command_module(name: str):
    return importlib.import_module(f"moodplayer.commands.{name}")


def split_files(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[list[str], list[str]]:
    """`moodplayer FILE...`: argparse cannot take optional positionals before subcommands, so the
    bare words before any subcommand name are taken out first. Returns (files, the rest)."""
    takes_value = {name for action in parser._actions if action.option_strings and action.nargs != 0
                   for name in action.option_strings}
    files, rest, i = [], [], 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            files += argv[i + 1:]
            break
        if token.startswith("-") and token != "-":
            rest.append(token)
            if token in takes_value and i + 1 < len(argv):
                i += 1
                rest.append(argv[i])
        elif token in SUBCOMMANDS or _looks_like_command(token):
            rest += argv[i:]  # argparse names the commands when this one is mistyped
            break
        else:
            files.append(local_path(token))
        i += 1
    return files, rest


def _looks_like_command(word: str) -> bool:
    return not os.path.exists(word) and not any(c in word for c in "/.~:")


def local_path(word: str) -> str:
    """File managers pass file:// URIs (Exec=moodplayer %U); everything else is a path as given."""
    parsed = urllib.parse.urlsplit(word)
    if parsed.scheme == "file":
        return urllib.parse.unquote(parsed.path)
    return word


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    files, rest = split_files(parser, list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(rest)
    args.files = files
    if args.install_desktop or args.uninstall_desktop:
        from moodplayer import desktop

        return desktop.run(uninstalling=args.uninstall_desktop)
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
