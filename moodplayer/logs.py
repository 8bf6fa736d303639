"""Logging to stderr and to a rotating file in the platformdirs log dir."""

from __future__ import annotations

import logging
import logging.handlers

from moodplayer import config

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(verbose: bool = False) -> None:
    root = logging.getLogger()
    if getattr(root, "_moodplayer_configured", False):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    stderr.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(stderr)
    try:
        file = logging.handlers.RotatingFileHandler(
            config.log_dir() / "moodplayer.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        file.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(file)
    except OSError as exc:
        root.warning("No log file (%s); logging to stderr only", exc)
    root._moodplayer_configured = True
