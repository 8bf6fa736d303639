"""Where frames come from (`CameraChoice`) and which cameras this machine has."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CameraChoice:
    """Where frames come from: a camera index, a video file (looped), or none."""

    index: int | None = 0
    video: str | None = None

    @property
    def enabled(self) -> bool:
        return self.index is not None or self.video is not None


def available_cameras() -> list[tuple[int, str]]:
    """(index, name) of the cameras this machine shows; Linux reads sysfs, others
    list the first few indexes (opening each would start the cameras)."""
    sysfs = Path("/sys/class/video4linux")
    if sys.platform.startswith("linux"):
        found = []
        for entry in sorted(sysfs.glob("video*")) if sysfs.is_dir() else []:
            index = entry.name.removeprefix("video")
            if not index.isdigit() or _is_metadata_node(entry):
                continue
            name = (entry / "name").read_text(errors="replace").strip() if (entry / "name").is_file() else ""
            found.append((int(index), f"{name or 'Camera'} (/dev/video{index})"))
        return found
    return [(i, f"Camera {i}") for i in range(4)]


def _is_metadata_node(entry: Path) -> bool:
    # UVC cameras expose a second node for metadata with index 1; it gives no picture.
    try:
        return (entry / "index").read_text().strip() not in ("", "0")
    except OSError:
        return False
