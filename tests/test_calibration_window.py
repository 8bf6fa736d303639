"""Calibration in the running window: "that's not my mood", the Settings box, the dialog on
the live camera (a video file stands in for it), and the profile the vision thread applies."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from moodplayer import app as app_module
from moodplayer.config import Settings
from moodplayer.emotions import Emotion
from moodplayer.ui.calibration_dialog import CalibrationBox

DATA = Path(__file__).parent / "data"


@pytest.fixture
def window(qtbot):
    Settings(welcomed=True, camera_enabled=False).save()
    app_module.make_application()
    args = argparse.Namespace(music_dir=None, camera=None, video=str(DATA / "astronaut.mp4"),
                              no_camera=False, screenshot=None)
    window = app_module.create_window(args)
    qtbot.addWidget(window)
    window.show()
    window.app.start()
    return window


def test_thats_not_my_mood_sets_the_mood_and_teaches_the_face(qtbot, window, tmp_path, isolated_dirs):
    qtbot.waitUntil(lambda: window.bridge.mood.camera == Emotion.HAPPY, timeout=20000)
    ui = window.calibration_ui
    column = window.mood_label.parentWidget().layout()
    assert column.indexOf(ui.button) == column.indexOf(window.mood_label) + 1, "next to the mood label"
    sad = next(a for a in ui.button.menu().actions() if a.text() == "sad")
    sad.trigger()
    assert window.bridge.mood.camera == Emotion.SAD, "the mood is set at once"
    profile = window.app.calibration.path
    qtbot.waitUntil(profile.exists, timeout=5000)
    taught = json.loads(profile.read_text())["classes"]["sad"]["count"]
    assert 1 <= taught <= 5 and window.app.calibration.counts() == {**_none(), "sad": taught}
    qtbot.waitUntil(lambda: "Mood set to sad" in window.statusBar().currentMessage(), timeout=5000)
    # The vision thread's classifier took the samples in: her face now reads sad (the bars show
    # the tracker's smoothed view), so the camera keeps to sad instead of going back to happy.
    qtbot.waitUntil(lambda: _leader(window.bars.probabilities()) == Emotion.SAD, timeout=5000)
    qtbot.wait(3000)
    assert window.bridge.mood.camera == Emotion.SAD and _leader(window.bars.probabilities()) == Emotion.SAD
    assert window.grab().save(str(tmp_path / "correction.png"))
    # No picture of the face anywhere the app writes (the cache's cover thumbnails are of music).
    for folder in ("data", "config", "state"):
        for path in (isolated_dirs / folder).rglob("*"):
            if path.is_file():
                head = path.read_bytes()[:4]
                assert head[:3] != b"\xff\xd8\xff" and head != b"\x89PNG", path
                assert path.suffix not in {".png", ".jpg", ".jpeg", ".bmp", ".npy"}, path


def _leader(probabilities):
    return None if probabilities is None else Emotion(max(range(7), key=lambda i: probabilities[i]))


def _none():
    return {e.label: 0 for e in Emotion}


def test_settings_show_the_samples_and_reset_them(qtbot, window):
    qtbot.waitUntil(lambda: window.app.calibration.latest_reading() is not None, timeout=20000)
    window.app.calibration.teach(Emotion.NEUTRAL, [window.app.calibration.latest_reading()] * 2)
    seen = {}

    def look(dialog) -> None:
        box = dialog.findChild(CalibrationBox)
        seen["counts"] = box.counts.text()
        box.reset_button.click()
        seen["after"] = box.counts.text()
        dialog.reject()

    _answer_modal(look)
    next(a for a in window.findChildren(QAction) if a.text() == "&Settings…").trigger()
    assert seen == {"counts": "Samples: Neutral 2",
                    "after": "Not calibrated: the model reads your face as it reads anyone's."}
    assert not window.app.calibration.path.exists()


def test_the_dialog_collects_from_the_camera_and_holds_the_music(qtbot, window):
    qtbot.waitUntil(lambda: window.bridge.mood.camera == Emotion.HAPPY, timeout=20000)
    window.bridge.set_override(None)
    heard = []
    window.bridge.mood_changed.connect(lambda state: heard.append(state.camera))
    next(a for a in window.findChildren(QAction) if a.text() == "&Calibrate camera…").trigger()
    dialog = window.calibration_ui.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.step == 1, timeout=20000)  # 20 steady readings of her face
    assert window.app.calibration.counts()["neutral"] == 20
    assert Emotion.NEUTRAL not in heard, "posing for the dialog does not reach the music"
    dialog.finish_button.click()
    assert dialog.summary.text().startswith("Your resting face read as happy")
    dialog.finish_button.click()  # Close
    qtbot.waitUntil(lambda: window.calibration_ui.dialog is None)
    # Her smile is her resting face now: the camera confirms neutral.
    qtbot.waitUntil(lambda: window.bridge.mood.camera == Emotion.NEUTRAL, timeout=20000)


def _answer_modal(act) -> None:
    def check() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, check)
        else:
            act(dialog)

    QTimer.singleShot(20, check)


@pytest.mark.parametrize("use_camera", [True, False])
def test_first_start_offers_the_calibration_when_the_camera_is_on(qtbot, use_camera):
    app_module.make_application()
    args = argparse.Namespace(music_dir=None, camera=None, video=str(DATA / "astronaut.mp4"),
                              no_camera=False, screenshot=None)
    window = app_module.create_window(args)
    qtbot.addWidget(window)

    def answer(dialog) -> None:
        dialog.camera.setChecked(use_camera)
        dialog.accept()

    _answer_modal(answer)
    window.show()
    window.app.start()
    dialog = window.calibration_ui.dialog
    if not use_camera:
        assert dialog is None
        return
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert dialog.title.text() == "Step 1 of 7: Neutral"
    dialog.skip_button.click()  # every step can be skipped
    assert dialog.step == 1
    dialog.finish_button.click()
    assert dialog.title.text() == "Nothing learned"
    dialog.finish_button.click()
    qtbot.waitUntil(lambda: window.calibration_ui.dialog is None)
