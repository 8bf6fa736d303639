""""That's not my mood": next to the mood label, "I'm actually… happy / sad / …".

It sets the mood now (through the bridge, as a camera mood: the music follows) and
teaches the calibration profile the face the camera sees at that moment. Unlike the
override buttons, which choose music and teach nothing about the face.

attach_calibration(window, bridge, camera, calibration) adds the control, the Settings
box and the calibration dialog to a MainWindow; app.py calls it once.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMenu, QToolButton

from moodplayer.emotions import Emotion
from moodplayer.ui.calibration_dialog import CalibrationBox, CalibrationDialog, add_to_settings
from moodplayer.ui.tasks import run_in_background

CORRECTION_READINGS = 5  # readings of the face a correction learns from ...
CORRECTION_POLL_MS = 100
CORRECTION_POLLS = 20  # ... collected for at most 2 s


class CorrectionButton(QToolButton):
    corrected = Signal(object)  # the Emotion the user says she feels

    def __init__(self, bridge, calibration, parent=None):
        super().__init__(parent)
        self.bridge, self.calibration = bridge, calibration
        self.setText("That's not my mood")
        self.setToolTip("Tell MoodPlayer how you actually feel: the music follows, and it learns your face")
        self.setAccessibleName("That's not my mood")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        menu.addSection("I'm actually…")
        for emotion in Emotion:
            action = menu.addAction(emotion.label)
            action.triggered.connect(lambda _=False, e=emotion: self.correct(e))
        self.setMenu(menu)
        self._timer = QTimer(self)
        self._timer.setInterval(CORRECTION_POLL_MS)
        self._timer.timeout.connect(self._collect)
        self._emotion, self._readings, self._last, self._polls = Emotion.NEUTRAL, [], None, 0

    def correct(self, emotion: Emotion) -> None:
        """Set the mood now, then learn the face of the next second as `emotion`: a few
        readings, not one frame that may be a blink (saved off the GUI thread)."""
        self.bridge.on_camera_mood(emotion)
        self.corrected.emit(emotion)
        self._emotion, self._readings = emotion, []
        self._last = self.calibration.latest_reading()
        if self._last is not None:
            self._readings.append(self._last)
        self._polls = 0
        self._timer.start()

    def _collect(self) -> None:
        self._polls += 1
        reading = self.calibration.latest_reading()
        if reading is not None and reading is not self._last:
            self._last = reading
            self._readings.append(reading)
        if len(self._readings) < CORRECTION_READINGS and self._polls < CORRECTION_POLLS:
            return
        self._timer.stop()
        emotion, readings = self._emotion, self._readings
        if not readings:
            self.bridge.message.emit("info", f"Mood set to {emotion.label}. No face seen, so nothing "
                                             "was learned about your face.")
            return
        run_in_background(lambda: self.calibration.teach(emotion, readings),
                          on_done=lambda ok: self._taught(emotion, ok), context=self)

    def _taught(self, emotion: Emotion, ok: bool) -> None:
        if ok:
            self.bridge.message.emit("info", f"Mood set to {emotion.label}; MoodPlayer will read "
                                             "this face of yours as that from now on.")
        else:
            self.bridge.message.emit("warning", self.calibration.message or "Could not save the calibration.")


class CalibrationUi(QObject):
    """The calibration pieces of one window: correction button, dialog, Settings box."""

    def __init__(self, window, bridge, camera, calibration):
        super().__init__(window)
        self.window, self.camera, self.calibration = window, camera, calibration
        self.dialog: CalibrationDialog | None = None
        self.button = CorrectionButton(bridge, calibration, window)
        layout = window.mood_label.parentWidget().layout()
        layout.insertWidget(layout.indexOf(window.mood_label) + 1, self.button)
        self._bridge = bridge
        camera.state.connect(self._camera_state)
        menu = next((a.menu() for a in window.menuBar().actions() if a.text() == "&Settings"), None)
        if menu is not None:  # Settings → Calibrate camera…, beside Settings…
            self.menu_action = menu.addAction("&Calibrate camera…", lambda: self.open_dialog())

    def _camera_state(self, state: str, _message: str) -> None:
        """A saved profile that could not be used (another model's) is said once, in the banner."""
        if state == "running" and self.calibration.message:
            self._bridge.message.emit("warning", self.calibration.message)
            self.calibration.message = ""

    def open_dialog(self, parent=None, block: bool = False) -> CalibrationDialog:
        """Beside the window, or over `parent` (the Settings dialog) and blocking until closed.
        It collects from the running camera, started here when it is off."""
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        if not self.camera.running:
            self.camera.set_enabled(True)
        # Posing for the camera must not change the music: camera moods wait until it closes.
        self.camera.bridge = _Held(self.camera.bridge)
        self.dialog = CalibrationDialog(self.calibration, parent or self.window)
        self.camera.frame.connect(self.dialog.on_frame)
        self.dialog.finished.connect(self._closed)
        dialog = self.dialog
        if block:
            dialog.exec()
        else:
            dialog.show()
        return dialog

    def extend_settings(self, settings_dialog) -> CalibrationBox:
        """The Calibration box in the Settings dialog (a modal dialog: the calibration opens over it)."""
        box = CalibrationBox(self.calibration, lambda: self.open_dialog(settings_dialog, block=True),
                             settings_dialog)
        add_to_settings(settings_dialog, box)
        return box

    def offer(self) -> None:
        """First start: the dialog opens beside the window; "Skip"/"Finish" close it."""
        if self.camera.choice.enabled and not any(self.calibration.counts().values()):
            self.open_dialog()

    def _closed(self) -> None:
        if isinstance(self.camera.bridge, _Held):
            self.camera.bridge = self.camera.bridge.bridge
        self.camera.frame.disconnect(self.dialog.on_frame)
        self.dialog.deleteLater()
        self.dialog = None


class _Held:
    """Stands in for the bridge in the camera controller while the dialog is open."""

    def __init__(self, bridge):
        self.bridge = bridge

    def on_camera_mood(self, _emotion) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self.bridge, name)


def attach_calibration(window, bridge, camera, calibration) -> CalibrationUi:
    window.calibration_ui = CalibrationUi(window, bridge, camera, calibration)
    return window.calibration_ui
