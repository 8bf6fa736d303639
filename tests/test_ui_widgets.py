"""The window's parts on their own: painting cost, queue editing, library filter,
timeline, cover art, the background runner, dialogs and themes."""

from __future__ import annotations

import shutil
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from moodplayer.config import DEMO_LIBRARY, Settings
from moodplayer.emotions import EMOTIONS, Emotion
from moodplayer.ui import covers
from moodplayer.ui.camera_view import CameraView
from moodplayer.ui.dialogs import SettingsDialog, WelcomeDialog
from moodplayer.ui.faces import FaceBox, paint_faces
from moodplayer.ui.icons import icon
from moodplayer.ui.library_view import BPM as BPM_COLUMN
from moodplayer.ui.library_view import BUCKETS as BUCKETS_COLUMN
from moodplayer.ui.library_view import LibraryView, prepare_rows
from moodplayer.ui.mood_panel import EmotionBars, MoodTimeline, OverrideBar
from moodplayer.ui.now_playing import QueueRow, QueueView, format_time
from moodplayer.ui.tasks import run_in_background, wait_for_background
from moodplayer.ui.theme import apply_theme
from moodplayer.ui.workers import display_frame
from moodplayer.vision.model_card import model_card_numbers

BUCKET_NAMES = ("upbeat", "calm", "rap", "devotional", "instrumental")
DATA = Path(__file__).parent / "data"


@dataclass
class FakeTrack:
    """Just the Track fields the widgets read; the real Track is exercised in test_ui.py."""

    id: int
    title: str
    artist: str = "Someone"
    album: str = ""
    genre: str = ""
    bpm: float | None = None
    favourite: bool = False
    plays: int = 0
    path: str = "/music/x.ogg"
    buckets: dict = field(default_factory=dict)

    @property
    def display_title(self) -> str:
        return self.title


def test_camera_view_paints_a_frame_in_under_2_ms(qtbot):
    view = CameraView()
    qtbot.addWidget(view)
    view.resize(416, 300)
    with qtbot.waitExposed(view):
        view.show()
    frame = np.random.default_rng(1).integers(0, 255, (480, 640, 3), dtype=np.uint8)
    shown = display_frame(frame, view.target_size())
    assert shown.shape[:2] == (300, 400) and shown.shape[2] == 4  # fitted, BGRA
    face = [FaceBox((200, 100, 120, 140), Emotion.HAPPY, 0.9)]
    times = []
    for _ in range(60):
        started = time.perf_counter()
        view.show_frame(shown, (640, 480), face)
        view.repaint()
        times.append((time.perf_counter() - started) * 1000)
    assert statistics.median(times) < 2.0, times
    caption, pill, box = view.drawn_labels[0]
    assert caption == "happy 90%"
    # 640x480 shown as 400x300 centred in 416x300: scale 0.625, 8 px offset.
    assert box == QRectF(8 + 200 * 0.625, 100 * 0.625, 120 * 0.625, 140 * 0.625)
    assert view.message == ""


def test_camera_view_without_face_or_picture_says_so(qtbot):
    view = CameraView()
    qtbot.addWidget(view)
    frame = display_frame(np.zeros((120, 160, 3), np.uint8), (160, 120))
    view.show_frame(frame, (160, 120), [])
    assert "No face" in view.message
    view.show_message("No camera found.")
    assert view.message == "No camera found."
    assert view.grab().toImage().pixelColor(5, 5) == QColor("#101114")


