"""The Diary tab: today's mood over time and the week's, drawn with QPainter; skips per mood,
what played, the goal's effect; export to CSV, recording on/off, delete all. Also the
recorder that writes the bridge's confirmed moods and plays into the diary.

Every diary write goes, in order, through one `DiaryWriter` onto the background pool; the
summary is read there too (latest wins), so the GUI thread never waits on diary.sqlite3."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import deque
from functools import partial

import shiboken6
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from moodplayer.emotions import Emotion
from moodplayer.moods.diary import Diary, open_diary, summary
from moodplayer.moods.diary_summary import mood_lines
from moodplayer.ui.tasks import run_in_background

log = logging.getLogger(__name__)
ROW = 26


class DiaryWriter:
    """A serial queue on the pool: writes run one at a time in the order they were put, by one
    job that drains the queue (so two pool threads never reorder them); `then` runs in the GUI
    thread after its write, unless its `context` widget is gone."""

    def __init__(self) -> None:
        self._queue: deque = deque()
        self._idle = threading.Condition()
        self._running = False

    def put(self, work, then=None, context=None) -> None:
        with self._idle:
            self._queue.append((work, then, None if context is None else weakref.ref(context)))
            if self._running:
                return  # the job in flight takes it next
            self._running = True
        run_in_background(self._drain, on_progress=_call_back)

    def finish(self, timeout_s: float = 5.0) -> bool:
        """Wait (at quit) until every queued write ran. True when they all did."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._running, timeout_s)

    def _drain(self, report) -> None:
        while True:
            with self._idle:
                if not self._queue:
                    self._running = False
                    self._idle.notify_all()
                    return
                work, then, context = self._queue.popleft()
            try:
                work()
            except Exception:  # one bad write is logged; the ones after it still run
                log.exception("Mood diary write failed")
                continue
            if then is not None:
                report((then, context))


def _call_back(item) -> None:
    then, context = item
    if context is not None:
        widget = context()
        if widget is None or not shiboken6.isValid(widget):
            return
    then()


