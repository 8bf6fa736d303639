"""Source -> face detector -> emotion classifier -> mood tracker, without Qt.

The app's vision worker drives it from a loop:

    pipeline = VisionPipeline(open_source(camera=0)).start()
    while not stop_requested:
        result = pipeline.step()      # newest frame, or a source state when none came
        ...emit result...
    pipeline.stop()

Tests and the bench call process(frame, t) directly with frames they read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from moodplayer.emotions import Emotion
from moodplayer.vision.classifier import EmotionClassifier
from moodplayer.vision.detector import Face, FaceDetector, primary_face
from moodplayer.vision.sources import FrameGrabber, FrameSource, SourceState
from moodplayer.vision.tracker import MoodTracker


@dataclass
class FrameResult:
    """What one frame gave. frame is None when no new frame came (see source_state).
    probs are the primary face's 7 probabilities (None without a face); timing_ms
    has detect, classify, track and frame (their sum with the crop), in ms."""

    frame: np.ndarray | None
    t: float
    faces: list[Face] = field(default_factory=list)
    primary: Face | None = None
    probs: np.ndarray | None = None
    mood: Emotion | None = None
    mood_changed: bool = False
    smoothed: np.ndarray | None = None
    source_state: SourceState = SourceState.RUNNING
    source_message: str = ""
    timing_ms: dict[str, float] = field(default_factory=dict)


class VisionPipeline:
    def __init__(self, source: FrameSource | None = None, detector: FaceDetector | None = None,
                 classifier: EmotionClassifier | None = None, tracker: MoodTracker | None = None,
                 dwell_seconds: float = 2.5):
        self.source = source
        self.detector = detector or FaceDetector(num_threads=1)
        self.classifier = classifier or EmotionClassifier(num_threads=1)
        self.tracker = tracker or MoodTracker(dwell_seconds=dwell_seconds)
        self.grabber: FrameGrabber | None = None
        self._last_seq = 0

    def process(self, frame: np.ndarray, t: float) -> FrameResult:
        """Detect, classify the primary face and update the mood for a frame taken at t (s)."""
        start = time.perf_counter()
        faces = self.detector.detect(frame)
        detected = time.perf_counter()
        primary = primary_face(faces, frame.shape)
        probs = self.classifier.classify(frame, primary.box, primary.keypoints[:2]) if primary else None
        classified = time.perf_counter()
        changed = self.tracker.update(probs, t)
        done = time.perf_counter()
        timing = {"detect": (detected - start) * 1e3, "classify": (classified - detected) * 1e3,
                  "track": (done - classified) * 1e3, "frame": (done - start) * 1e3}
        return FrameResult(frame, t, faces, primary, probs, self.tracker.mood, changed,
                           self.tracker.smoothed, timing_ms=timing)

    def start(self, on_state: Callable[[SourceState, str], None] | None = None) -> VisionPipeline:
        """Start grabbing frames; on_state hears source state changes (grabber thread)."""
        if self.source is None:
            raise ValueError("VisionPipeline.start() needs a source")
        self.grabber = FrameGrabber(self.source, on_state=on_state).start()
        self._last_seq = 0
        return self

    def stop(self) -> None:
        if self.grabber is not None:
            self.grabber.stop()

    @property
    def running(self) -> bool:
        return self.grabber is not None and self.grabber.running

    def step(self, timeout: float = 0.5) -> FrameResult:
        """Process the newest frame, waiting up to `timeout` s for one. Frames that
        came in while the last one was processed are skipped. Without a new frame
        the tracker hears "no face", so a lost camera ends as mood unknown."""
        grabber = self.grabber
        if grabber is None:
            raise RuntimeError("call start() before step()")
        got = grabber.latest(self._last_seq, timeout)
        if got is None:
            t = time.monotonic()
            changed = self.tracker.update(None, t)
            return FrameResult(None, t, mood=self.tracker.mood, mood_changed=changed,
                               smoothed=self.tracker.smoothed, source_state=grabber.state,
                               source_message=grabber.message)
        self._last_seq, frame, t = got
        result = self.process(frame, t)
        result.source_state, result.source_message = grabber.state, grabber.message
        return result

    def __enter__(self) -> VisionPipeline:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
