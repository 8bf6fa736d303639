"""Frame sources (camera index, video file, still image) and the grabber thread
that always hands out the newest frame.

A camera and a video file go through the same OpenCV code; tests and demos use
a video file as "the camera". Nothing here raises into the caller's loop: a
missing or failing source shows up as a state with a message, and the grabber
keeps retrying a live source.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from enum import Enum
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
IMAGE_FPS = 10.0


class SourceUnavailable(RuntimeError):
    """The source cannot be opened; the message is meant for the user."""


class SourceState(str, Enum):
    STARTING = "starting"
    RUNNING = "running"
    NO_CAMERA = "no camera"
    LOST = "camera lost, retrying"
    ENDED = "ended"
    STOPPED = "stopped"


class FrameSource:
    """open() (raises SourceUnavailable), read() -> BGR frame or None, close().

    `live` sources (cameras) are retried when they fail; others end.
    """

    live = False
    fps = 0.0
    name = "source"

    def open(self) -> None:
        raise NotImplementedError

    def read(self) -> np.ndarray | None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _Pacer:
    """Sleeps so reads come at `fps`, like a camera; never builds up a backlog."""

    def __init__(self, fps: float):
        self.period = 1.0 / fps if fps > 0 else 0.0
        self._due = 0.0

    def wait(self) -> None:
        now = time.monotonic()
        if self._due > now:
            time.sleep(self._due - now)
        self._due = max(self._due, now) + self.period


class CaptureSource(FrameSource):
    """A camera by index or a video file through cv2.VideoCapture.

    loop: start a file again at its end. pace: hand out a file's frames at its
    own frame rate (default for files) instead of as fast as they decode.
    live: treat read failures as a lost camera to retry (default for indexes;
    a file given live=True stands in for a camera that gets unplugged).
    """

    def __init__(self, target: int | str | Path, loop: bool = False, pace: bool | None = None,
                 live: bool | None = None):
        self.is_camera = isinstance(target, int)
        self.target = target if self.is_camera else os.fsdecode(target)
        self.loop = loop
        # A negative index crashes OpenCV (SIGSEGV): refused in open(), never retried.
        self.live = (self.is_camera if live is None else live) and not (self.is_camera and target < 0)
        self.pace = (not self.is_camera) if pace is None else pace
        self.name = f"camera {target}" if self.is_camera else _shown(Path(self.target).name)
        self.fps = 0.0
        self._cap: cv2.VideoCapture | None = None
        self._first: np.ndarray | None = None
        self._pacer: _Pacer | None = None
        self._alias: tempfile.TemporaryDirectory | None = None

    def open(self) -> None:
        self.close()
        if self.is_camera and self.target < 0:
            raise SourceUnavailable(f"camera index must be 0 or more, not {self.target}")
        name = self.target if self.is_camera else self._opencv_name()
        # One decoding thread: the vision worker keeps to one core (files decode on FFmpeg,
        # which would otherwise start a thread per core).
        cap = cv2.VideoCapture(name, cv2.CAP_ANY, [cv2.CAP_PROP_N_THREADS, 1])
        if not cap.isOpened():
            cap.release()
            raise SourceUnavailable(f"no camera at index {self.target}" if self.is_camera
                                    else f"cannot open video file {_shown(self.target)}")
        ok, frame = cap.read()
        if not ok:
            cap.release()
            raise SourceUnavailable(f"camera {self.target} is busy or gives no picture" if self.is_camera
                                    else f"video file {_shown(self.target)} has no frames")
        self._cap, self._first = cap, frame
        self.fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self._pacer = _Pacer(self.fps) if self.pace else None

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        if self._pacer:
            self._pacer.wait()
        if self._first is not None:
            frame, self._first = self._first, None
            return frame
        ok, frame = self._cap.read()
        if not ok and self.loop and not self.is_camera:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        return frame if ok else None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
        self._cap, self._first = None, None
        if self._alias is not None:
            self._alias.cleanup()
            self._alias = None

    def _opencv_name(self) -> str:
        """A name OpenCV can take: it crashes (SIGSEGV) on one that is not valid UTF-8, so such
        a file is opened through an ASCII-named link to it in a private temporary folder."""
        if not os.path.exists(self.target):
            raise SourceUnavailable(f"cannot open video file {_shown(self.target)}: no such file")
        try:
            self.target.encode("utf-8")
            return self.target
        except UnicodeEncodeError:
            pass
        self._alias = tempfile.TemporaryDirectory(prefix="moodplayer-video-")
        link = os.path.join(self._alias.name, "video" + os.path.splitext(self.target)[1].encode(
            "ascii", "replace").decode("ascii").replace("?", "_"))
        try:
            os.symlink(os.path.abspath(self.target), link)
        except OSError as exc:
            raise SourceUnavailable(f"cannot open video file {_shown(self.target)}: its name is not "
                                    f"valid UTF-8 and no link to it could be made ({exc.strerror})") from None
        return link


class ImageSource(FrameSource):
    """A still image, handed out again and again at `fps`."""

    def __init__(self, path: str | Path, fps: float = IMAGE_FPS):
        self.path = Path(path)
        self.name = _shown(self.path.name)
        self.fps = fps
        self._frame: np.ndarray | None = None
        self._pacer = _Pacer(fps)

    def open(self) -> None:
        from moodplayer.vision.still import ImageError, read_image

        try:
            self._frame = read_image(self.path)[0]  # bytes-safe, bounded in memory
        except ImageError as exc:
            raise SourceUnavailable(f"cannot read image {_shown(self.path)}: {exc}") from None

    def read(self) -> np.ndarray | None:
        self._pacer.wait()
        return self._frame

    def close(self) -> None:
        self._frame = None


def _shown(path) -> str:
    """A path for a message: undecodable bytes of its name as U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def open_source(camera: int | None = None, video: str | Path | None = None,
                image: str | Path | None = None) -> FrameSource:
    """The source the app asks for: a video file plays in a loop as the camera."""
    if video is not None:
        return CaptureSource(video, loop=True, pace=True, live=True)
    if image is not None:
        return ImageSource(image)
    return CaptureSource(int(camera or 0))


