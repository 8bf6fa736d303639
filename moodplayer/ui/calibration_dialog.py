"""Settings → "Calibrate camera…": teaches MoodPlayer the user's face.

First the resting face (~5 s), then, each skippable, a few seconds of every other
expression. A bar fills as readings are collected from frames where a face was found
and held steady; at the end a before/after summary ("your resting face read as sad
41 % of the time; now neutral"). Only means of the model's readings are kept
(vision/calibration.py), never a frame.

The box for the Settings dialog (CalibrationBox) shows the samples per emotion, what
is stored, and a reset button.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from moodplayer.emotions import LABELS, Emotion

SAMPLES_PER_STEP = 20
SAMPLE_SECONDS = 0.2  # at most one reading per this long: ~5 s a step at any camera rate
STEADY_SHIFT = 0.08  # the face may move this share of its size between frames and count as steady
STEPS = (
    (Emotion.NEUTRAL, "Look at the screen as you normally do."),
    (Emotion.HAPPY, "Smile."),
    (Emotion.SAD, "Look sad."),
    (Emotion.ANGRY, "Look angry."),
    (Emotion.SURPRISE, "Look surprised."),
    (Emotion.FEAR, "Look scared."),
    (Emotion.DISGUST, "Look disgusted."),
)


class CalibrationDialog(QDialog):
    """Feed it the camera's frames with on_frame(frame, source_size, faces) (the camera
    controller's `frame` signal); readings come from calibration.latest_reading()."""

    taught = Signal()

    def __init__(self, calibration, parent=None, clock: Callable[[], float] = time.monotonic):
        super().__init__(parent)
        self.setWindowTitle("Calibrate camera")
        self.setAccessibleName("Calibrate camera")
        self.calibration, self._clock = calibration, clock
        self.step = 0
        self.collecting = False
        self.readings: list = []
        self.results: list[tuple[Emotion, list]] = []
        self._last_box = None
        self._last_reading = None
        self._last_sample_t = -1e9
        self._build()
        self._show_step()

    def _build(self) -> None:
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.instruction = QLabel()
        self.instruction.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, SAMPLES_PER_STEP)
        self.bar.setAccessibleName("Frames collected")
        self.bar.setFormat("%v of %m frames")
        self.status = QLabel("Waiting for the camera…")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.start_button = QPushButton("Start")
        self.skip_button = QPushButton("Skip")
        self.finish_button = QPushButton("Finish")
        self.start_button.clicked.connect(self.start_step)
        self.skip_button.clicked.connect(self.skip_step)
        self.finish_button.clicked.connect(self.finish)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.finish_button)
        note = QLabel("Kept: averages of what the model reads in your face, per expression. "
                      "No picture of you is stored.")
        note.setWordWrap(True)
        note.setEnabled(False)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.instruction, self.bar, self.status, self.summary):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(note)
        self.setMinimumWidth(440)

    def _show_step(self) -> None:
        emotion, text = STEPS[self.step]
        optional = "" if self.step == 0 else " (optional)"
        self.title.setText(f"Step {self.step + 1} of {len(STEPS)}: {_name(emotion)}{optional}")
        self.instruction.setText(f"{text} Press Start and hold it for about 5 seconds.")
        self.bar.setValue(0)
        self.start_button.setEnabled(True)

    def start_step(self) -> None:
        self.collecting, self.readings = True, []
        self._last_box = None
        self.start_button.setEnabled(False)
        self.status.setText("Looking for your face…")

    def skip_step(self) -> None:
        self.collecting = False
        self._advance()

    def on_frame(self, _frame, _source_size, faces) -> None:
        if not self.collecting:
            return
        box = faces[0].box if faces else None
        steady = _steady(self._last_box, box)
        self._last_box = box
        if box is None:
            self.status.setText("No face found: look at the camera.")
            return
        if not steady:
            self.status.setText("Face found: hold still…")
            return
        reading = self.calibration.latest_reading()
        now = self._clock()
        if reading is None or reading is self._last_reading or now - self._last_sample_t < SAMPLE_SECONDS:
            return
        self._last_reading, self._last_sample_t = reading, now
        self.readings.append(reading)
        self.bar.setValue(len(self.readings))
        self.status.setText(f"Face found, steady: {len(self.readings)} of {SAMPLES_PER_STEP} collected")
        if len(self.readings) >= SAMPLES_PER_STEP:
            self._step_done()

    def _step_done(self) -> None:
        self.collecting = False
        emotion = STEPS[self.step][0]
        if self.calibration.teach(emotion, self.readings):
            self.results.append((emotion, self.readings))
            self.taught.emit()
        else:
            self.status.setText(self.calibration.message or "Could not save the calibration.")
        self._advance()

    def _advance(self) -> None:
        if self.step + 1 >= len(STEPS):
            self.finish()
            return
        self.step += 1
        self._show_step()

    def finish(self) -> None:
        """Stop collecting and show the before/after summary."""
        self.collecting = False
        for widget in (self.start_button, self.skip_button, self.bar, self.status):
            widget.hide()
        self.finish_button.setText("Close")
        self.finish_button.clicked.disconnect()
        self.finish_button.clicked.connect(self.accept)
        self.title.setText("Done" if self.results else "Nothing learned")
        self.instruction.setText("")
        self.summary.setText("\n".join(self.summary_lines()) or "No expression was collected; the "
                             "model reads your face as it did before.")
        self.adjustSize()

    def summary_lines(self) -> list[str]:
        lines = []
        for emotion, readings in self.results:
            before = _top([int(np.argmax(r.probs)) for r in readings])
            after = _top([int(np.argmax(self.calibration.adapted(r))) for r in readings])
            face = "resting face" if emotion == Emotion.NEUTRAL else f"{emotion.label} face"
            lines.append(f"Your {face} read as {before[0]} {before[1]:.0%} of the time; "
                         f"now {after[0]} {after[1]:.0%}.")
        return lines


