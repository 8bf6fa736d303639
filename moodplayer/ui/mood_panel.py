"""Emotion probabilities as bars, the mood over the last minutes, and the
override buttons (seven emotions plus Auto)."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from moodplayer.emotions import EMOTIONS, Emotion
from moodplayer.ui.icons import emotion_icon, set_icon
from moodplayer.ui.theme import muted


class EmotionBars(QWidget):
    """Seven labelled bars; the confirmed mood's row is bold."""

    ROW = 20

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Emotion probabilities")
        self._probabilities: list[float] | None = None
        self._mood: Emotion | None = None
        self.setMinimumHeight(self.ROW * len(EMOTIONS) + 4)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_probabilities(self, probabilities) -> None:
        self._probabilities = None if probabilities is None else [float(p) for p in probabilities]
        self.setAccessibleDescription(self._describe())
        self.update()

    def set_mood(self, mood: Emotion | None) -> None:
        self._mood = mood
        self.update()

    def probabilities(self) -> list[float] | None:
        return self._probabilities

    def sizeHint(self) -> QSize:
        return QSize(300, self.ROW * len(EMOTIONS) + 4)

    def _describe(self) -> str:
        if self._probabilities is None:
            return "no face"
        pairs = zip(EMOTIONS, self._probabilities, strict=True)
        return ", ".join(f"{e.label} {round(p * 100)}%" for e, p in pairs)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        label_width = painter.fontMetrics().horizontalAdvance("Surprise") + 12
        value_width = painter.fontMetrics().horizontalAdvance("100%") + 8
        track = _blend(palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText),
                       0.14)
        for row, emotion in enumerate(EMOTIONS):
            top = 2 + row * self.ROW
            value = 0.0 if self._probabilities is None else self._probabilities[row]
            font = painter.font()
            font.setBold(emotion == self._mood)
            painter.setFont(font)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(QRectF(0, top, label_width, self.ROW),
                             Qt.AlignmentFlag.AlignVCenter, emotion.display_name)
            bar = QRectF(label_width, top + 5, self.width() - label_width - value_width, self.ROW - 10)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(bar, bar.height() / 2, bar.height() / 2)
            if value > 0.005:
                filled = QRectF(bar.left(), bar.top(), max(bar.height(), bar.width() * value), bar.height())
                painter.setBrush(QColor(emotion.colour))
                painter.drawRoundedRect(filled, bar.height() / 2, bar.height() / 2)
            painter.setPen(muted(palette))
            text = "–" if self._probabilities is None else f"{round(value * 100)}%"
            painter.drawText(QRectF(self.width() - value_width, top, value_width, self.ROW),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
        painter.end()


class MoodTimeline(QWidget):
    """Stacked probabilities over the last `span` seconds, with the confirmed mood
    as a band along the bottom. Samples are thinned to one per `step` seconds.
    Until `span` has passed the axis covers what there is (at least a minute), so
    the first minutes are not a sliver at the right edge."""

    MIN_SPAN = 60.0

    def __init__(self, span: float = 180.0, step: float = 0.5, parent=None, clock=time.monotonic):
        super().__init__(parent)
        self.setAccessibleName("Mood timeline")
        self.setToolTip("Your mood over the last few minutes")
        self.span, self.step, self._clock = span, step, clock
        self._samples: deque[tuple[float, tuple[float, ...] | None]] = deque()
        self._moods: deque[tuple[float, Emotion | None]] = deque()
        self._shown_span = self.MIN_SPAN
        self.setMinimumHeight(56)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def add_sample(self, probabilities, when: float | None = None) -> None:
        """None means no face at that moment (drawn as a gap)."""
        when = self._clock() if when is None else when
        if self._samples and when - self._samples[-1][0] < self.step:
            return
        value = None if probabilities is None else tuple(float(p) for p in probabilities)
        self._samples.append((when, value))
        self._trim(when)
        self.update()

    def set_mood(self, mood: Emotion | None, when: float | None = None) -> None:
        self._moods.append((self._clock() if when is None else when, mood))
        self.update()

    def sample_count(self) -> int:
        return len(self._samples)

    def sizeHint(self) -> QSize:
        return QSize(300, 80)

    def _trim(self, now: float) -> None:
        while self._samples and self._samples[0][0] < now - self.span:
            self._samples.popleft()
        while len(self._moods) > 1 and self._moods[1][0] < now - self.span:
            self._moods.popleft()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(0, 0, 0, -14)
        band = QRectF(area.left(), area.bottom() - 6, area.width(), 6)
        plot = area.adjusted(0, 0, 0, -9)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(area, 6, 6)
        now = self._clock()
        self._shown_span = self._visible_span(now)
        if not self._samples:
            painter.setPen(muted(palette))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "Your mood over time appears here")
        self._paint_stack(painter, plot, now)
        self._paint_moods(painter, band, now)
        painter.setPen(muted(palette))
        font = painter.font()
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
        painter.setFont(font)
        bottom = QRectF(0, self.height() - 14, self.width(), 14)
        span = self._shown_span
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft,
                         f"−{round(span / 60)} min" if span >= 90 else f"−{round(span)} s")
        painter.drawText(bottom, Qt.AlignmentFlag.AlignRight, "now")
        painter.end()

    def _visible_span(self, now: float) -> float:
        first = self._samples[0][0] if self._samples else now
        return min(self.span, max(self.MIN_SPAN, now - first))

    def _x(self, plot: QRectF, now: float, when: float) -> float:
        return plot.right() - (now - when) / self._shown_span * plot.width()

    def _paint_stack(self, painter: QPainter, plot: QRectF, now: float) -> None:
        runs, run = [], []
        for when, value in self._samples:
            if value is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((self._x(plot, now, when), value))
        if run:
            runs.append(run)
        for run in runs:
            if len(run) < 2:
                continue
            lower = [0.0] * len(run)
            for index, emotion in enumerate(EMOTIONS):
                upper = [low + value[index] for low, (_, value) in zip(lower, run, strict=True)]
                path = QPainterPath(QPointF(run[0][0], _y(plot, lower[0])))
                for (x, _), top in zip(run, upper, strict=True):
                    path.lineTo(x, _y(plot, top))
                for (x, _), low in zip(reversed(run), reversed(lower), strict=True):
                    path.lineTo(x, _y(plot, low))
                path.closeSubpath()
                colour = QColor(emotion.colour)
                colour.setAlpha(200)
                painter.fillPath(path, colour)
                lower = upper

    def _paint_moods(self, painter: QPainter, band: QRectF, now: float) -> None:
        moods = list(self._moods)
        for index, (start, mood) in enumerate(moods):
            end = moods[index + 1][0] if index + 1 < len(moods) else now
            left, right = max(band.left(), self._x(band, now, start)), self._x(band, now, end)
            if mood is None or right <= left:
                continue
            painter.fillRect(QRectF(left, band.top(), right - left, band.height()), QColor(mood.colour))
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Window), 1))
            painter.drawLine(QPointF(left, band.top()), QPointF(left, band.bottom()))