class FrameGrabber:
    """Reads a source on its own thread and keeps only the newest frame.

    The consumer asks for the newest frame with latest(); frames it was too slow
    for are dropped, never queued. state/message say what the source is doing;
    on_state(state, message), when given, hears each change on the grabber thread.
    """

    def __init__(self, source: FrameSource, retry_seconds: float = RETRY_SECONDS,
                 on_state: Callable[[SourceState, str], None] | None = None):
        self.source = source
        self.retry_seconds = retry_seconds
        self.on_state = on_state
        self.state = SourceState.STARTING
        self.message = f"opening {source.name}"
        self.frames_read = 0
        self._frame: np.ndarray | None = None
        self._frame_t = 0.0
        self._seq = 0
        self._new = threading.Condition()
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> FrameGrabber:
        self._stop.clear()
        self._done.clear()
        self._thread = threading.Thread(target=self._run, name=f"grab {self.source.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("frame grabber for %s did not stop within %.1f s", self.source.name, timeout)
        self._set_state(SourceState.STOPPED, f"{self.source.name} stopped")

    @property
    def running(self) -> bool:
        """False once the source ended, failed for good or was stopped."""
        return self._thread is not None and not self._done.is_set()

    def latest(self, newer_than: int = 0, timeout: float = 0.5):
        """(seq, frame, t) of the newest frame with seq > newer_than, waiting up to
        `timeout` s for one; None when none came (see .state for why)."""
        with self._new:
            self._new.wait_for(lambda: self._seq > newer_than or self._done.is_set(), timeout)
            if self._seq <= newer_than:
                return None
            return self._seq, self._frame, self._frame_t

    def _run(self) -> None:
        opened = ever_opened = False
        try:
            while not self._stop.is_set():
                if not opened:
                    opened = self._try_open(ever_opened)
                    ever_opened = ever_opened or opened
                    if not opened and not self.source.live:
                        return
                    continue
                frame = self._try_read()
                if frame is not None:
                    self._publish(frame)
                    continue
                opened = False
                self.source.close()
                if not self.source.live:
                    self._set_state(SourceState.ENDED, f"{self.source.name} ended")
                    return
                self._set_state(SourceState.LOST, f"{self.source.name} stopped giving pictures; "
                                f"retrying every {self.retry_seconds:g} s")
                self._stop.wait(self.retry_seconds)
        finally:
            self.source.close()
            with self._new:
                self._done.set()
                self._new.notify_all()

    def _try_open(self, ever_opened: bool) -> bool:
        try:
            self.source.open()
        except (SourceUnavailable, cv2.error, OSError) as exc:
            if ever_opened:
                self._set_state(SourceState.LOST, f"{self.source.name} lost ({exc}); "
                                f"retrying every {self.retry_seconds:g} s")
            elif self.source.live:
                self._set_state(SourceState.NO_CAMERA, f"{exc}; retrying every {self.retry_seconds:g} s")
            else:
                self._set_state(SourceState.NO_CAMERA, str(exc))
            if self.source.live:
                self._stop.wait(self.retry_seconds)
            return False
        self._set_state(SourceState.RUNNING, f"{self.source.name} running")
        return True

    def _try_read(self) -> np.ndarray | None:
        try:
            return self.source.read()
        except (cv2.error, OSError) as exc:
            log.warning("reading %s failed: %s", self.source.name, exc)
            return None

    def _publish(self, frame: np.ndarray) -> None:
        with self._new:
            self._frame, self._frame_t = frame, time.monotonic()
            self._seq += 1
            self.frames_read += 1
            self._new.notify_all()

    def _set_state(self, state: SourceState, message: str) -> None:
        if state == self.state and message == self.message:
            return
        log.info("%s: %s", state.value, message)
        self.state, self.message = state, message
        if self.on_state is not None:
            self.on_state(state, message)
