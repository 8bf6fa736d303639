"""The fault corpus: files a desktop meets that must never crash MoodPlayer or lose its data.

    python packaging/make_faults.py OUT     writes the corpus under OUT (about 2 MB on disk;
                                            sparse and highly compressible files stand for
                                            the gigabyte ones)

tests/test_faults.py builds it in a temporary folder with make_all(); nothing of it is
committed. Each entry is deterministic (fixed seeds), so a failure can be reproduced.

  audio/      every supported extension as an empty file, as random bytes and (where a real
              file can be made here) cut in half; an MP3 that is only its 200-byte header but
              claims 8 s; a WAV header claiming 1024 channels over a 1 GB sparse file
  names/      playable WAVs whose names are not UTF-8, hold a newline, or are 240 bytes long
  images/     a JPEG cut short, a 20000x20000 PNG (390 KB of zlib), a 9000x9000 JPEG, text
              named .png, an empty .jpg, a face picture with a non-UTF-8 name
  video/      the face video under a non-UTF-8 name, random bytes named .mp4
  settings/   settings.json files with wrongly typed fields, a list, null, not JSON
  databases/  a library with one damaged region, random bytes, half a file, a newer schema
"""

from __future__ import annotations

import io
import json
import os
import random
import sqlite3
import struct
import sys
import wave
import zlib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
FACE_VIDEO = REPO / "tests" / "data" / "astronaut.mp4"
AUDIO_EXTENSIONS = (".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".m4b", ".mp4", ".wav", ".wma",
                    ".asf", ".aif", ".aiff")
NON_UTF8 = b"caf\xe9 \xff\xfe"  # Latin-1 "café" and bytes no UTF-8 text holds

SETTINGS = {
    "volume_text.json": '{"volume": "loud", "angry_plays": "rap"}',
    "volume_null.json": '{"volume": null, "angry_plays": "rap"}',
    "volume_huge.json": '{"volume": 1e300, "angry_plays": "rap"}',
    "mapping_list.json": '{"mapping": ["calm"], "angry_plays": "rap"}',
    "mapping_number.json": '{"mapping": {"sad": 7}, "angry_plays": "rap"}',
    "camera_negative.json": '{"camera_index": -1, "angry_plays": "rap"}',
    "dwell_nan.json": '{"dwell_seconds": NaN, "angry_plays": "rap"}',
    "a_list.json": "[1, 2, 3]",
    "null.json": "null",
    "not_json.json": "{ volume: 80 ",
    "latin1.json": '{"music_dir": "caf\xe9"}',
}


