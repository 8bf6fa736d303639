"""The window's Diary tab, goal selector and voice button (pytest-qt, offscreen), on the real app."""

import argparse
import shutil
import sqlite3
import threading
import time
from functools import partial

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor

from moodplayer import app as app_module
from moodplayer.config import DEMO_LIBRARY, Settings
from moodplayer.emotions import Emotion
from moodplayer.moods.diary import Diary
from moodplayer.ui import diary_view
from moodplayer.ui.diary_view import DiaryRecorder, DiaryView, DiaryWriter

pytestmark = pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the bundled demo library")


def make_args(**options):
    values = {"music_dir": str(DEMO_LIBRARY), "camera": None, "video": None, "no_camera": True,
              "screenshot": None}
    return argparse.Namespace(**{**values, **options})


@pytest.fixture
def window(qtbot):
    Settings(welcomed=True, camera_enabled=False).save()
    app_module.make_application()
    made = app_module.create_window(make_args())
    qtbot.addWidget(made)
    made.show()
    made.app.start()
    yield made
    made.close()


def tab_titles(window):
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_diary_tab_draws_today_in_the_moods_colours(qtbot, tmp_path, monkeypatch):
    diary = Diary(tmp_path / "diary.sqlite3")
    # Read "today" at 12:00 local time, so the moods recorded ten minutes before are today's
    # even when the test runs just after midnight.
    local = time.localtime()
    now = time.mktime((local.tm_year, local.tm_mon, local.tm_mday, 12, 0, 0, 0, 0, -1))
    monkeypatch.setattr(diary_view, "summary", partial(diary_view.summary, now=now))
    diary.record_mood("sad", t=now - 600)
    diary.record_mood("happy", t=now - 300)
    diary.record_play("/m/a.ogg", "Slow Rain", "sad", "started", t=now - 600)
    diary.record_play("/m/a.ogg", "Slow Rain", "sad", "skipped", t=now - 590)
    view = DiaryView(diary, Settings())
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.chart.result is not None, timeout=10000)  # read on the pool
    image = view.chart.grab().toImage()
    strip_y = 13
    left = image.pixelColor(int(100 + (image.width() - 110) * 0.25), strip_y)
    right = image.pixelColor(int(100 + (image.width() - 110) * 0.75), strip_y)
    assert left == QColor(Emotion.SAD.colour)
    assert right == QColor(Emotion.HAPPY.colour)
    assert "sad: skipped 1 of 1 (100%)" in view.details.text()
    assert "while sad: Slow Rain" in view.details.text()
    target = tmp_path / "out.csv"
    view.export(str(target))
    qtbot.waitUntil(lambda: view.export_status.text().startswith("Exported"), timeout=10000)
    assert view.export_status.text() == f"Exported 4 rows to {target}"
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1 + 4  # header + rows
    view.record.setChecked(False)
    qtbot.waitUntil(lambda: diary.enabled is False, timeout=10000)  # after the writes queued before it
    assert diary.enabled is False and Settings.load().diary_enabled is False
    shown = view.chart.result
    view.delete_all(confirm=False)
    qtbot.waitUntil(lambda: view.chart.result is not shown, timeout=10000)  # deleted, then re-read
    assert diary.moods() == [] and view.details.text() == "\n".join(
        e["text"] for e in view.chart.result["goal_effect"].values())


def test_window_has_the_diary_tab_goal_and_voice_button(qtbot, window):
    assert "Diary" in tab_titles(window)
    app = window.app
    app.goal.buttons[app.goal.goal.__class__("lift")].click()
    assert Settings.load().goal == "lift"
    assert app.voice.button.isVisible()
    # no microphone on this machine: pressing says so in the window's banner, nothing breaks
    messages = []
    window.app.bridge.message.connect(lambda level, text: messages.append((level, text)))
    from moodplayer.voice.capture import microphone_problem

    if microphone_problem() is not None:
        app.voice.button.pressed.emit()
        assert messages and messages[-1][0] == "warning" and messages[-1][1].startswith("no microphone")
        assert not app.voice.talk.listening


