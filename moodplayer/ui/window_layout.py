"""The main window's widgets and where they sit; no behaviour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QSplitter, QTabWidget, QVBoxLayout, QWidget

from moodplayer.ui.camera_view import CameraView
from moodplayer.ui.chrome import Banner, horizontal_line
from moodplayer.ui.icons import icon
from moodplayer.ui.library_view import LibraryView
from moodplayer.ui.mood_panel import EmotionBars, MoodTimeline, OverrideBar
from moodplayer.ui.now_playing import NowPlayingPanel, QueueView, TransportBar

TAB_ICONS = ("queue", "library")


def build_layout(window, buckets: tuple[str, ...]) -> None:
    """Makes the widgets as attributes of `window` (camera_view, now_playing, library_view, ...)."""
    left = _vision_panel(window)
    window.tabs = QTabWidget()
    window.tabs.setAccessibleName("Now playing and library")
    window.tabs.addTab(_playing_tab(window), icon(TAB_ICONS[0]), "Now playing")
    window.library_view = LibraryView(buckets)
    window.tabs.addTab(window.library_view, icon(TAB_ICONS[1]), "Library")

    window.splitter = QSplitter(Qt.Orientation.Horizontal)
    window.splitter.setChildrenCollapsible(False)
    window.splitter.addWidget(left)
    window.splitter.addWidget(window.tabs)
    window.splitter.setStretchFactor(0, 4)
    window.splitter.setStretchFactor(1, 5)
    window.splitter.setSizes([430, 594])

    window.override_bar = OverrideBar()
    window.transport = TransportBar()
    window.banner = Banner()
    central = QWidget()
    layout = QVBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 4)
    layout.setSpacing(4)
    layout.addWidget(window.banner)
    layout.addWidget(window.splitter, 1)
    bottom = QVBoxLayout()
    bottom.setContentsMargins(8, 0, 8, 0)
    bottom.addWidget(window.override_bar)
    bottom.addWidget(horizontal_line())
    bottom.addWidget(window.transport)
    layout.addLayout(bottom)
    window.setCentralWidget(central)
    _status_bar(window)


def _vision_panel(window) -> QWidget:
    window.camera_view = CameraView()
    window.mood_label = QLabel()
    window.mood_label.setAccessibleName("Current mood")
    window.mood_label.setWordWrap(True)  # long texts wrap instead of widening the panel
    font = window.mood_label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    window.mood_label.setFont(font)
    window.bars = EmotionBars()
    window.timeline = MoodTimeline()
    left = QWidget()
    left.setObjectName("visionPanel")
    column = QVBoxLayout(left)
    column.setContentsMargins(8, 8, 4, 4)
    column.addWidget(window.camera_view, 1)
    column.addWidget(window.mood_label)
    column.addWidget(window.bars)
    column.addWidget(window.timeline)
    window.vision_panel = left
    return left


def _playing_tab(window) -> QWidget:
    window.now_playing = NowPlayingPanel()
    window.queue_caption = QLabel("Up next")
    window.queue_caption.setWordWrap(True)
    window.queue_view = QueueView()
    tab = QWidget()
    playing = QVBoxLayout(tab)
    playing.addWidget(window.now_playing)
    heading = QLabel("Up next")
    heading.setStyleSheet("font-weight: bold;")
    playing.addSpacing(6)
    playing.addWidget(heading)
    playing.addWidget(window.queue_caption)
    playing.addWidget(window.queue_view, 1)
    return tab


def _status_bar(window) -> None:
    window.status_mood = QLabel()
    window.status_camera = QLabel()
    window.scan_progress = QProgressBar()  # for the other tabs; the Library tab has its own
    window.scan_progress.setAccessibleName("Library scan progress")
    window.scan_progress.setMaximumWidth(180)
    window.scan_progress.setFormat("Scanning %v / %m")
    window.scan_progress.hide()
    bar = window.statusBar()
    bar.addPermanentWidget(window.scan_progress)
    bar.addPermanentWidget(window.status_camera)
    bar.addPermanentWidget(window.status_mood)


def set_tab_order(window) -> None:
    transport, now_playing, library = window.transport, window.now_playing, window.library_view
    chain = [*window.override_bar.buttons.values(), transport.prev_button, transport.play_button,
             transport.next_button, transport.slider, transport.volume, window.tabs,
             now_playing.star, now_playing.reject, window.queue_view,
             library.search, library.bucket, library.table]
    for first, second in zip(chain, chain[1:], strict=False):
        QWidget.setTabOrder(first, second)