def test_face_caption_sits_above_the_box_or_inside_at_the_top_edge():
    image = QImage(200, 200, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    drawn = paint_faces(painter, [FaceBox((50, 60, 40, 40), Emotion.SAD, 0.5), FaceBox((10, 0, 30, 30))],
                        2.0, QPointF(0, 0))
    painter.end()
    (caption, pill, box), (other, other_pill, other_box) = drawn
    assert caption == "sad 50%" and box == QRectF(100, 120, 80, 80) and pill.bottom() <= box.top()
    assert other == "face" and other_pill.top() >= other_box.top()  # no room above: inside


def test_queue_view_reorders_removes_and_plays(qtbot):
    view = QueueView()
    qtbot.addWidget(view)
    view.set_rows([QueueRow(i, f"Track {i}", "Artist", f"why {i}") for i in (1, 2, 3)])
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    orders, removed, played = [], [], []
    view.order_changed.connect(orders.append)
    view.remove_requested.connect(removed.append)
    view.play_requested.connect(played.append)
    view.setCurrentRow(0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert orders == [[2, 1, 3]] and view.currentRow() == 1
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert removed == [1]
    view.move_row(0, -1)  # already first: nothing happens
    assert len(orders) == 1
    view.itemActivated.emit(view.item(2))
    assert played == [2]
    view.model().moveRow(view.rootIndex(), 2, view.rootIndex(), 0)  # what a drag does
    assert orders[-1] == [3, 2, 1]


def test_library_filters_by_words_and_bucket(qtbot):
    library = LibraryView(BUCKET_NAMES)
    qtbot.addWidget(library)
    library.set_rows(prepare_rows([
        FakeTrack(1, "Morning Prayer", genre="Gospel", buckets={"devotional": "genre 'Gospel'"}),
        FakeTrack(2, "Neon Steps", artist="Night Crew", bpm=128, buckets={"upbeat": "BPM 128"}, plays=3),
        FakeTrack(3, "Slow Rain", favourite=True, buckets={"calm": "BPM 70"}),
    ]))
    proxy = library.model
    assert proxy.rowCount() == 3 and library.count_label.text() == "3 tracks"
    library.search.setText("night steps")
    assert proxy.rowCount() == 1 and library.count_label.text() == "1 of 3 tracks"
    library.search.clear()
    library.bucket.setCurrentIndex(library.bucket.findData("devotional"))
    assert [proxy.index(r, 1).data() for r in range(proxy.rowCount())] == ["Morning Prayer"]
    library.bucket.setCurrentIndex(library.bucket.findData("favourites"))
    assert [proxy.index(r, 1).data() for r in range(proxy.rowCount())] == ["Slow Rain"]
    library.bucket.setCurrentIndex(library.bucket.findData("new"))
    assert proxy.rowCount() == 2
    library.bucket.setCurrentIndex(0)
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 1).data() == "Morning Prayer")
    assert proxy.index(row, BUCKETS_COLUMN).data() == "devotional"
    assert proxy.index(row, BUCKETS_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == "devotional: genre 'Gospel'"
    library.table.sortByColumn(BPM_COLUMN, Qt.SortOrder.DescendingOrder)  # BPM, as numbers
    assert proxy.index(0, 1).data() == "Neon Steps"
    library.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 1).data() for r in range(3)] == ["Morning Prayer", "Neon Steps", "Slow Rain"]


def test_library_of_20000_tracks_costs_the_gui_little(qtbot):
    library = LibraryView(BUCKET_NAMES)
    qtbot.addWidget(library)
    library.resize(600, 400)
    library.show()
    rows = prepare_rows([FakeTrack(i, f"Song {i * 7919 % 20000}", artist=f"Band-{i % 300}",
                                   bpm=90 + i % 60, buckets={"calm": "BPM 80"}) for i in range(20000)])
    started = time.perf_counter()
    library.set_rows(rows)
    library.search.setText("band-7")  # Band-7 and Band-70 … Band-79
    library.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    QApplication.processEvents()
    assert time.perf_counter() - started < 0.5
    assert library.model.rowCount() == sum(1 for i in range(20000) if str(i % 300).startswith("7"))
    titles = [library.model.index(r, 1).data() for r in range(library.model.rowCount())]
    assert titles == sorted(titles, key=str.casefold, reverse=True)


def test_library_keeps_selection_across_refresh(qtbot):
    library = LibraryView(BUCKET_NAMES)
    qtbot.addWidget(library)
    tracks = [FakeTrack(i, f"T{i}") for i in range(5)]
    library.set_rows(prepare_rows(tracks))
    library.table.selectRow(2)
    chosen = library.selected_tracks()[0].id
    library.set_rows(prepare_rows([FakeTrack(i, f"T{i}") for i in range(6)]))
    assert [t.id for t in library.selected_tracks()] == [chosen]


def test_scan_progress_and_errors_button(qtbot):
    library = LibraryView(BUCKET_NAMES)
    qtbot.addWidget(library)
    library.show()
    library.set_scanning(True)
    assert library.progress.isVisible() and library.cancel_button.isVisible()
    library.set_progress(30, 120)
    assert (library.progress.value(), library.progress.maximum()) == (30, 120)
    library.set_error_count(2)
    assert library.errors_button.isVisible() and library.errors_button.text() == "2 files could not be read"
    library.set_scanning(False)
    library.set_error_count(0)
    assert not library.progress.isVisible() and not library.errors_button.isVisible()


