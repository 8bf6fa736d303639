"""Finished core features as the window shows them: language settings and column, what is not
music, start-up banners, the periodic WAL checkpoint, and store write failures said once.
Real scan, real SQLite, real libVLC (headless), a real read-only mount."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import threading
from pathlib import Path

import mutagen
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from moodplayer import app as app_module
from moodplayer import config
from moodplayer.config import DEMO_LIBRARY, Settings
from moodplayer.emotions import Emotion
from moodplayer.library.scanner import scan
from moodplayer.library.store import Store
from moodplayer.moods.runner import Inline
from moodplayer.moods.session import MoodSession
from moodplayer.playback import Player
from moodplayer.playback.output import has_sound_card
from moodplayer.ui.library_view import BUCKETS, LANGUAGE, NOT_MUSIC, TITLE
from tests.test_store_recovery import read_only, rows
from tests.test_ui import answer_modal, make_args, wait_for_scan

pytestmark = pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the bundled demo library")

TELUGU = ("01 - Sunrise Run.ogg", "04 - Slow Rain.ogg", "11 - Evening Aarti.ogg", "13 - Piano Reverie.ogg")
SPEECH = ("The committee met on Tuesday to discuss the budget. After a long debate, the members agreed to "
          "postpone the decision until the next meeting, when the final figures will be ready.")


@pytest.fixture
def library(tmp_path) -> Path:
    """The demo library with four tracks tagged Telugu ("tel"/"te") and one Hindi."""
    folder = tmp_path / "Songs"
    shutil.copytree(DEMO_LIBRARY, folder)
    for index, name in enumerate(TELUGU):
        audio = mutagen.File(folder / name)
        audio["LANGUAGE"] = "tel" if index % 2 else "te"
        audio.save()
    audio = mutagen.File(folder / "02 - Neon Steps.ogg")
    audio["LANGUAGE"] = "hin"
    audio.save()
    return folder


@pytest.fixture
def start_window(qtbot):
    """The window over whatever settings.json holds now (not rewritten first)."""
    def start(**options):
        app_module.make_application()
        window = app_module.create_window(make_args(**options))
        qtbot.addWidget(window)
        window.show()
        window.app.start()
        return window

    return start


def save(settings: Settings | None = None) -> None:
    (settings or Settings(welcomed=True, camera_enabled=False)).save()


def cell(window, title: str, column: int, role=Qt.ItemDataRole.DisplayRole):
    model = window.library_view.model
    row = next(r for r in range(model.rowCount()) if model.index(r, TITLE).data() == title)
    return model.index(row, column).data(role)


def test_settings_languages_and_notifications_are_saved_and_up_next_follows(qtbot, start_window, library):
    save()
    window = start_window(music_dir=str(library), no_camera=True)
    wait_for_scan(qtbot, window)
    qtbot.waitUntil(lambda: window.bridge.state == "playing", timeout=5000)
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() == 14)
    assert any(i.track.language != "Telugu" for i in window.bridge.up_next()[0])  # a mix at first
    shown = {}

    def edit(dialog) -> None:
        shown["labels"] = [label.text() for label in dialog.findChildren(QLabel)]
        shown["height"] = dialog.sizeHint().height()  # calibration box included
        assert dialog.notifications.isChecked() and not dialog.only_languages.isChecked()
        dialog.languages.setText("te")
        dialog.only_languages.setChecked(True)
        dialog.notifications.setChecked(False)
        dialog.accept()

    answer_modal(qtbot, edit)
    next(a for a in window.findChildren(QAction) if a.text() == "&Settings…").trigger()
    assert "In your library: Hindi, Telugu" in shown["labels"]
    assert shown["height"] <= 700  # fits a 1366x768 laptop screen, panel and title bar aside
    saved = Settings.load()
    assert (saved.preferred_languages, saved.only_preferred_languages, saved.notifications) == (
        ["Telugu"], True, False)
    assert window.settings.notifications is False  # what the track-change notifications read
    # Every part holds the one Settings object, so none keeps (or later saves) the old values.
    assert window.app.goal.settings is window.settings is window.app.settings
    assert window.bridge.session.dj.settings.preferred_languages == ["Telugu"]

    def only_telugu_next() -> bool:
        items, _caption = window.bridge.up_next()
        return bool(items) and all(i.track.language == "Telugu" for i in items)

    qtbot.waitUntil(only_telugu_next, timeout=5000)  # Up next followed, without a mood change
    current = window.bridge.current_track.id
    assert current not in [i.track.id for i in window.bridge.up_next()[0]]
    window.override_bar.buttons[Emotion.HAPPY].click()  # a new mood's queue keeps to them too
    qtbot.waitUntil(lambda: "happy" in window.queue_caption.text().lower(), timeout=5000)
    assert only_telugu_next()


def test_library_shows_languages_and_what_a_file_that_is_not_music_sounds_like(qtbot, start_window,
                                                                                library):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-w", str(library / "Talk.wav"), SPEECH], check=True, capture_output=True)
    save()
    window = start_window(music_dir=str(library), no_camera=True)
    result = wait_for_scan(qtbot, window, timeout=60000)
    assert result.analysis is not None
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() == 15)
    qtbot.waitUntil(lambda: cell(window, "Talk", BUCKETS) == NOT_MUSIC, timeout=5000)
    assert cell(window, "Talk", BUCKETS, Qt.ItemDataRole.ToolTipRole) == "sounds like speech, not music"
    assert cell(window, "Slow Rain", LANGUAGE) == "Telugu" and cell(window, "Neon Steps", LANGUAGE) == "Hindi"
    assert cell(window, "Midnight Bars", LANGUAGE) == ""
    assert cell(window, "Slow Rain", BUCKETS) == "calm"  # music keeps its buckets and reasons
    window.library_view.search.setText("telugu")
    assert window.library_view.model.rowCount() == len(TELUGU)


def test_bad_settings_and_no_audio_output_are_banners_at_start(qtbot, start_window, monkeypatch, tmp_path):
    if has_sound_card():
        pytest.skip("this machine has a sound card: there is an audio output")
    for name in ("MOODPLAYER_VLC_ARGS", "PULSE_SERVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))  # no PulseAudio/PipeWire socket
    config.settings_path().write_text(json.dumps({"welcomed": True, "camera_enabled": False,
                                                  "volume": 250, "switch_mode": "later"}))
    window = start_window(no_camera=True)
    text = window.banner.text.text()
    assert window.banner.isVisibleTo(window)
    assert "volume: 250 is outside 0..100; using 80" in text and "switch_mode: 'later'" in text
    assert str(config.settings_path()) in text
    assert "Nothing will be heard: no audio output" in text
    assert text.count("Nothing will be heard") == 1


def test_settings_that_load_cleanly_and_test_audio_show_no_banner(qtbot, start_window):
    save()
    window = start_window(no_camera=True)
    assert not window.banner.isVisibleTo(window), window.banner.text.text()


def test_the_library_is_checkpointed_off_the_gui_thread_while_open_and_the_timer_stops(
        qtbot, start_window, library, monkeypatch):
    monkeypatch.setattr(app_module, "CHECKPOINT_MS", 200)
    save()
    window = start_window(music_dir=str(library), no_camera=True)
    wait_for_scan(qtbot, window)
    store, threads = window.app.store, []
    real = store.checkpoint

    def checkpoint(mode="PASSIVE"):
        threads.append((threading.current_thread() is threading.main_thread(), mode))
        return real(mode)

    monkeypatch.setattr(store, "checkpoint", checkpoint)
    track = store.tracks()[0]
    window.bridge.set_favourite([track], True)  # one write, into the WAL
    qtbot.waitUntil(lambda: store.track(track.id).favourite, timeout=5000)
    alone = library.parent / "alone.sqlite3"

    def in_the_main_file() -> bool:
        shutil.copyfile(store.path, alone)  # the file alone, as a backup tool copies it
        return rows(alone, "SELECT track_id FROM favourites") == [(track.id,)]

    qtbot.waitUntil(in_the_main_file, timeout=5000)
    assert threads and all(mode == "PASSIVE" and not on_gui for on_gui, mode in threads)
    assert window.app.checkpoints.isActive()
    window.quit()
    assert not window.app.checkpoints.isActive()


def test_a_read_only_library_reports_the_first_failed_write_once(tmp_path, caplog):
    music, folder = tmp_path / "music", tmp_path / "db"
    shutil.copytree(DEMO_LIBRARY, music)
    path = folder / "library.sqlite3"
    with Store(path) as store:
        scan(store, music)
    gone = ["05 - Evening Fog.ogg", "06 - Quiet Harbour.ogg", "09 - Midnight Bars.ogg"]
    for name in gone:
        (music / name).unlink()  # the library still lists them: each is unplayable, marked so
    player = Player()
    with read_only(folder), Store(path) as store, caplog.at_level(logging.DEBUG):
        assert store.read_only
        session = MoodSession(store, Settings(music_dir=str(music)), player, runner=Inline())
        messages = []
        session.add_listener(lambda kind, payload: messages.append(payload) if kind == "message" else None)
        tracks = {Path(t.path).name: t for t in store.tracks()}
        session.play_tracks([tracks[name] for name in gone] + [tracks["01 - Sunrise Run.ogg"]])
        assert session.current.track.path.endswith("01 - Sunrise Run.ogg")
        session.next()  # a skip: its weight cannot be written either
        errors = [text for level, text in messages if level == "error"]
        assert session.dj.write_failures >= len(gone) + 1
        assert len(errors) == 1 and "library.sqlite3" in errors[0], errors
        assert caplog.text.count("Library write failed") == 1
        assert sum(level == "warning" and "Skipped" in text for level, text in messages) == len(gone)
    player.close()


def test_settings_dialog_names_languages_as_the_library_does_and_flags_ones_it_lacks(qtbot):
    from moodplayer.ui.dialogs import SettingsDialog

    dialog = SettingsDialog(Settings(preferred_languages=["Hindi"]), ("upbeat", "calm"), tray_available=False,
                            cameras=[], languages=["Hindi", "Telugu"])
    qtbot.addWidget(dialog)
    assert dialog.languages.text() == "Hindi" and dialog.only_languages.isEnabled()
    assert dialog.languages_found.text() == "In your library: Hindi, Telugu"
    dialog.languages.setText("tel; hi, Telgu, te")  # codes, a typo, a repeat
    assert dialog.preferred_languages() == ["Telugu", "Hindi", "Telgu"]
    assert dialog.languages_found.text().endswith("No track in: Telgu")
    dialog.only_languages.setChecked(True)
    assert dialog.result_settings().only_preferred_languages is True
    dialog.languages.setText(" , ")
    assert not dialog.only_languages.isEnabled()
    edited = dialog.result_settings()
    assert (edited.preferred_languages, edited.only_preferred_languages) == ([], False)


def test_requeue_lines_up_the_new_languages_after_the_current_track_without_qt(store, library):
    scan(store, library)
    player = Player()
    try:
        settings = Settings(music_dir=str(library))
        session = MoodSession(store, settings, player, runner=Inline())
        session.start_if_idle()
        assert session.state == "playing"
        playing = session.current.track
        session.apply_settings(Settings(music_dir=str(library), preferred_languages=["Telugu"],
                                        only_preferred_languages=True))
        session.dj.requeue()
        items, caption = session.up_next()
        assert caption.startswith("After this track") and items
        assert all(i.track.language == "Telugu" for i in items)
        assert playing.id not in {i.track.id for i in items}
        assert session.current.track.id == playing.id  # the track that plays goes on
        session.next()
        assert session.current.track.language == "Telugu"
    finally:
        player.close()
