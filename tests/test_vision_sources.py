"""Frame sources and the grabber, through the real OpenCV capture code.

No camera exists here: video files stand in for it (live=True makes a file
behave like a camera that can be unplugged), and a missing index is real.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from moodplayer.vision.sources import (
    CaptureSource,
    FrameGrabber,
    ImageSource,
    SourceState,
    SourceUnavailable,
    open_source,
)

DATA = Path(__file__).parent / "data"
VIDEO = DATA / "astronaut.mp4"  # 60 frames, 640x480, 10 fps
SHORT = DATA / "noface.mp4"  # 20 frames


def read_all(source, limit=1000):
    frames = []
    while len(frames) < limit:
        frame = source.read()
        if frame is None:
            break
        frames.append(frame)
    return frames


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_video_file_reads_every_frame_then_ends():
    source = CaptureSource(VIDEO, pace=False)
    source.open()
    frames = read_all(source)
    source.close()
    assert source.fps == pytest.approx(10.0)
    assert len(frames) == 60 and frames[0].shape == (480, 640, 3)


def test_looping_video_starts_again():
    source = CaptureSource(SHORT, loop=True, pace=False)
    source.open()
    frames = read_all(source, limit=50)
    source.close()
    assert len(frames) == 50
    assert np.abs(frames[20].astype(int) - frames[0]).mean() < 3  # frame 20 is frame 0 again


def test_paced_video_comes_at_its_frame_rate():
    source = CaptureSource(VIDEO)  # files are paced by default
    source.open()
    start = time.monotonic()
    read_all(source, limit=6)
    source.close()
    assert 0.45 <= time.monotonic() - start < 1.5  # 6 frames at 10 fps: 0.5 s


def test_missing_files_say_so():
    with pytest.raises(SourceUnavailable, match="cannot open video file"):
        CaptureSource(DATA / "nope.mp4").open()
    with pytest.raises(SourceUnavailable, match="cannot read image"):
        ImageSource(DATA / "nope.png").open()


def test_image_source_repeats_the_picture():
    source = ImageSource(DATA / "astronaut.png", fps=100)
    source.open()
    a, b = source.read(), source.read()
    assert a.shape == (512, 512, 3) and np.array_equal(a, b)


def test_open_source_picks_the_right_kind():
    assert isinstance(open_source(image=DATA / "astronaut.png"), ImageSource)
    video = open_source(video=VIDEO)
    assert video.live and video.loop and video.pace
    camera = open_source(camera=3)
    assert camera.is_camera and camera.live and not camera.pace and camera.name == "camera 3"


def test_missing_camera_index_is_a_clear_state_with_retries():
    states = []
    grabber = FrameGrabber(CaptureSource(97), retry_seconds=0.05,
                           on_state=lambda state, message: states.append((state, message)))
    grabber.start()
    try:
        assert grabber.latest(timeout=0.3) is None
        assert grabber.state is SourceState.NO_CAMERA and grabber.state.value == "no camera"
        assert "no camera at index 97" in grabber.message and "retrying" in grabber.message
        assert grabber.running  # still trying: a camera plugged in later is picked up
    finally:
        grabber.stop()
    assert states[0][0] is SourceState.NO_CAMERA
    assert grabber.state is SourceState.STOPPED and not grabber.running


def test_camera_lost_mid_run_retries_and_recovers():
    """A live source that stops giving frames (the file ends, like a pulled
    cable) is reported lost and reopened after retry_seconds."""
    states = []
    grabber = FrameGrabber(CaptureSource(SHORT, pace=False, live=True), retry_seconds=0.2,
                           on_state=lambda state, message: states.append(state))
    grabber.start()
    try:
        assert wait_until(lambda: grabber.frames_read > 25)  # the source came back after 20
    finally:
        grabber.stop()
    assert states[:3] == [SourceState.RUNNING, SourceState.LOST, SourceState.RUNNING]
    assert states[-1] is SourceState.STOPPED


def test_lost_state_message_while_the_camera_is_gone():
    grabber = FrameGrabber(CaptureSource(SHORT, pace=False, live=True), retry_seconds=5.0)
    grabber.start()
    try:
        assert wait_until(lambda: grabber.state is SourceState.LOST)
        assert grabber.state.value == "camera lost, retrying"
        assert "noface.mp4 stopped giving pictures; retrying every 5 s" in grabber.message
        # the consumer gets the last frame once, then nothing new, and no exception
        seq, frame, _ = grabber.latest(0, timeout=0.1)
        assert frame.shape == (480, 640, 3) and grabber.latest(seq, timeout=0.1) is None
    finally:
        start = time.monotonic()
        grabber.stop()
    assert time.monotonic() - start < 1.0  # stopping does not wait out the retry


def test_a_file_source_ends_cleanly():
    grabber = FrameGrabber(CaptureSource(SHORT, pace=False)).start()
    assert wait_until(lambda: not grabber.running)
    assert grabber.state is SourceState.ENDED and grabber.frames_read == 20
    grabber.stop()


def test_slow_consumer_gets_the_newest_frame_and_skips_stale_ones():
    grabber = FrameGrabber(CaptureSource(VIDEO, loop=True, pace=False)).start()
    try:
        seqs = []
        last = 0
        for _ in range(5):
            time.sleep(0.05)  # a slow consumer
            seq, frame, t = grabber.latest(last, timeout=1.0)
            assert seq > last and frame.shape == (480, 640, 3)
            seqs.append(seq)
            last = seq
    finally:
        grabber.stop()
    assert max(np.diff(seqs)) > 1  # frames were dropped, not queued


def test_failing_reads_inside_a_source_never_reach_the_caller():
    class Exploding(CaptureSource):
        """Raises like a driver error after a few frames (hardware we do not have)."""

        def __init__(self):
            super().__init__(VIDEO, pace=False, live=True)
            self.reads = 0

        def read(self):
            self.reads += 1
            if self.reads > 3:
                raise cv2.error("device error")
            return super().read()

    grabber = FrameGrabber(Exploding(), retry_seconds=10).start()
    try:
        assert wait_until(lambda: grabber.state is SourceState.LOST)
        assert grabber.frames_read == 3 and grabber.running
    finally:
        grabber.stop()


def test_odd_names_and_huge_images_never_reach_opencv_unguarded(tmp_path):
    import os

    frame = CaptureSource(VIDEO)
    frame.open()
    picture = frame.read()
    frame.close()
    odd = os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.png")
    cv2.imencode(".png", picture)[1].tofile(odd)
    source = ImageSource(odd)
    source.open()
    assert source.read().shape == picture.shape and "\ufffd" in source.name
    video = os.fsdecode(os.fsencode(tmp_path) + b"/\xff clip.mp4")
    Path(video).write_bytes(VIDEO.read_bytes())
    capture = CaptureSource(video)
    capture.open()  # through an ASCII link: OpenCV crashed on the name itself
    assert capture.read() is not None
    alias = capture._alias.name
    capture.close()
    assert not os.path.exists(alias)  # the link goes with the source
    with pytest.raises(SourceUnavailable, match="cannot read image"):
        ImageSource(tmp_path / "missing.png").open()


def test_a_negative_camera_index_is_refused_and_not_retried():
    source = CaptureSource(-1)
    assert not source.live
    with pytest.raises(SourceUnavailable, match="camera index must be 0 or more"):
        source.open()
    grabber = FrameGrabber(source, retry_seconds=0.05).start()
    deadline = time.monotonic() + 5
    while grabber.running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not grabber.running and grabber.state == SourceState.NO_CAMERA
    assert "camera index must be 0 or more" in grabber.message
