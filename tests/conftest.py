"""Test harness: offscreen Qt, isolated platformdirs, headless VLC."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MOODPLAYER_VLC_ARGS", "--intf=dummy --aout=adummy --no-video")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Every test gets its own XDG data/config/cache/state dirs: the real user's
    files are never touched."""
    root = tmp_path / "xdg"
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        path = root / sub
        path.mkdir(parents=True)
        monkeypatch.setenv(var, str(path))
    monkeypatch.setenv("HOME", str(root / "home"))
    return root


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def store(tmp_path):
    """A real Store in a fresh SQLite file, closed after the test."""
    from moodplayer.library.store import Store

    with Store(tmp_path / "library.sqlite3") as opened:
        yield opened