def tone(seconds: float, rate: int = 8000) -> np.ndarray:
    return (0.2 * np.sin(2 * np.pi * 330 * np.arange(int(rate * seconds)) / rate)).astype(np.float32)


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((tone(seconds, rate) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def encoded(extension: str, seconds: float) -> bytes | None:
    """A real file of this format made with libsndfile, None where it cannot make one."""
    formats = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".mp3": "MP3", ".aiff": "AIFF", ".aif": "AIFF"}
    if extension not in formats:
        return None
    try:
        import soundfile
    except ImportError:
        return wav_bytes(seconds) if extension == ".wav" else None
    out = io.BytesIO()
    try:
        soundfile.write(out, tone(seconds, 22050), 22050, format=formats[extension])
    except (RuntimeError, TypeError, ValueError):
        return None
    return out.getvalue()


def make_audio(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for number, extension in enumerate(AUDIO_EXTENSIONS):
        stem = extension[1:]
        made[f"empty{extension}"] = _write(folder / f"empty{extension}", b"")
        noise = random.Random(number).randbytes(4096)
        made[f"random{extension}"] = _write(folder / f"random{extension}", noise)
        real = encoded(extension, 4.0)
        if real is not None:
            made[f"half{extension}"] = _write(folder / f"half_{stem}{extension}", real[:len(real) // 2])
    full = encoded(".mp3", 8.0)
    if full is not None:
        made["header_only.mp3"] = _write(folder / "header_only.mp3", full[:200])
    # An AIFF "FORM" header then noise: mutagen once gave "'ascii' codec can't decode..." as the reason.
    made["random_form.aiff"] = _write(folder / "random_form.aiff", b"FORM" + random.Random(0).randbytes(3000))
    made["text.mp3"] = _write(folder / "text.mp3", b"this is a shopping list, not a song\n" * 20)
    made["huge_channels.wav"] = huge_channel_wav(folder / "huge_channels.wav")
    return made


def huge_channel_wav(path: Path, channels: int = 1024, size: int = 1 << 30) -> Path:
    """A WAV header claiming `channels` channels of 16-bit audio over a sparse `size`-byte file."""
    rate, width = 44100, 2
    data = size - 44
    header = (b"RIFF" + struct.pack("<I", size - 8) + b"WAVE" + b"fmt " +
              struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * width, channels * width, 16) +
              b"data" + struct.pack("<I", data))
    with open(path, "wb") as out:
        out.write(header)
        out.truncate(size)  # sparse: no disk used
    return path


def make_names(folder: Path) -> dict[str, bytes]:
    """Playable 2 s WAVs under odd names; values are the byte paths."""
    folder.mkdir(parents=True, exist_ok=True)
    audio = wav_bytes(2.0)
    names = {"non_utf8": NON_UTF8 + b".wav", "newline": b"first line\nsecond line.wav",
             "long": b"l" * 236 + b".wav", "leading_dash": b"-rf --help.wav"}
    made = {}
    for key, name in names.items():
        path = os.fsencode(folder) + b"/" + name
        with open(path, "wb") as out:
            out.write(audio)
        made[key] = path
    return made


def face_frame() -> np.ndarray:
    import cv2

    capture = cv2.VideoCapture(str(FACE_VIDEO))
    ok, frame = capture.read()
    capture.release()
    if not ok:
        raise RuntimeError(f"cannot read a frame of {FACE_VIDEO}")
    return frame


def make_images(folder: Path) -> dict[str, Path | bytes]:
    import cv2

    folder.mkdir(parents=True, exist_ok=True)
    frame = face_frame()
    jpeg = cv2.imencode(".jpg", frame)[1].tobytes()
    png = cv2.imencode(".png", frame)[1].tobytes()
    made: dict[str, Path | bytes] = {
        "truncated.jpg": _write(folder / "truncated.jpg", jpeg[:len(jpeg) * 6 // 10]),
        "truncated.png": _write(folder / "truncated.png", png[:len(png) // 2]),
        "text.png": _write(folder / "text.png", b"not a picture\n" * 40),
        "empty.jpg": _write(folder / "empty.jpg", b""),
        "face.jpg": _write(folder / "face.jpg", jpeg),
        "huge.png": huge_png(folder / "huge.png"),
        "big.jpg": _write(folder / "big.jpg", big_jpeg()),
    }
    odd = os.fsencode(folder) + b"/" + NON_UTF8 + b" face.png"
    with open(odd, "wb") as out:
        out.write(png)
    made["non_utf8_face.png"] = odd
    return made


def huge_png(path: Path, width: int = 20000, height: int = 20000) -> Path:
    """A black greyscale PNG of width x height: 400 M pixels in ~390 KB."""
    squeeze = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + pixels
    parts = [squeeze.compress(row) for _ in range(height)] + [squeeze.flush()]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) +
                     chunk(b"IEND", b""))
    return path


def big_jpeg(side: int = 9000) -> bytes:
    """81 M pixels of stripes: over the still-image limit, decoded at 1/2 by libjpeg."""
    import cv2

    picture = np.zeros((side, side), np.uint8)
    picture[::40] = 255
    return cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, 50])[1].tobytes()


def make_video(folder: Path) -> dict[str, Path | bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    odd = os.fsencode(folder) + b"/" + NON_UTF8 + b".mp4"
    with open(odd, "wb") as out:
        out.write(FACE_VIDEO.read_bytes())
    return {"non_utf8.mp4": odd,
            "random.mp4": _write(folder / "random.mp4", random.Random(7).randbytes(64 * 1024))}


def make_settings(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: _write(folder / name, text.encode("latin-1")) for name, text in SETTINGS.items()}


def make_databases(folder: Path) -> dict[str, Path]:
    """Damaged copies of a real library (200 tracks, 12 favourites, 12 plays)."""
    sys.path.insert(0, str(REPO))
    from moodplayer.library.schema import MIGRATIONS
    from moodplayer.library.store import FileRecord, Store
    from moodplayer.library.tags import Tags

    folder.mkdir(parents=True, exist_ok=True)
    good = folder / "good.sqlite3"
    with Store(good) as store:
        store.save_files([FileRecord(f"/music/{i:04d}.mp3".encode(), 1000 + i, 1,
                                     Tags(title=f"Song {i} " + "x" * 80).values(), {"calm": "slow"})
                          for i in range(200)])
        for track in store.tracks()[-12:]:
            store.set_favourite(track.id, True)
            store.record_play(track.id, "completed", "happy")
    data = good.read_bytes()
    made = {"good": good}
    bad = bytearray(data)
    start = len(bad) // 3
    bad[start:start + 8192] = random.Random(1).randbytes(8192)  # two pages in the tracks table
    made["damaged_pages"] = _write(folder / "damaged_pages.sqlite3", bytes(bad))
    made["random"] = _write(folder / "random.sqlite3", random.Random(2).randbytes(56 * 1024))
    made["half"] = _write(folder / "half.sqlite3", data[:len(data) // 2])
    newer = folder / "newer.sqlite3"
    _write(newer, data)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    made["newer"] = newer
    return made


def make_all(root: Path) -> dict[str, dict]:
    root = Path(root)
    return {"audio": make_audio(root / "audio"), "names": make_names(root / "names"),
            "images": make_images(root / "images"), "video": make_video(root / "video"),
            "settings": make_settings(root / "settings"), "databases": make_databases(root / "databases")}


def _write(path: Path, data: bytes) -> Path:
    Path(path).write_bytes(data)
    return Path(path)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    made = make_all(Path(argv[0]))
    print(json.dumps({kind: sorted(files) for kind, files in made.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