def _blend(base: QColor, other: QColor, amount: float) -> QColor:
    return QColor(round(base.red() + (other.red() - base.red()) * amount),
                  round(base.green() + (other.green() - base.green()) * amount),
                  round(base.blue() + (other.blue() - base.blue()) * amount))


def _y(plot: QRectF, fraction: float) -> float:
    return plot.bottom() - min(1.0, fraction) * plot.height()


class OverrideBar(QWidget):
    """Auto plus one button per emotion (keys A and 1–7). Exactly one is checked.

    `chosen` carries the emotion, or None for Auto.
    """

    chosen = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Mood override")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[Emotion | None, QToolButton] = {}
        self._add(None, "Auto", "A", "Follow the mood the camera sees")
        for number, emotion in enumerate(EMOTIONS, start=1):
            self._add(emotion, emotion.display_name, str(number),
                      f"Play music for {emotion.label} until you go back to Auto")
        self.mode_label = QLabel()
        self.mode_label.setAccessibleName("Mood mode")
        self.mode_label.setMinimumWidth(64)
        layout.addWidget(self.mode_label)
        self.buttons[None].setChecked(True)
        self._show_mode(None)
        self.refresh_icons()

    def _add(self, emotion: Emotion | None, text: str, key: str, tip: str) -> None:
        button = QToolButton(self)
        button.setText(text)
        button.setCheckable(True)
        button.setAutoRaise(False)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setIconSize(QSize(22, 22))
        button.setShortcut(QKeySequence(key))
        button.setToolTip(f"{tip}  [{key}]")
        button.setAccessibleName(f"{text} mood" if emotion is not None else "Auto mood")
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setMinimumHeight(34)
        button.clicked.connect(lambda _checked=False, e=emotion: self._clicked(e))
        self._group.addButton(button)
        self.buttons[emotion] = button
        self.layout().addWidget(button)

    def refresh_icons(self) -> None:
        """Icons and styles again for the current palette (after a theme change)."""
        for emotion, button in self.buttons.items():
            if emotion is None:
                set_icon(button, "auto")
            else:
                button.setIcon(emotion_icon(emotion))  # own colours, the same on any palette
            button.setStyleSheet(_button_style(emotion))

    def set_compact(self, on: bool) -> None:
        """Icons only (names stay in tooltips and accessible names) for a narrow window."""
        style = Qt.ToolButtonStyle.ToolButtonIconOnly if on else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        for button in self.buttons.values():
            button.setToolButtonStyle(style)

    def set_override(self, emotion: Emotion | None) -> None:
        """Reflect the current choice without emitting `chosen`."""
        self.buttons[emotion].setChecked(True)
        self._show_mode(emotion)

    def override(self) -> Emotion | None:
        return next(e for e, b in self.buttons.items() if b.isChecked())

    def _clicked(self, emotion: Emotion | None) -> None:
        self._show_mode(emotion)
        self.chosen.emit(emotion)

    def _show_mode(self, emotion: Emotion | None) -> None:
        self.mode_label.setText("auto" if emotion is None else "manual")
        self.mode_label.setToolTip("Following the camera" if emotion is None
                                   else f"Manual: {emotion.label} until you press Auto")


def _button_style(emotion: Emotion | None) -> str:
    colour = QColor(emotion.colour if emotion is not None else "#6e56cf")
    text = "#111111" if colour.lightness() > 150 else "#ffffff"
    return ("QToolButton { padding: 3px 6px; border-radius: 6px; background: palette(button);"
            " border: 1px solid palette(mid); }"
            "QToolButton:hover { border-color: palette(highlight); }"
            f"QToolButton:checked {{ background: {colour.name()}; color: {text}; font-weight: bold;"
            f" border: 2px solid {colour.darker(130).name()}; }}")
