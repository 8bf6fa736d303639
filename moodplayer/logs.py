"""Logging to stderr and to a rotating file in the platformdirs log dir.

Logging never raises, whatever it is handed: file names that are not valid UTF-8 arrive as
surrogate escapes (os.fsdecode) and are written as backslash escapes, never "--- Logging error ---".
"""

from __future__ import annotations

import logging
import logging.handlers
import sys

from moodplayer import config

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class SafeFormatter(logging.Formatter):
    """A record's text with every character any stream can take: lone surrogates (undecodable
    bytes of a file name) become \\udcXX."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (it may be replaced after start-up), with
    characters its encoding lacks escaped."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
            encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
            sys.stderr.write(text.encode(encoding, "backslashreplace").decode(encoding) + self.terminator)
            self.flush()
        except (OSError, ValueError):
            pass  # stderr closed (a detached terminal): the log file still has it
        except Exception:
            self.handleError(record)


def setup_logging(verbose: bool = False) -> None:
    root = logging.getLogger()
    if getattr(root, "_moodplayer_configured", False):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    stderr = StderrHandler()
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    stderr.setFormatter(SafeFormatter("%(levelname)s: %(message)s"))
    root.addHandler(stderr)
    try:
        file = logging.handlers.RotatingFileHandler(
            config.log_dir() / "moodplayer.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8",
            errors="backslashreplace")
        file.setFormatter(SafeFormatter(FORMAT))
        root.addHandler(file)
    except OSError as exc:
        root.warning("No log file (%s); logging to stderr only", exc)
    root._moodplayer_configured = True