class MoodChart(QWidget):
    """Today as one strip of mood colours, then one stacked bar per day of the week."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.result: dict | None = None
        self.setMinimumHeight(ROW * 10)

    def show_summary(self, result: dict) -> None:
        self.result = result
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        if not self.result:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self.width() - 110
        painter.drawText(QRectF(0, 0, 100, ROW), Qt.AlignmentFlag.AlignVCenter, "Today")
        self._today(painter, QRectF(100, 4, width, ROW - 8))
        for row, day in enumerate(self.result["week"], start=1):
            top = row * ROW + 6
            painter.drawText(QRectF(0, top, 100, ROW), Qt.AlignmentFlag.AlignVCenter, day["date"][5:])
            self._bar(painter, QRectF(100, top + 4, width, ROW - 8), day["share"])
        self._legend(painter, (len(self.result["week"]) + 1) * ROW + 12)
        painter.end()

    def _legend(self, painter: QPainter, top: float) -> None:
        left = 100.0
        for emotion in Emotion:
            painter.fillRect(QRectF(left, top + 6, 12, 12), QColor(emotion.colour))
            label = QRectF(left + 16, top, 90, ROW)
            painter.drawText(label, Qt.AlignmentFlag.AlignVCenter, emotion.display_name)
            left += 20 + painter.fontMetrics().horizontalAdvance(emotion.display_name) + 14

    def _today(self, painter: QPainter, area: QRectF) -> None:
        timeline = self.result["today"]["timeline"]
        painter.fillRect(area, QColor("#8883"))
        if not timeline:
            return
        start, end = timeline[0]["start"], timeline[-1]["end"]
        span = max(end - start, 1.0)
        for seg in timeline:
            left = area.left() + area.width() * (seg["start"] - start) / span
            right = area.left() + area.width() * (seg["end"] - start) / span
            box = QRectF(left, area.top(), max(right - left, 1.0), area.height())
            painter.fillRect(box, _colour(seg["mood"]))

    def _bar(self, painter: QPainter, area: QRectF, share: dict[str, float]) -> None:
        painter.fillRect(area, QColor("#8883"))
        left = area.left()
        for mood, part in share.items():
            painter.fillRect(QRectF(left, area.top(), area.width() * part, area.height()), _colour(mood))
            left += area.width() * part


class DiaryView(QWidget):
    def __init__(self, diary: Diary, settings, parent=None, writer: DiaryWriter | None = None) -> None:
        super().__init__(parent)
        self.diary, self.settings = diary, settings
        self.writer = writer if writer is not None else DiaryWriter()
        self._summary_key = f"diary-summary:{id(self)}"
        self.chart = MoodChart(self)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.record = QCheckBox("Record moods and plays", self)
        self.record.setChecked(diary.enabled)
        self.record.toggled.connect(self._set_recording)
        export = QPushButton("Export CSV…", self)
        export.clicked.connect(lambda: self.export())
        delete = QPushButton("Delete history…", self)
        delete.clicked.connect(self.delete_all)
        buttons = QHBoxLayout()
        self.export_status = QLabel(self)
        for widget in (self.record, export, delete):
            buttons.addWidget(widget)
        buttons.addWidget(self.export_status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.chart)
        layout.addWidget(self.details, 1)
        self.refresh()

    def refresh(self) -> None:
        """Read the summary on the pool; only the latest read is drawn."""
        run_in_background(partial(summary, self.diary), self._show, self._unreadable,
                          context=self, supersede=self._summary_key)

    def _show(self, result: dict) -> None:
        self.chart.show_summary(result)
        self.details.setText(describe(result))

    def _unreadable(self, exc: Exception) -> None:
        self.details.setText(f"The mood diary cannot be read: {exc}")

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.refresh()
        super().showEvent(event)

    def export(self, path: str | None = None):
        """Write the CSV on the pool (a years-long diary is not written on the GUI thread);
        the outcome is shown beside the buttons. Returns the job, or None when cancelled."""
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Export the mood diary", "mood-diary.csv",
                                                  "CSV (*.csv)")
        if not path:
            return None
        self.export_status.setText(f"Exporting to {path}…")
        return run_in_background(partial(self.diary.export_csv, path), partial(self._exported, path),
                                 partial(self._export_failed, path), context=self)

    def _exported(self, path: str, rows: int) -> None:
        self.export_status.setText(f"Exported {rows} row{'' if rows == 1 else 's'} to {path}")

    def _export_failed(self, path: str, exc: Exception) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        self.export_status.setText(f"Export failed: could not write {path}: {reason}")

    def delete_all(self, confirm: bool = True) -> None:
        if confirm and QMessageBox.question(self, "Delete the mood diary",
                                            "Delete every recorded mood and play?") \
                != QMessageBox.StandardButton.Yes:
            return
        self.writer.put(self.diary.delete_all, then=self.refresh, context=self)

    def _set_recording(self, on: bool) -> None:
        # Queued, so moods and plays put before the switch are still written (and none after)
        self.writer.put(partial(setattr, self.diary, "enabled", on))
        self.settings.diary_enabled = on
        self.settings.save()


def describe(result: dict) -> str:
    return "\n".join(mood_lines(result)) or "Nothing recorded yet."


def _colour(mood: str) -> QColor:
    try:
        return QColor(Emotion.parse(mood).colour)
    except ValueError:
        return QColor("#888888")


class DiaryRecorder:
    """Confirmed moods (on change) and plays (started, then completed or skipped by where the
    track was when the next one came) from the bridge's signals into the diary."""

    DONE_SHARE = 0.9

    def __init__(self, bridge, diary: Diary, settings, writer: DiaryWriter | None = None) -> None:
        self.bridge, self.diary, self.settings = bridge, diary, settings
        self.writer = writer if writer is not None else DiaryWriter()
        self._mood: str | None = None
        self._track = None
        self._position = (0.0, 0.0)
        bridge.mood_changed.connect(self.on_mood)
        bridge.track_changed.connect(self.on_track)
        bridge.position_changed.connect(lambda pos, length: setattr(self, "_position", (pos, length)))

    def on_mood(self, state) -> None:
        target = getattr(state, "target", None)
        label = target.label if target is not None else None
        if label and label != self._mood:
            self._mood = label
            source = "override" if getattr(state, "override", None) else "camera"
            self.writer.put(partial(self.diary.record_mood, label, source, t=time.time()))

    def on_track(self, track) -> None:
        goal = getattr(self.settings, "goal", "match")
        if self.diary.closed:
            return
        if self._track is not None:
            position, length = self._position
            event = "completed" if length and position >= self.DONE_SHARE * length else "skipped"
            self._play(self._track, event, goal)
            self.writer.put(partial(self.diary.learn, goal, self._track.path, event))
        self._track, self._position = track, (0.0, 0.0)
        if track is not None:
            self._play(track, "started", goal)

    def _play(self, track, event: str, goal: str) -> None:
        # The time is taken now, not when the pool gets to it
        self.writer.put(partial(self.diary.record_play, track.path, track.display_title, self._mood or "",
                                event, goal, t=time.time()))


def attach(bridge, window, settings) -> DiaryView:
    """The Diary tab and the recorder; the diary file closes with the window."""
    diary, warning = open_diary(getattr(settings, "diary_enabled", True))
    if warning:
        bridge.message.emit("warning", warning)
    writer = DiaryWriter()
    view = DiaryView(diary, settings, writer=writer)
    view.recorder = DiaryRecorder(bridge, diary, settings, writer)
    window.tabs.addTab(view, "Diary")
    if hasattr(window, "closing"):
        window.closing.connect(lambda: _close(writer, diary))
    return view


def _close(writer: DiaryWriter, diary: Diary) -> None:
    """At quit: the queued writes first, then the file."""
    if not writer.finish():
        log.warning("Mood diary writes still queued at quit; closing without them")
    diary.close()
