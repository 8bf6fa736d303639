"""Background workers: the vision loop on its own QThread, and the library scan.

Neither touches a widget. The vision worker sends a frame for display only after
the view has painted the previous one, so frames are dropped, never queued.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import cv2
import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from moodplayer.emotions import Emotion
from moodplayer.ui.faces import FaceBox
from moodplayer.ui.tasks import Job, run_in_background

log = logging.getLogger(__name__)

STOP_TIMEOUT_MS = 4000


class VisionWorker(QObject):
    """Runs `make_pipeline()` (a started-or-startable VisionPipeline) until stopped.

    Signals (queued to the GUI thread): `frame` (BGRA display frame, source
    (w, h), [FaceBox]), `probabilities` (7 smoothed floats, None without a face), `mood_changed`
    (Emotion or None), `state` (state value, message), `failed` (message).
    """

    frame = Signal(object, tuple, list)
    probabilities = Signal(object)
    mood_changed = Signal(object)
    state = Signal(str, str)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, make_pipeline: Callable, display_size: Callable[[], tuple[int, int]]):
        super().__init__()
        self._make_pipeline = make_pipeline
        self._display_size = display_size
        self._stop = threading.Event()
        self._display_ready = threading.Event()
        self._display_ready.set()
        self._dwell: float | None = None
        self._last_state = ("", "")

    def stop(self) -> None:
        """Thread-safe; the loop ends within one step (<= 0.2 s)."""
        self._stop.set()

    def display_ready(self) -> None:
        """Thread-safe: the view painted, the next frame may be sent."""
        self._display_ready.set()

    def set_dwell(self, seconds: float) -> None:
        self._dwell = seconds

    @property
    def dwell_pending(self) -> bool:
        """A new dwell time was given and the loop has not taken it yet."""
        return self._dwell is not None

    @Slot()
    def run(self) -> None:
        pipeline = None
        try:
            pipeline = self._make_pipeline()
            pipeline.start()
            while not self._stop.is_set():
                self._step(pipeline)
        except Exception as exc:  # a model or camera failure must not take the app down
            log.exception("vision worker failed")
            self.failed.emit(str(exc))
        finally:
            if pipeline is not None:
                pipeline.stop()
            self.finished.emit()

    def _step(self, pipeline) -> None:
        if self._dwell is not None:
            pipeline.tracker.dwell_seconds, self._dwell = self._dwell, None
        result = pipeline.step(timeout=0.2)
        state = (getattr(result.source_state, "value", str(result.source_state)), result.source_message)
        if state != self._last_state:
            self._last_state = state
            self.state.emit(*state)
        if result.mood_changed:
            self.mood_changed.emit(result.mood)
        if result.frame is None:
            return
        # The bars show the tracker's smoothed view: calmer than single frames, and what decides.
        shown = result.smoothed if result.probs is not None and result.smoothed is not None else result.probs
        self.probabilities.emit(None if shown is None else [float(p) for p in shown])
        if self._display_ready.is_set():
            self._display_ready.clear()
            height, width = result.frame.shape[:2]
            self.frame.emit(display_frame(result.frame, self._display_size()), (width, height),
                            face_boxes(result.faces, result.primary, result.probs))


def display_frame(frame_bgr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Scale to fit `size` (pixels) keeping the aspect, as BGRA (Qt's RGB32)."""
    height, width = frame_bgr.shape[:2]
    scale = min(size[0] / width, size[1] / height)
    if abs(scale - 1.0) > 0.01:
        target = (max(1, round(width * scale)), max(1, round(height * scale)))
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        frame_bgr = cv2.resize(frame_bgr, target, interpolation=interpolation)
    return cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2BGRA)


def face_boxes(faces, primary, probs) -> list[FaceBox]:
    """The primary face first, with its emotion; the others unlabelled."""
    boxes = []
    if primary is not None:
        best = int(np.argmax(probs)) if probs is not None else None
        boxes.append(FaceBox(tuple(primary.box), None if best is None else Emotion(best),
                             0.0 if best is None else float(probs[best])))
    boxes += [FaceBox(tuple(face.box)) for face in faces if face is not primary]
    return boxes


class VisionThread(QObject):
    """Owns the QThread and its worker; `stop()` returns once the thread has ended."""

    def __init__(self, worker: VisionWorker, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName("vision")
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        worker.finished.connect(self.thread.quit)

    def start(self) -> None:
        self.thread.start(QThread.Priority.LowPriority)

    def stop(self) -> bool:
        """True when the thread ended in time."""
        self.worker.stop()
        self.thread.quit()
        ended = self.thread.wait(STOP_TIMEOUT_MS)
        if not ended:
            log.error("vision thread did not stop within %d ms", STOP_TIMEOUT_MS)
        return ended

    def is_running(self) -> bool:
        return self.thread.isRunning()


class ScanTask:
    """One library refresh in the background: progress (phase, done, total), cancellable."""

    def __init__(self, scan: Callable, on_progress: Callable[..., None],
                 on_done: Callable, on_error: Callable[[Exception], None], context: QObject | None = None):
        self.cancel_event = threading.Event()
        self._scan = scan
        self.job: Job = run_in_background(self._run, on_done=on_done, on_error=on_error,
                                          on_progress=lambda values: on_progress(*values), context=context)

    def _run(self, report):
        return self._scan(progress=lambda *values: report(values), cancel=self.cancel_event)

    def cancel(self) -> None:
        self.cancel_event.set()
