"""Test harness: offscreen Qt, isolated platformdirs, headless VLC."""

from __future__ import annotations

import gc
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MOODPLAYER_VLC_ARGS", "--intf=dummy --aout=adummy --no-video")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def qt_widgets_die_between_tests(request):
    """The windows a Qt test closed are deleted here, by Qt, and their garbage collected at once.
    pytest-qt only calls deleteLater(); left so, a closed window (held in a cycle: window.app is
    the App, whose .window is the window) was destroyed by the cyclic GC at any moment of a later
    test, running its Python event filters halfway through the collection: a segfault."""
    yield
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None or widgets.QApplication.instance() is None:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if "qtbot" in request.fixturenames or "qapp" in request.fixturenames:
        gc.collect()


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
