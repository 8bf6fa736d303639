"""The figures the About dialog quotes from models/MODEL_CARD.md."""

from __future__ import annotations

import re
from pathlib import Path

from moodplayer.config import MODELS_DIR

NUMBERS = re.compile(r"accuracy|macro[- ]?f1|\bf1\b|latency|\bms\b", re.IGNORECASE)


def model_card_numbers(path: Path | None = None) -> list[str]:
    """From models/MODEL_CARD.md: the tables whose header names accuracy, F1 or
    latency (whole), and other lines stating such a figure."""
    path = path or MODELS_DIR / "MODEL_CARD.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    kept, in_table, wanted_table = [], False, False
    for line in (raw.strip() for raw in text.splitlines()):
        if line.startswith("|"):
            if not in_table:
                in_table, wanted_table = True, bool(NUMBERS.search(line))
            if wanted_table and not set(line) <= set("|-: "):
                kept.append(line)
            continue
        in_table = False
        if NUMBERS.search(line) and re.search(r"\d", line):
            kept.append(line.lstrip("-* "))
    return kept[:24]
