"""Small helpers shared by the subcommands."""

from __future__ import annotations

import json
import sys


def emit(payload: dict, as_json: bool, text: str) -> None:
    """Print one JSON object (--json) or a human-readable text."""
    if as_json:
        json.dump(payload, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(text)


def fail(message: str, code: int = 1) -> int:
    print(f"moodplayer: {message}", file=sys.stderr)
    return code