def test_confirmed_moods_and_plays_reach_the_diary(qtbot, window):
    app = window.app
    app.bridge.set_override(Emotion.FEAR)
    qtbot.waitUntil(lambda: app.diary.diary.moods() != [], timeout=10000)
    assert app.diary.diary.moods()[-1][1:] == ("fear", "override")
    app.bridge.play()
    qtbot.waitUntil(lambda: any(p[4] == "started" for p in app.diary.diary.plays()), timeout=15000)
    app.bridge.next()
    qtbot.waitUntil(lambda: any(p[4] == "skipped" for p in app.diary.diary.plays()), timeout=15000)
    # The goal's lesson is the write queued after the skip's row: wait for it, not just the row
    qtbot.waitUntil(lambda: app.diary.diary.weights("match") != {}, timeout=15000)
    track = next(p[1] for p in app.diary.diary.plays() if p[4] == "skipped")
    assert track in app.diary.diary.weights("match")  # the skip taught the goal's table


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_spoken_commands_drive_the_bridge(qtbot, window, tmp_path):
    """A WAV stands in for the microphone; the worker thread, decoder and dispatch are the real ones."""
    from moodplayer.voice.evaluate import speak
    from moodplayer.voice.recognizer import read_audio

    class WavMicrophone:
        listening = False

        def __init__(self, path):
            self.samples, self.rate = read_audio(path)

        def start(self):
            self.listening = True

        def stop(self):
            self.listening = False
            return self.samples

    voice, bridge = window.app.voice, window.app.bridge
    voice.talk.microphone = WavMicrophone(speak("i'm feeling scared", tmp_path / "s.wav", "en-us", 160))
    voice.shortcut.activated.emit()  # Ctrl+Space (offscreen windows get no key focus to type it into)
    assert voice.status.text() == "● listening…" and voice.talk.listening
    assert voice.shortcut.key().toString() == "Ctrl+Space"
    voice.shortcut.activated.emit()
    qtbot.waitUntil(lambda: "feeling:fear" in voice.status.text(), timeout=30000)
    assert bridge.mood.override == Emotion.FEAR
    before = bridge.volume
    voice.run("quieter")
    assert bridge.volume == max(0, before - 10)
    said = []
    bridge.message.connect(lambda level, text: said.append(text))
    voice.run("why_this_song")
    assert said and said[-1].startswith(("Why this song:", "Nothing is playing"))


def test_a_new_goal_reorders_up_next_at_once(qtbot, window):
    app = window.app
    qtbot.waitUntil(lambda: window.bridge.state == "playing", timeout=10000)
    window.override_bar.buttons[Emotion.SAD].click()
    qtbot.waitUntil(lambda: "sad" in window.queue_caption.text().lower(), timeout=10000)
    assert not any("lift" in i.reason for i in window.bridge.up_next()[0])
    app.goal.buttons[app.goal.goal.__class__("lift")].click()

    def lifting() -> bool:
        items = window.bridge.up_next()[0]
        return bool(items) and any("lift" in i.reason for i in items)

    qtbot.waitUntil(lifting, timeout=10000)  # no mood change needed


def watch_threads(diary, names):
    """Wrap the real diary's methods so each call notes the thread it ran on."""
    seen = []
    for name in names:
        method = getattr(diary, name)

        def noted(*args, _method=method, _name=name, **kwargs):
            seen.append((_name, threading.current_thread() is threading.main_thread()))
            return _method(*args, **kwargs)

        setattr(diary, name, noted)
    return seen


