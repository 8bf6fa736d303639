"""Paths (platformdirs) and user settings, written atomically."""

from __future__ import annotations

import atexit
import importlib.resources
import json
import logging
import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

from platformdirs import PlatformDirs

log = logging.getLogger(__name__)

APP_NAME = "moodplayer"
PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout, in development


def _data_root() -> Path:
    """A wheel or bundle carries models/, resources/ and music_library/ in moodplayer/_data;
    a checkout has them at its top level."""
    packaged = importlib.resources.files(__package__) / "_data"
    return Path(str(packaged)) if packaged.is_dir() else PROJECT_ROOT


DATA_ROOT = _data_root()
MODELS_DIR = Path(os.environ.get("MOODPLAYER_MODELS", DATA_ROOT / "models"))
RESOURCES_DIR = DATA_ROOT / "resources"
DEMO_LIBRARY = DATA_ROOT / "music_library"


def dirs() -> PlatformDirs:
    # Read each time so tests (and users) can point XDG_* elsewhere.
    return PlatformDirs(APP_NAME, appauthor=False)


def data_dir() -> Path:
    return _ensure(Path(dirs().user_data_dir))


def config_dir() -> Path:
    return _ensure(Path(dirs().user_config_dir))


def cache_dir() -> Path:
    return _ensure(Path(dirs().user_cache_dir))


def log_dir() -> Path:
    return _ensure(Path(dirs().user_log_dir))


def database_path() -> Path:
    return data_dir() / "library.sqlite3"


def settings_path() -> Path:
    return config_dir() / "settings.json"


def state_path() -> Path:
    return data_dir() / "state.json"


_STAND_INS: dict[Path, Path] = {}


def _ensure(path: Path) -> Path:
    """The folder, made if missing; when it cannot be (HOME is a file...), a temporary folder
    for this session instead, with one warning: the app runs, nothing there outlives it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        return path
    except OSError as exc:
        if path not in _STAND_INS:
            _STAND_INS[path] = Path(tempfile.mkdtemp(prefix=f"moodplayer-{path.name}-"))
            atexit.register(shutil.rmtree, _STAND_INS[path], True)
            log.warning("Cannot make the folder %s (%s); using %s for this session, nothing there is kept",
                        path, exc.strerror or exc, _STAND_INS[path])
        return _STAND_INS[path]


# What an emotion can play: a bucket, or a pick from play history.
MAP_TARGETS = ("upbeat", "calm", "rap", "devotional", "instrumental", "favourites", "new")


def default_mapping() -> dict[str, list[str]]:
    """Emotion -> what plays. `favourites` and `new` come from play history."""
    return {
        "happy": ["upbeat"],
        "sad": ["calm"],
        "neutral": ["favourites"],
        "angry": ["upbeat", "rap"],
        "fear": ["devotional"],
        "surprise": ["new"],
        "disgust": ["instrumental"],
    }


@dataclass
class Settings:
    music_dir: str = ""
    camera_enabled: bool = True
    camera_index: int = 0
    switch_mode: str = "after_track"  # or "now" (fade out, switch at once)
    dwell_seconds: float = 2.5
    angry_plays: str = "both"  # "upbeat", "rap" or "both"
    mapping: dict[str, list[str]] = field(default_factory=default_mapping)
    minimize_to_tray: bool = False
    welcomed: bool = False
    volume: int = 80
    notifications: bool = True  # a desktop notification when the track changes
    preferred_languages: list[str] = field(default_factory=list)  # e.g. ["Telugu"]: weighted up in queues
    only_preferred_languages: bool = False  # and tracks in other (or unknown) languages left out
    goal: str = "match"  # or "lift" / "calm" (moods.goals)
    diary_enabled: bool = True  # record confirmed moods and plays in diary.sqlite3 (moods.diary)
    # What load() replaced by a default (not saved; for the window to show).
    problems: list[str] = field(default_factory=list, compare=False, repr=False, metadata={"saved": False})

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Defaults where the file is missing; a file that is not a JSON object is kept aside,
        not lost; a field of the wrong type or range is reported and gets its default, the
        others are kept. `problems` lists what was replaced, for the window."""
        try:
            path = path or settings_path()
            raw = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("settings file does not hold a JSON object")
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            return cls._unusable(path, exc)
        settings, problems = cls(), []
        for item in fields(cls):
            if item.name not in raw or not item.metadata.get("saved", True):
                continue
            default = getattr(settings, item.name)
            try:
                setattr(settings, item.name, _checked(item.name, raw[item.name], default, problems))
            except ValueError as exc:
                problems.append(f"{item.name}: {exc}; using {default!r}")
        for problem in problems:
            log.warning("Settings file %s: %s", path, problem)
        settings.problems = problems
        return settings

    @classmethod
    def _unusable(cls, path: Path | None, exc: Exception) -> Settings:
        if path is None:  # the config folder itself cannot be made (HOME is a file...)
            log.warning("No settings folder (%s); using defaults, settings will not be saved", exc)
            return cls()
        kept = path.with_suffix(".json.broken")
        log.warning("Settings file %s is unreadable (%s); using defaults, kept it as %s", path, exc, kept)
        try:
            os.replace(path, kept)
        except OSError:
            pass
        settings = cls()
        settings.problems = [f"the file could not be read ({exc}); kept it as {kept.name}, using defaults"]
        return settings

    def save(self, path: Path | None = None) -> bool:
        """False (and a warning naming the file) when the disk refuses: the app goes on."""
        try:
            path = path or settings_path()
            write_json_atomic(path, {f.name: getattr(self, f.name) for f in fields(self)
                                     if f.metadata.get("saved", True)})
        except OSError as exc:
            log.warning("Settings not saved to %s: %s", path or "the config folder", exc.strerror or exc)
            return False
        return True


