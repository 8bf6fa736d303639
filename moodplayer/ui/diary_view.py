"""The Diary tab: today's mood over time and the week's, drawn with QPainter; skips per mood,
what played, the goal's effect; export to CSV, recording on/off, delete all. Also the
recorder that writes the bridge's confirmed moods and plays into the diary."""

from __future__ import annotations

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

ROW = 26


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
    def __init__(self, diary: Diary, settings, parent=None) -> None:
        super().__init__(parent)
        self.diary, self.settings = diary, settings
        self.chart = MoodChart(self)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.record = QCheckBox("Record moods and plays", self)
        self.record.setChecked(diary.enabled)
        self.record.toggled.connect(self._set_recording)
        export = QPushButton("Export CSV…", self)
        export.clicked.connect(self.export)
        delete = QPushButton("Delete history…", self)
        delete.clicked.connect(self.delete_all)
        buttons = QHBoxLayout()
        for widget in (self.record, export, delete):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.chart)
        layout.addWidget(self.details, 1)
        self.refresh()

    def refresh(self) -> None:
        result = summary(self.diary)
        self.chart.show_summary(result)
        self.details.setText(describe(result))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.refresh()
        super().showEvent(event)

    def export(self, path: str | None = None) -> int:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Export the mood diary", "mood-diary.csv",
                                                  "CSV (*.csv)")
        if not path:
            return 0
        try:
            return self.diary.export_csv(path)
        except OSError as exc:
            QMessageBox.warning(self, "Export failed", f"Could not write {path}: {exc.strerror or exc}")
            return 0

    def delete_all(self, confirm: bool = True) -> None:
        if confirm and QMessageBox.question(self, "Delete the mood diary",
                                            "Delete every recorded mood and play?") \
                != QMessageBox.StandardButton.Yes:
            return
        self.diary.delete_all()
        self.refresh()

    def _set_recording(self, on: bool) -> None:
        self.diary.enabled = on
        self.settings.diary_enabled = on
        self.settings.save()


def describe(result: dict) -> str:
    lines = []
    for mood, rate in result["skip_rate"].items():
        lines.append(f"{mood}: skipped {rate['skipped']} of {rate['skipped'] + rate['completed']} "
                     f"({rate['rate']:.0%})")
    for mood, tracks in result["played"].items():
        lines.append(f"while {mood}: " + ", ".join(t["title"] for t in tracks[:5]))
    lines += [effect["text"] for effect in result["goal_effect"].values()]
    return "\n".join(lines) or "Nothing recorded yet."


def _colour(mood: str) -> QColor:
    try:
        return QColor(Emotion.parse(mood).colour)
    except ValueError:
        return QColor("#888888")


class DiaryRecorder:
    """Confirmed moods (on change) and plays (started, then completed or skipped by where the
    track was when the next one came) from the bridge's signals into the diary."""

    DONE_SHARE = 0.9

    def __init__(self, bridge, diary: Diary, settings) -> None:
        self.bridge, self.diary, self.settings = bridge, diary, settings
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
            self.diary.record_mood(label, "override" if getattr(state, "override", None) else "camera")

    def on_track(self, track) -> None:
        goal = getattr(self.settings, "goal", "match")
        if self.diary.closed:
            return
        if self._track is not None:
            position, length = self._position
            event = "completed" if length and position >= self.DONE_SHARE * length else "skipped"
            self.diary.record_play(self._track.path, self._track.display_title, self._mood or "", event, goal)
            self.diary.learn(goal, self._track.path, event)
        self._track, self._position = track, (0.0, 0.0)
        if track is not None:
            self.diary.record_play(track.path, track.display_title, self._mood or "", "started", goal)


def attach(bridge, window, settings) -> DiaryView:
    """The Diary tab and the recorder; the diary file closes with the window."""
    diary, warning = open_diary(getattr(settings, "diary_enabled", True))
    if warning:
        bridge.message.emit("warning", warning)
    view = DiaryView(diary, settings)
    view.recorder = DiaryRecorder(bridge, diary, settings)
    window.tabs.addTab(view, "Diary")
    if hasattr(window, "closing"):
        window.closing.connect(diary.close)
    return view