def test_timeline_thins_trims_and_marks_gaps(qtbot):
    now = [1000.0]
    timeline = MoodTimeline(span=60, step=0.5, clock=lambda: now[0])
    qtbot.addWidget(timeline)
    probabilities = [0.0] * 7
    probabilities[Emotion.HAPPY] = 1.0
    for tick in range(400):  # 40 s at 10 frames a second
        now[0] = 1000.0 + tick / 10
        timeline.add_sample(probabilities if tick % 100 < 80 else None)
    assert timeline.sample_count() == 80  # one every 0.5 s
    timeline.resize(300, 80)
    image = timeline.grab().toImage()
    base = image.pixelColor(5, 30)  # a minute ago: before the first sample

    def x(when: float) -> int:  # the axis spans the last 60 s over 300 px
        return int(300 - (now[0] - when) / 60 * 300)

    happy = image.pixelColor(x(1035.0), 30)
    assert happy.red() > 200 and happy.blue() < 120  # Emotion.HAPPY's orange
    assert image.pixelColor(x(1038.7), 30) == base  # no face then: a gap
    now[0] += 100
    timeline.add_sample(probabilities)
    assert timeline.sample_count() == 1  # older than the span: dropped


def test_bars_describe_themselves_and_override_bar_has_eight_choices(qtbot):
    bars = EmotionBars()
    qtbot.addWidget(bars)
    bars.set_probabilities(np.eye(7)[Emotion.SAD])
    assert "sad 100%" in bars.accessibleDescription()
    bars.set_probabilities(None)
    assert bars.accessibleDescription() == "no face"
    overrides = OverrideBar()
    qtbot.addWidget(overrides)
    assert [b.shortcut().toString() for b in overrides.buttons.values()] == ["A", *"1234567"]
    assert all(b.accessibleName() for b in overrides.buttons.values())
    chosen = []
    overrides.chosen.connect(chosen.append)
    overrides.buttons[Emotion.FEAR].click()
    overrides.buttons[None].click()
    assert chosen == [Emotion.FEAR, None] and overrides.mode_label.text() == "auto"
    overrides.set_override(Emotion.DISGUST)
    assert overrides.override() == Emotion.DISGUST and chosen == [Emotion.FEAR, None]