CHOICES = {"switch_mode": ("after_track", "now"), "angry_plays": ("upbeat", "rap", "both"),
           "goal": ("match", "lift", "calm")}
RANGES = {"camera_index": (0, 99), "volume": (0, 100), "dwell_seconds": (0.0, 60.0)}


def _checked(name: str, value, default, problems: list[str]):
    """`value` if it fits the field `name` (type of `default`, range, choices); else ValueError."""
    if name == "mapping":
        return _checked_mapping(value, problems)
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise ValueError(f"{value!r} is not one of {', '.join(CHOICES[name])}")
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return value
    if isinstance(default, int | float):
        return _checked_number(name, value, default)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        return value
    if default is not None and not isinstance(value, type(default)):
        raise ValueError(f"{value!r} is not a {type(default).__name__}")
    return value


def _checked_number(name: str, value, default):
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(default, int) and value != int(value):
        raise ValueError(f"{value!r} is not a whole number")
    low, high = RANGES.get(name, (-math.inf, math.inf))
    if not low <= value <= high:
        raise ValueError(f"{value!r} is outside {low}..{high}")
    return type(default)(value)


def _checked_mapping(value, problems: list[str]) -> dict[str, list[str]]:
    """Emotion -> list of targets; a bad entry gets its default, the good ones stay."""
    if not isinstance(value, dict):
        raise ValueError(f"{type(value).__name__} is not an object of emotion -> list of buckets")
    mapping = default_mapping()
    for emotion, targets in value.items():
        if emotion not in mapping:
            problems.append(f"mapping: unknown emotion {emotion!r} left out")
        elif not isinstance(targets, list) or not targets or any(t not in MAP_TARGETS for t in targets):
            problems.append(f"mapping: {emotion}: {targets!r} is not a list of {', '.join(MAP_TARGETS)}; "
                            f"using {mapping[emotion]!r}")
        else:
            mapping[emotion] = list(targets)
    return mapping


def parse_camera_index(text: str) -> int:
    """--camera N: a whole number >= 0 (OpenCV crashed on -1)."""
    import argparse

    try:
        index = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"camera index must be a whole number, not {text!r}") from None
    if not 0 <= index <= RANGES["camera_index"][1]:
        raise argparse.ArgumentTypeError(f"camera index must be 0..{RANGES['camera_index'][1]}, not {index}")
    return index


def write_json_atomic(path: Path, data) -> None:
    """Write to a temp file beside `path`, fsync, then rename over it.

    A crash at any point leaves either the old file or the new one, never half.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