def test_diary_writes_and_summary_run_off_the_gui_thread(qtbot, window, tmp_path):
    app = window.app
    diary = app.diary.diary
    seen = watch_threads(diary, ("record_mood", "record_play", "learn", "delete_all", "moods", "plays",
                                 "export_csv"))
    app.bridge.set_override(Emotion.FEAR)
    qtbot.waitUntil(lambda: any(name == "record_mood" for name, _ in seen), timeout=10000)
    app.bridge.play()
    qtbot.waitUntil(lambda: any(name == "record_play" for name, _ in seen), timeout=15000)
    app.bridge.next()
    qtbot.waitUntil(lambda: any(name == "learn" for name, _ in seen), timeout=15000)
    app.diary.refresh()
    qtbot.waitUntil(lambda: any(name == "moods" for name, _ in seen), timeout=10000)
    app.diary.export(str(tmp_path / "diary.csv"))
    qtbot.waitUntil(lambda: app.diary.export_status.text().startswith("Exported"), timeout=10000)
    app.diary.delete_all(confirm=False)
    qtbot.waitUntil(lambda: any(name == "delete_all" for name, _ in seen), timeout=10000)
    on_gui = sorted({name for name, gui in seen if gui})
    assert on_gui == [], f"diary calls on the GUI thread: {on_gui}"


def test_a_failed_export_says_why_and_the_tab_keeps_working(qtbot, tmp_path):
    diary = Diary(tmp_path / "diary.sqlite3")
    diary.record_mood("happy")
    view = DiaryView(diary, Settings())
    qtbot.addWidget(view)
    target = tmp_path / "no such folder" / "out.csv"
    view.export(str(target))
    qtbot.waitUntil(lambda: view.export_status.text().startswith("Export failed"), timeout=10000)
    assert view.export_status.text() == f"Export failed: could not write {target}: No such file or directory"
    assert not target.parent.exists()
    view.export(str(tmp_path / "out.csv"))
    qtbot.waitUntil(lambda: view.export_status.text().startswith("Exported"), timeout=10000)
    assert view.export_status.text() == f"Exported 1 row to {tmp_path / 'out.csv'}"


class Signals(QObject):
    """The three bridge signals the recorder listens to (the whole bridge needs a session)."""

    mood_changed, track_changed, position_changed = Signal(object), Signal(object), Signal(float, float)


class Track:
    def __init__(self, n):
        self.path, self.display_title = f"/m/{n}.ogg", f"Song {n}"


class Mood:
    def __init__(self, label):
        self.target, self.override = Emotion.parse(label), None


def test_recorder_writes_every_record_in_order(qtbot, tmp_path):
    """Many moods and plays at once: all written, in the order they came (by rowid, not time)."""
    diary = Diary(tmp_path / "diary.sqlite3")
    writer, bridge = DiaryWriter(), Signals()
    DiaryRecorder(bridge, diary, Settings(), writer)
    labels = ["happy", "sad"] * 40
    for n, label in enumerate(labels):
        bridge.mood_changed.emit(Mood(label))
        bridge.position_changed.emit(1.0, 100.0)  # early in the track: the next one is a skip
        bridge.track_changed.emit(Track(n))
    assert writer.finish(10.0)
    rows = sqlite3.connect(diary.path).execute("SELECT mood FROM moods ORDER BY rowid").fetchall()
    assert [r[0] for r in rows] == labels
    plays = sqlite3.connect(diary.path).execute("SELECT path, event FROM plays ORDER BY rowid").fetchall()
    expected = [("/m/0.ogg", "started")]
    for n in range(1, len(labels)):
        expected += [(f"/m/{n - 1}.ogg", "skipped"), (f"/m/{n}.ogg", "started")]
    assert plays == expected
    assert len(diary.weights("match")) == len(labels) - 1
    diary.close()


def test_a_write_that_lands_after_close_is_dropped_quietly(tmp_path):
    """What the pool runs after the window closed the diary: no write, no error, no disk warning."""
    diary = Diary(tmp_path / "diary.sqlite3")
    diary.close()
    assert diary.record_mood("sad", t=1.0) is False
    assert diary.record_play("/m/a.ogg", "A", "sad", "skipped", t=2.0) is False
    assert diary.learn("match", "/m/a.ogg", "skipped") == 0.0
    assert diary.write_error is None
