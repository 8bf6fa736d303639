"""One still image analysed: faces and emotion probabilities (classify CLI, photo dialog).

Reading is bounded and byte-safe: the file is read with np.fromfile (any name, even one that is
not valid UTF-8) and decoded with cv2.imdecode. A JPEG larger than MAX_PIXELS is decoded at 1/2,
1/4 or 1/8 of its size by libjpeg itself (IMREAD_REDUCED_COLOR_*, chosen from the header), so
little memory is used; other formats over the limit are refused by OpenCV before it allocates
(OPENCV_IO_MAX_IMAGE_PIXELS). A JPEG or PNG cut short is an error, not "no face".
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field

import cv2
import numpy as np

from moodplayer.emotions import LABELS, Emotion

# ~ 7700 x 5200; bigger JPEGs are decoded reduced. moodplayer/__init__.py gives OpenCV the same
# limit (OPENCV_IO_MAX_IMAGE_PIXELS) for formats whose header is not read here.
MAX_PIXELS = int(os.environ.get("OPENCV_IO_MAX_IMAGE_PIXELS", 40_000_000))

REDUCED = ((1, cv2.IMREAD_COLOR), (2, cv2.IMREAD_REDUCED_COLOR_2), (4, cv2.IMREAD_REDUCED_COLOR_4),
           (8, cv2.IMREAD_REDUCED_COLOR_8))
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class StillFace:
    box: tuple[float, float, float, float]  # x, y, w, h in the original image's pixels
    score: float
    emotion: str
    probabilities: dict[str, float]


@dataclass
class StillResult:
    path: str
    faces: list[StillFace] = field(default_factory=list)
    error: str | None = None  # set: the image could not be analysed, faces is empty
    size: tuple[int, int] | None = None  # width, height as stored in the file
    scale: int = 1  # decoded at 1/scale of that size

    def to_dict(self) -> dict:
        shown = os.fsencode(self.path).decode("utf-8", "replace")
        if self.error is not None:
            return {"path": shown, "error": self.error}
        return {"path": shown, "faces": [
            {"box": [round(v) for v in f.box], "score": round(f.score, 4), "emotion": f.emotion,
             "probabilities": {k: round(v, 4) for k, v in f.probabilities.items()}} for f in self.faces]}


class ImageError(ValueError):
    """The image cannot be analysed; the message is for the user."""


def analyse_image(path: str | bytes | os.PathLike, detector, classifier, profile=None) -> StillResult:
    """Faces and emotions in one image file. profile: a calibration profile, given to a
    classifier that takes one (vision.calibration.CalibratedClassifier)."""
    shown = os.fsdecode(path)
    try:
        frame, size, scale = read_image(path)
    except ImageError as exc:
        return StillResult(shown, error=str(exc))
    if profile is not None:
        classifier.profile = profile
    faces = []
    for face in detector.detect(frame):
        probs = classifier.classify(frame, face.box, face.keypoints[:2])
        faces.append(StillFace(tuple(float(v) * scale for v in face.box), float(face.score),
                               Emotion(int(np.argmax(probs))).label,
                               {label: float(p) for label, p in zip(LABELS, probs, strict=True)}))
    return StillResult(shown, faces, None, size, scale)


def read_image(path: str | bytes | os.PathLike) -> tuple[np.ndarray, tuple[int, int] | None, int]:
    """(BGR frame, stored size or None, reduction) or ImageError with a plain reason."""
    data = _read_bytes(path)
    size = header_size(data)
    if _truncated(data):
        raise ImageError("the image file is cut short (truncated); it ends before the picture does")
    scale, mode = _reduction(size, data[:2].tobytes() == b"\xff\xd8")
    if size is not None and (size[0] // scale) * (size[1] // scale) > MAX_PIXELS:
        raise ImageError(_too_large(size))
    try:
        frame = cv2.imdecode(data, mode)
    except cv2.error:
        frame = None
        if size is None or size[0] * size[1] > MAX_PIXELS:
            raise ImageError(_too_large(size)) from None
    if frame is None or frame.size == 0:
        raise ImageError("cannot read the file as an image (unreadable or not an image)")
    return frame, size, scale


def _read_bytes(path) -> np.ndarray:
    try:
        if os.path.isdir(path):
            raise ImageError("is a directory")
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise ImageError(f"the file is over {MAX_FILE_BYTES // 2**20} MB; not an image to analyse")
        return np.fromfile(os.fsdecode(path), dtype=np.uint8)
    except FileNotFoundError:
        raise ImageError("no such file") from None
    except OSError as exc:
        raise ImageError(f"cannot read it: {exc.strerror or exc}") from None


def _reduction(size: tuple[int, int] | None, jpeg: bool) -> tuple[int, int]:
    """libjpeg decodes at 1/2, 1/4, 1/8 by itself; other decoders would read it whole first."""
    if size is not None and jpeg:
        for scale, mode in REDUCED:
            if (size[0] // scale) * (size[1] // scale) <= MAX_PIXELS:
                return scale, mode
    return REDUCED[0]


def _too_large(size) -> str:
    shown = f"{size[0]} x {size[1]} pixels" if size else "size unknown"
    return (f"the image is too large to analyse ({shown}; at most {MAX_PIXELS // 1_000_000} million "
            f"pixels, or a JPEG of up to 64 times that); scale it down first")


def header_size(data: np.ndarray) -> tuple[int, int] | None:
    """(width, height) from a PNG or JPEG header, without decoding; None for other formats."""
    head = data[:64].tobytes()
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        return struct.unpack(">II", head[16:24])
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: np.ndarray) -> tuple[int, int] | None:
    raw = data[:1 << 20].tobytes()  # the frame header comes before the picture data
    i = 2
    while i + 9 < len(raw):
        if raw[i] != 0xFF:
            return None
        marker = raw[i + 1]
        length = struct.unpack(">H", raw[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", raw[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def _truncated(data: np.ndarray) -> bool:
    """A JPEG without its end marker, or a PNG without IEND: decoders fill in grey for the rest."""
    # JPEG: the last 64 KB, so a camera's trailer after the end marker is no false alarm.
    head, tail = data[:8].tobytes(), data[-65536:].tobytes()
    if head.startswith(b"\xff\xd8"):
        return b"\xff\xd9" not in tail
    if head.startswith(b"\x89PNG"):
        return b"IEND" not in tail
    return False
