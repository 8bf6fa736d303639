"""The vision thread's lifecycle: start, stop, switch the camera, new dwell time.

What the current worker sends goes on as this object's signals; what a stopped
worker sent before it ended (still queued for the GUI thread) is dropped here,
once. Confirmed moods go to the bridge (vision → camera controller → bridge →
session); the window only shows frames, bars and the camera's state.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

from moodplayer.config import Settings
from moodplayer.ui.workers import VisionThread, VisionWorker
from moodplayer.vision.cameras import CameraChoice


class CameraController(QObject):
    frame = Signal(object, tuple, list)  # display frame (BGRA), source (w, h), [FaceBox]
    probabilities = Signal(object)  # 7 smoothed floats, or None
    mood = Signal(object)  # the confirmed Emotion, or None
    state = Signal(str, str)  # "starting", "running", "no camera", ..., and "off"; message
    failed = Signal(str)

    def __init__(self, bridge, settings: Settings, choice: CameraChoice,
                 pipeline_factory: Callable | None, parent=None):
        super().__init__(parent)
        self.bridge, self.settings, self.choice = bridge, settings, choice
        self._view = None  # the CameraView (attach_view): its size, and its "painted" for frame pacing
        self._factory = pipeline_factory
        self.vision: VisionThread | None = None
        self.state_now = "off"

    def attach_view(self, view) -> None:
        self._view = view

    @property
    def running(self) -> bool:
        return self.vision is not None

    def start(self) -> None:
        if self.vision is not None or self._factory is None or self._view is None or not self.choice.enabled:
            return
        choice, settings = self.choice, self.settings
        worker = VisionWorker(lambda: self._factory(choice, settings), self._view.target_size)
        worker.frame.connect(self._frame)
        worker.probabilities.connect(self._probabilities)
        worker.mood_changed.connect(self._mood)
        worker.state.connect(self._state)
        worker.failed.connect(self._failed)
        # Direct: the worker's thread is busy in its loop and never runs queued calls;
        # display_ready only sets a threading.Event.
        self._view.frame_shown.connect(worker.display_ready, Qt.ConnectionType.DirectConnection)
        self.vision = VisionThread(worker, self)
        self._set_state("starting", "")
        self.vision.start()

    def stop(self) -> None:
        if self.vision is None:
            return
        vision, self.vision = self.vision, None
        self._view.frame_shown.disconnect(vision.worker.display_ready)
        vision.stop()
        vision.deleteLater()
        self.bridge.on_camera_mood(None)
        self._set_state("off", "")

    def set_enabled(self, on: bool) -> None:
        """View → Camera; remembered in the settings by the caller."""
        if on:
            if not self.choice.enabled:
                self.choice = CameraChoice(index=self.settings.camera_index)
            self.start()
        else:
            self.stop()

    def apply_settings(self, old: Settings, new: Settings) -> None:
        """New dwell at once; another camera (or camera off) restarts the thread."""
        self.settings = new
        if self.vision is not None:
            self.vision.worker.set_dwell(new.dwell_seconds)
        camera_changed = (new.camera_enabled != old.camera_enabled
                          or (new.camera_index != old.camera_index and self.choice.video is None))
        if camera_changed:
            self.stop()
            self.choice = CameraChoice(index=new.camera_index if new.camera_enabled else None)
            self.start()

    def _current(self) -> bool:
        """False for what a stopped worker sent before it ended."""
        return self.vision is not None and self.sender() is self.vision.worker

    def _frame(self, frame, source_size, faces) -> None:
        if self._current():
            self.frame.emit(frame, source_size, faces)

    def _probabilities(self, probabilities) -> None:
        if self._current():
            self.probabilities.emit(probabilities)

    def _mood(self, emotion) -> None:
        if self._current():
            self.bridge.on_camera_mood(emotion)
            self.mood.emit(emotion)

    def _state(self, state: str, message: str) -> None:
        if self._current():
            self._set_state(state, message)

    def _failed(self, message: str) -> None:
        if self._current():
            self.failed.emit(message)

    def _set_state(self, state: str, message: str) -> None:
        self.state_now = state
        self.state.emit(state, message)
