"""Sanity checks on what an audio file's header claims, before it is believed.

library.features refuses absurd channel counts, rates and frame counts before decoding
(features.check_header). Here: a header whose length and bitrate promise far more bytes than the
file holds. A 200-byte MP3 that is only its first frame header and claims 8 s would otherwise be
listed as an 8 s track, and libVLC "plays" it for a second.
"""

from __future__ import annotations

SHORT_SHARE = 0.2  # under a fifth of the promised bytes: the audio is not there
SHORT_MIN_BYTES = 4096  # ... and at least this many missing (tags, rounding and tiny files aside)


def missing_audio(size: int, length: float | None, bitrate: int | float | None) -> str | None:
    """Why the file cannot hold the audio its header claims, or None when it plausibly does.
    bitrate in bits per second (mutagen's info.bitrate); unknown (0/None) is never a problem."""
    if not length or not bitrate or length <= 0 or bitrate <= 0:
        return None
    promised = length * bitrate / 8
    if size < promised * SHORT_SHARE and promised - size > SHORT_MIN_BYTES:
        return (f"the audio is missing: {size:,} bytes cannot hold the {length:.0f} s at "
                f"{bitrate / 1000:.0f} kbit/s its header claims (cut short?)")
    return None
