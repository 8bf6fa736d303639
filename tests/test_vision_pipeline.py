"""The whole chain on real video: capture -> BlazeFace -> int8 model -> MoodTracker."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from moodplayer.emotions import Emotion
from moodplayer.vision.pipeline import VisionPipeline
from moodplayer.vision.sources import CaptureSource, SourceState

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def models():
    """Detector and classifier loaded once; each test gets a fresh tracker."""
    pipeline = VisionPipeline()
    return pipeline.detector, pipeline.classifier


def pipeline_for(models, source=None) -> VisionPipeline:
    detector, classifier = models
    return VisionPipeline(source, detector=detector, classifier=classifier)


def play(pipeline: VisionPipeline, video: Path):
    """Every frame of the video through process(), timed by the video clock."""
    source = CaptureSource(video, pace=False)
    source.open()
    results = []
    while (frame := source.read()) is not None:
        results.append(pipeline.process(frame, len(results) / source.fps))
    source.close()
    return results


def test_astronaut_video_drives_the_mood_to_happy_exactly_once(models):
    results = play(pipeline_for(models), DATA / "astronaut.mp4")
    assert len(results) == 60
    assert all(len(r.faces) == 1 and r.primary is r.faces[0] for r in results)
    changes = [r for r in results if r.mood_changed]
    assert [r.mood for r in changes] == [Emotion.HAPPY]
    assert 2.0 <= changes[0].t <= 4.0
    assert results[-1].mood is Emotion.HAPPY
    first = results[0]
    assert first.probs.shape == (7,) and first.smoothed.shape == (7,)
    assert set(first.timing_ms) == {"detect", "classify", "track", "frame"}
    assert first.timing_ms["frame"] >= first.timing_ms["detect"] > 0


def test_a_video_without_a_face_leaves_the_mood_unknown(models):
    results = play(pipeline_for(models), DATA / "noface.mp4")
    assert len(results) == 20
    assert all(r.faces == [] and r.primary is None and r.probs is None for r in results)
    assert not any(r.mood_changed for r in results) and results[-1].mood is None


def test_a_blank_frame_has_no_face(models):
    result = pipeline_for(models).process(np.zeros((480, 640, 3), np.uint8), 0.0)
    assert result.faces == [] and result.probs is None and result.mood is None


def test_step_reads_the_paced_video_like_a_camera(models):
    pipeline = pipeline_for(models, CaptureSource(DATA / "astronaut.mp4", live=True))
    results = []
    with pipeline:
        start = time.monotonic()
        while time.monotonic() - start < 1.0:
            results.append(pipeline.step(timeout=0.5))
    assert not pipeline.running
    frames = [r for r in results if r.frame is not None]
    assert 7 <= len(frames) <= 13  # about 10 fps
    assert all(r.source_state is SourceState.RUNNING and len(r.faces) == 1 for r in frames)
    assert all(b.t > a.t for a, b in zip(frames, frames[1:], strict=False))


def test_step_without_a_camera_reports_the_state_and_keeps_going(models):
    pipeline = pipeline_for(models, CaptureSource(96))
    with pipeline:
        results = [pipeline.step(timeout=0.05) for _ in range(3)]
    assert all(r.frame is None and r.faces == [] for r in results)
    assert results[-1].source_state is SourceState.NO_CAMERA
    assert "no camera at index 96" in results[-1].source_message
    assert results[-1].mood is None and not results[-1].mood_changed


def test_step_needs_start(models):
    with pytest.raises(RuntimeError, match="start"):
        pipeline_for(models, CaptureSource(96)).step()
