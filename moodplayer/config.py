"""Paths (platformdirs) and user settings, written atomically."""

from __future__ import annotations

import importlib.resources
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
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


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


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

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Defaults where the file is missing; a broken file is kept aside, not lost."""
        path = path or settings_path()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("settings file does not hold a JSON object")
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            kept = path.with_suffix(".json.broken")
            log.warning("Settings file %s is unreadable (%s); using defaults, kept it as %s",
                        path, exc, kept)
            try:
                os.replace(path, kept)
            except OSError:
                pass
            return cls()
        known = {f.name for f in fields(cls)}
        settings = cls(**{k: v for k, v in raw.items() if k in known})
        settings.mapping = {**default_mapping(), **(settings.mapping or {})}
        return settings

    def save(self, path: Path | None = None) -> None:
        write_json_atomic(path or settings_path(), asdict(self))


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