def _png(colour: str) -> bytes:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def _centre(image: QImage) -> QColor:
    return image.pixelColor(image.width() // 2, image.height() // 2)


@pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the bundled demo library")
def test_cover_from_ogg_tags_then_folder_then_placeholder(qtbot, tmp_path):
    import base64

    from mutagen.flac import Picture
    from mutagen.oggvorbis import OggVorbis

    song = tmp_path / "album" / "song.ogg"
    song.parent.mkdir()
    shutil.copy(next(DEMO_LIBRARY.glob("*.ogg")), song)
    assert covers.cover_image(song, 32) is None  # no picture anywhere yet
    (song.parent / "Folder.JPG").write_bytes(_png("#00ff00"))
    assert _centre(covers.cover_image(song, 32)) == QColor("#00ff00")
    picture = Picture()
    picture.type, picture.mime, picture.data = 3, "image/png", _png("#ff0000")
    tags = OggVorbis(song)
    tags["metadata_block_picture"] = [base64.b64encode(picture.write()).decode()]
    tags.save()
    thumb = covers.cover_image(song, 40)
    assert thumb.size().width() == 40 and _centre(thumb) == QColor("#ff0000")
    assert list((tmp_path / "xdg" / "cache").rglob("*.png"))  # thumbnail cached
    placeholder = covers.placeholder("Slow Rain", 64)
    assert placeholder.width() == 64 and _centre(placeholder).alpha() == 255


@pytest.mark.parametrize("name", ["tone.m4a", "tone.wma"])
def test_cover_from_mp4_and_asf_tags(tmp_path, name):
    import mutagen

    song = tmp_path / name
    shutil.copy(DATA / "audio" / name, song)
    audio = mutagen.File(song)
    if name.endswith(".m4a"):
        from mutagen.mp4 import MP4Cover

        audio["covr"] = [MP4Cover(_png("#0000ff"), imageformat=MP4Cover.FORMAT_PNG)]
    else:
        from mutagen.asf import ASFByteArrayAttribute

        mime, description = "image/png".encode("utf-16-le") + b"\0\0", "front".encode("utf-16-le") + b"\0\0"
        data = _png("#0000ff")
        raw = bytes([3]) + len(data).to_bytes(4, "little") + mime + description + data
        audio["WM/Picture"] = [ASFByteArrayAttribute(raw)]
    audio.save()
    assert _centre(covers.cover_image(song, 24)) == QColor("#0000ff")


def _is_deleted(obj) -> bool:
    import shiboken6

    return not shiboken6.isValid(obj)


def test_background_results_errors_and_progress_come_back_on_the_gui_thread(qtbot):
    gui = threading.get_ident()
    seen = []

    def work(report):
        report(threading.get_ident() != gui)
        return 7

    job = run_in_background(
        work, lambda value: seen.append(("done", value, threading.get_ident() == gui)),
        on_progress=lambda off_thread: seen.append(("progress", off_thread, threading.get_ident() == gui)))
    qtbot.waitUntil(lambda: any(s[0] == "done" for s in seen))
    assert seen == [("progress", True, True), ("done", 7, True)] and job is not None
    errors = []
    run_in_background(lambda: 1 / 0, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ZeroDivisionError)
    from PySide6.QtWidgets import QWidget

    gone, late, release = QWidget(), [], threading.Event()
    run_in_background(lambda: release.wait(5) and 1, late.append, context=gone)
    gone.deleteLater()
    qtbot.waitUntil(lambda: _is_deleted(gone))
    release.set()
    assert wait_for_background(5000)
    qtbot.wait(50)
    assert late == []  # its widget was deleted first: nothing delivered, nothing raised
    from PySide6.QtCore import QObject

    dropped, release = QObject(), threading.Event()
    run_in_background(lambda: release.wait(5) and 2, late.append, context=dropped)
    del dropped  # Python owned it: collected, so it is gone for Qt too
    release.set()
    assert wait_for_background(5000)
    qtbot.wait(50)
    assert late == []


def test_settings_dialog_edits_a_copy(qtbot):
    settings = Settings()
    dialog = SettingsDialog(settings, BUCKET_NAMES, tray_available=False,
                            cameras=[(0, "Built-in (/dev/video0)"), (2, "USB (/dev/video2)")])
    qtbot.addWidget(dialog)
    assert not dialog.tray.isEnabled()
    dialog.camera.setCurrentIndex(dialog.camera.findData(2))
    dialog.switch_now.setChecked(True)
    dialog.dwell.setValue(4.0)
    dialog.mapping[Emotion.ANGRY].setCurrentIndex(dialog.mapping[Emotion.ANGRY].findData("rap"))
    neutral = dialog.mapping[Emotion.NEUTRAL]
    assert neutral.currentData() == ["favourites"]
    neutral.setCurrentIndex(neutral.findData(["calm"]))
    edited = dialog.result_settings()
    assert (edited.camera_index, edited.switch_mode, edited.dwell_seconds) == (2, "now", 4.0)
    assert edited.angry_plays == "rap" and edited.mapping["angry"] == ["rap"]
    assert edited.mapping["neutral"] == ["calm"] and edited.mapping["fear"] == ["devotional"]
    assert settings.mapping["neutral"] == ["favourites"] and settings.camera_index == 0
    assert len(dialog.mapping) == len(EMOTIONS)


def test_settings_dialog_keeps_a_missing_camera_choosable(qtbot):
    dialog = SettingsDialog(Settings(camera_index=5), BUCKET_NAMES, tray_available=True, cameras=[])
    qtbot.addWidget(dialog)
    assert dialog.camera.currentData() == 5 and "not found" in dialog.camera.currentText()


def test_welcome_offers_the_demo_library(qtbot):
    dialog = WelcomeDialog(str(DEMO_LIBRARY), camera=True)
    qtbot.addWidget(dialog)
    assert dialog.music_dir() == str(DEMO_LIBRARY) and dialog.use_camera()
    dialog.camera.setChecked(False)
    assert not dialog.use_camera()


def test_model_card_numbers(tmp_path):
    card = tmp_path / "MODEL_CARD.md"
    card.write_text("# Emotion model\n\nTrained on FER2013.\n\n| split | accuracy | macro-F1 |\n"
                    "|---|---|---|\n| PrivateTest | 0.66 | 0.63 |\n\nLatency: 1.2 ms on one thread.\n")
    assert model_card_numbers(card) == ["| split | accuracy | macro-F1 |", "| PrivateTest | 0.66 | 0.63 |",
                                        "Latency: 1.2 ms on one thread."]
    assert model_card_numbers(tmp_path / "missing.md") == []


def _window_lightness() -> int:
    from PySide6.QtGui import QPalette

    return QApplication.palette().color(QPalette.ColorRole.Window).lightness()


def test_dark_theme_retints_icons(qtbot):
    app = QApplication.instance()
    try:
        apply_theme(app, "dark")
        assert _window_lightness() < 60
        light_strokes = icon("play").pixmap(32, 32).toImage().pixelColor(12, 16)
        apply_theme(app, "light")
        assert _window_lightness() > 200
        dark_strokes = icon("play").pixmap(32, 32).toImage().pixelColor(12, 16)
        assert light_strokes.lightness() > 150 > dark_strokes.lightness()
    finally:
        apply_theme(app, "light")


def test_times_read_like_a_player():
    assert [format_time(ms) for ms in (0, 61_500, 3_725_000, None)] == ["0:00", "1:01", "1:02:05", "–:––"]