class CalibrationBox(QGroupBox):
    """Settings: samples per emotion, what is stored, Calibrate… and Reset."""

    def __init__(self, calibration, open_dialog: Callable[[], None], parent: QWidget | None = None):
        super().__init__("Calibration", parent)
        self.calibration = calibration
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        stored = QLabel(f"Stored in {calibration.path}: {calibration.stored}.")
        stored.setWordWrap(True)
        stored.setEnabled(False)
        self.calibrate_button = QPushButton("Calibrate camera…")
        self.reset_button = QPushButton("Reset")
        self._open_dialog = open_dialog
        self.calibrate_button.clicked.connect(self.calibrate)
        self.reset_button.clicked.connect(self.reset)
        row = QHBoxLayout()
        row.addWidget(self.calibrate_button)
        row.addWidget(self.reset_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(stored)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        counts = self.calibration.counts()
        taught = [f"{_name(Emotion.parse(k))} {n}" for k, n in counts.items() if n]
        self.counts.setText("Samples: " + ", ".join(taught) if taught
                            else "Not calibrated: the model reads your face as it reads anyone's.")
        self.reset_button.setEnabled(bool(taught))

    def calibrate(self) -> None:
        self._open_dialog()
        self.refresh()

    def reset(self) -> None:
        self.calibration.reset()
        self.refresh()


def add_to_settings(dialog: QDialog, box: CalibrationBox) -> None:
    """Put the box above the dialog's OK/Cancel buttons."""
    layout = dialog.layout()
    buttons = dialog.findChild(QDialogButtonBox)
    index = layout.indexOf(buttons) if buttons is not None else -1
    layout.insertWidget(index if index >= 0 else layout.count(), box)


def _steady(previous, box) -> bool:
    if previous is None or box is None:
        return False
    size = max(1.0, (box[2] + box[3]) / 2)
    shift = max(abs((previous[0] + previous[2] / 2) - (box[0] + box[2] / 2)),
                abs((previous[1] + previous[3] / 2) - (box[1] + box[3] / 2)))
    return shift <= STEADY_SHIFT * size and abs(previous[2] - box[2]) <= 0.1 * size


def _top(predicted: list[int]) -> tuple[str, float]:
    counts = np.bincount(predicted, minlength=len(LABELS))
    best = int(np.argmax(counts))
    return LABELS[best], counts[best] / max(1, len(predicted))


def _name(emotion: Emotion) -> str:
    return emotion.display_name
