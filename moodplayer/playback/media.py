"""What libVLC is told to open, and where a saved position may resume.

python-vlc's media_new_path() encodes a str path as UTF-8 and dies (UnicodeEncodeError) on a
file name that is not valid UTF-8, which os.fsdecode() hands over with surrogate escapes. A
file:// URI with the name's own bytes percent-encoded reaches libVLC as plain ASCII and names
exactly the same file.
"""

from __future__ import annotations

import math
import os
from urllib.parse import quote

END_MARGIN = 1.0  # a restored position closer than this to the end starts the track again


def media_location(path: str | bytes | os.PathLike) -> str:
    """A file:// URI for any local path, whatever bytes its name holds."""
    raw = os.fsencode(os.path.abspath(os.fsdecode(path)) if not isinstance(path, bytes)
                      else os.path.abspath(path))
    return "file://" + quote(raw, safe="/")


def clamp_position(position, length: float | None) -> float:
    """A saved position made safe to resume at: not negative, not NaN, and inside the track
    (at or past its end means from the start: state.json once held 27:46:39 for a 0:28 track)."""
    try:
        position = float(position)
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(position) or position < 0:
        return 0.0
    if length and math.isfinite(length) and position > max(length - END_MARGIN, 0.0):
        return 0.0
    return position
