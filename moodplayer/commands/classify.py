"""moodplayer classify (not available yet)."""

from __future__ import annotations

import sys


def add_arguments(parser) -> None:
    parser.add_argument("rest", nargs="*", help="arguments")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    print("moodplayer classify: not available yet", file=sys.stderr)
    return 1
