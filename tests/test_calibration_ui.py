"""The calibration dialog, the Settings box and "that's not my mood", offscreen, on the
real models and a real video standing in for the camera."""

from __future__ import annotations

import json
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from moodplayer.emotions import Emotion
from moodplayer.ui.calibration_dialog import (
    SAMPLES_PER_STEP,
    CalibrationBox,
    CalibrationDialog,
    add_to_settings,
)
from moodplayer.ui.workers import face_boxes
from moodplayer.vision.personal import PersonalCalibration
from moodplayer.vision.pipeline import VisionPipeline

DATA = Path(__file__).parent / "data"


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def video_frames(path=DATA / "astronaut.mp4"):
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            return frames
        frames.append(frame)


def feed(dialog, pipeline, frames, clock, step=0.25):
    """The vision worker's part: each frame through the pipeline, its face boxes to the dialog."""
    for index, frame in enumerate(frames):
        result = pipeline.process(frame, index / 10)
        clock.now += step
        dialog.on_frame(None, frame.shape[1::-1], face_boxes(result.faces, result.primary, result.probs))


def _shot(widget, path):
    """A picture of the widget (packaging/screenshots has the ones looked at); never blank."""
    assert widget.grab().save(str(path))
    picture = cv2.imread(str(path))
    assert picture is not None and picture.std() > 10


@pytest.fixture
def calibration(tmp_path):
    return PersonalCalibration(tmp_path / "calibration.json")


def test_dialog_learns_the_resting_face_and_says_what_changed(qtbot, calibration, tmp_path):
    clock = FakeClock()
    pipeline = VisionPipeline(classifier=calibration.make_classifier())
    dialog = CalibrationDialog(calibration, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.title.text() == "Step 1 of 7: Neutral"
    feed(dialog, pipeline, video_frames()[:5], clock)
    assert dialog.bar.value() == 0, "nothing is collected before Start"
    dialog.start_button.click()
    frames = video_frames()
    feed(dialog, pipeline, frames[:12], clock)
    assert 0 < dialog.bar.value() < SAMPLES_PER_STEP and "steady" in dialog.status.text()
    _shot(dialog, tmp_path / "calibration-collecting.png")
    feed(dialog, pipeline, frames[12:], clock)
    assert dialog.step == 1 and dialog.title.text().startswith("Step 2 of 7: Happy")
    saved = json.loads(calibration.path.read_text())
    assert {k: v["count"] for k, v in saved["classes"].items()} == {"neutral": SAMPLES_PER_STEP}
    for _ in range(6):
        dialog.skip_button.click()
    assert dialog.finish_button.text() == "Close"
    # The astronaut smiles: her "resting face" read as happy, and as neutral after calibration.
    assert dialog.summary.text() == "Your resting face read as happy 100% of the time; now neutral 100%."
    _shot(dialog, tmp_path / "calibration-dialog.png")
    assert int(np.argmax(calibration.make_classifier().classify(frames[30], pipeline.detector.detect(
        frames[30])[0].box))) == Emotion.NEUTRAL


def test_dialog_waits_for_a_steady_face(qtbot, calibration):
    clock = FakeClock()
    pipeline = VisionPipeline(classifier=calibration.make_classifier())
    dialog = CalibrationDialog(calibration, clock=clock)
    qtbot.addWidget(dialog)
    dialog.start_button.click()
    feed(dialog, pipeline, video_frames(DATA / "noface.mp4"), clock)
    assert dialog.bar.value() == 0 and dialog.status.text() == "No face found: look at the camera."
    frames = video_frames()
    feed(dialog, pipeline, frames[:1], clock)
    assert dialog.status.text() == "Face found: hold still…"
    jumpy = [frames[40], frames[5], frames[45], frames[10]]
    feed(dialog, pipeline, jumpy, clock)
    assert dialog.bar.value() == 0, "a face that jumps about is not collected"
    dialog.finish_button.click()
    assert dialog.title.text() == "Nothing learned" and not calibration.path.exists()


def test_settings_box_shows_counts_what_is_stored_and_resets(qtbot, calibration, tmp_path):
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

    pipeline = VisionPipeline(classifier=calibration.make_classifier())
    frames = video_frames()
    readings = []
    for frame in frames[:4]:
        pipeline.process(frame, 0.0)
        readings.append(calibration.latest_reading())
    assert calibration.teach(Emotion.HAPPY, readings[:3]) and calibration.teach(Emotion.SAD, readings[3:])
    opened = []
    settings = QDialog()
    layout = QVBoxLayout(settings)
    layout.addWidget(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok))
    box = CalibrationBox(calibration, lambda: opened.append(True))
    add_to_settings(settings, box)
    qtbot.addWidget(settings)
    assert layout.indexOf(box) == 0, "above the dialog's buttons"
    assert box.counts.text() == "Samples: Happy 3, Sad 1"
    stored = [w.text() for w in box.findChildren(type(box.counts)) if "Stored in" in w.text()]
    assert stored and "no images" in stored[0] and str(calibration.path) in stored[0]
    box.calibrate_button.click()
    assert opened == [True]
    # A fresh app (no camera yet) reads the counts from the file.
    assert PersonalCalibration(calibration.path).counts()["happy"] == 3
    settings.show()
    _shot(settings, tmp_path / "calibration-settings.png")
    box.reset_button.click()
    assert not calibration.path.exists() and box.counts.text().startswith("Not calibrated")
    assert not box.reset_button.isEnabled()
    assert calibration.latest_reading(max_age=600) is not None
    time.sleep(0.02)
    assert calibration.latest_reading(max_age=0.01) is None, "an old reading is not the current face"
    assert calibration.adapted(readings[0]).tolist() == readings[0].probs.tolist(), "reset = today's model"
