"""The GUI half of `moodplayer bench`: the camera view's time per displayed frame (Qt lives in ui/)."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication

from moodplayer.ui.camera_view import CameraView
from moodplayer.ui.workers import display_frame, face_boxes


def time_camera_view(results, frame_size: tuple[int, int], view_size: tuple[int, int]) -> list[float]:
    """GUI-thread milliseconds per displayed frame: CameraView.show_frame (the slot the
    worker's signal reaches) plus a synchronous paint. Scaling to the view's size and the
    BGRA conversion happen in the worker, so they are done here before timing."""
    app = QApplication.instance() or QApplication([])
    view = CameraView()
    view.resize(*view_size)
    view.show()
    app.processEvents()
    times = []
    for result in results:
        shown = display_frame(result.frame, view.target_size())
        boxes = face_boxes(result.faces, result.primary, result.probs)
        started = time.perf_counter()
        view.show_frame(shown, frame_size, boxes)
        view.repaint()
        times.append((time.perf_counter() - started) * 1e3)
    view.close()
    return times
