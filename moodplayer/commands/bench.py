"""moodplayer bench: vision latency on 640x480 frames of a face video, one thread,
the GUI thread's time per displayed frame, and the library scan rate and memory.

frame = detection + crop + classification + tracking (capture excluded);
fps_sustained is the whole loop with capture (video decoding) included;
gui_frame = the camera view's slot plus its paint, in the GUI thread (offscreen).
--soak MINUTES instead runs the whole app for that long and reports its RSS slope (bench/soak.py).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import cv2
import numpy as np

from moodplayer.commands.common import emit, fail
from moodplayer.config import PROJECT_ROOT

DEFAULT_VIDEO = PROJECT_ROOT / "tests" / "data" / "astronaut.mp4"
FRAME_SIZE = (640, 480)
WARMUP_FRAMES = 10
GUI_FRAMES = 60  # frames kept for the GUI timing (640x480x3 bytes each)
VIEW_SIZE = (416, 312)  # the camera view at the window's default size


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--frames", type=int, default=300, help="frames to time (default 300)")
    # SUPPRESS keeps the global --video (moodplayer --video F bench) when this one is not given.
    parser.add_argument("--video", default=argparse.SUPPRESS,
                        help=f"face video to read (default {DEFAULT_VIDEO.relative_to(PROJECT_ROOT)})")
    parser.add_argument("--no-library", action="store_true", help="skip the library scan benchmark")
    parser.add_argument("--soak", type=float, metavar="MINUTES",
                        help="instead: run the app (offscreen, looping video, demo library playing) for "
                             "MINUTES and print its RSS and CPU samples and the RSS slope")
    parser.add_argument("--interval", type=float, default=10.0, metavar="S",
                        help="--soak: seconds between samples (default 10)")


def run(args) -> int:
    video = Path(getattr(args, "video", None) or DEFAULT_VIDEO)
    if not video.is_file():
        return fail(f"no face video at {video}; pass one with --video FILE")
    if args.frames < 1:
        return fail("--frames must be at least 1")
    if args.soak is not None:
        return run_soak(args, video)
    try:
        payload = vision_benchmark(video, args.frames)
    except (OSError, ValueError, RuntimeError) as exc:
        return fail(f"vision benchmark failed: {exc}")
    payload["library"] = "skipped" if args.no_library else library_benchmark()
    emit(payload, args.json, _describe(payload))
    return 0


def run_soak(args, video: Path) -> int:
    from moodplayer.bench.soak import soak

    if not (0 < args.soak < 24 * 60) or not (0.5 <= args.interval <= 600):
        return fail("--soak takes 0 < MINUTES < 1440 and --interval 0.5 to 600 seconds")

    def show(sample) -> None:
        if not args.json:
            print(f"  {sample.t:8.1f} s  rss {sample.rss_mb:8.2f} MB  cpu {sample.cpu_s:8.2f} s", flush=True)

    result = soak(args.soak, args.interval, video=video, on_sample=show)
    payload = result.to_dict()
    if len(result.samples) < 4 or result.exit_code is not None:
        return fail(f"the app ended after {len(result.samples)} samples (exit {result.exit_code}); "
                    f"its last output:\n{result.log_tail}")
    emit(payload, args.json, f"soak: {args.soak:g} min, {len(result.samples)} samples; RSS "
         f"{payload['rss_start_mb']} -> {payload['rss_end_mb']} MB, slope (second half) "
         f"{payload['rss_slope_mb_per_min']} MB/min; CPU {payload['cpu_share_of_one_core']} of one core; "
         f"play events {payload['play_events']}")
    return 0


def vision_benchmark(video: Path, frames: int) -> dict:
    from moodplayer.vision.calibration import adapt_time_ms
    from moodplayer.vision.pipeline import VisionPipeline
    from moodplayer.vision.runtime import interpreter_class
    from moodplayer.vision.sources import CaptureSource, SourceUnavailable

    pipeline = VisionPipeline()
    source = CaptureSource(video, loop=True, pace=False)
    try:
        source.open()
    except SourceUnavailable as exc:
        raise ValueError(str(exc)) from None
    try:
        for _ in range(WARMUP_FRAMES):
            pipeline.process(_read(source), 0.0)
        timings, classify_ms, kept = [], [], []
        wall, cpu = time.perf_counter(), time.process_time()
        for index in range(frames):
            result = pipeline.process(_read(source), index / (source.fps or 30.0))
            timings.append(result.timing_ms)
            if result.primary is not None:
                classify_ms.append(result.timing_ms["classify"])
            if len(kept) < GUI_FRAMES:
                kept.append(result)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        source.close()
    payload = {"video": str(video), "frames": frames, "frame_size": list(FRAME_SIZE), "threads": 1,
               "runtime": interpreter_class().__module__, "frames_with_face": len(classify_ms)}
    for name, values in (("detect", [t["detect"] for t in timings]), ("classify", classify_ms),
                         ("frame", [t["frame"] for t in timings])):
        payload[f"{name}_ms_p50"], payload[f"{name}_ms_p95"] = _percentiles(values)
    payload["fps_sustained"] = round(frames / wall, 1)
    payload["cpu_cores_used"] = round(cpu / wall, 2)
    payload["gui_frame_ms_p50"], payload["gui_frame_ms_p95"] = _percentiles(gui_benchmark(kept))
    payload["calibration_ms"] = adapt_time_ms()  # what a profile adds per frame (median)
    return payload


def gui_benchmark(results) -> list[float]:
    """GUI-thread milliseconds per displayed frame (ui/bench_view.py: the Qt side lives in ui/)."""
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # measure without opening a window
    from moodplayer.ui.bench_view import time_camera_view

    return time_camera_view(results, FRAME_SIZE, VIEW_SIZE)


def _read(source) -> np.ndarray:
    frame = source.read()
    if frame is None:
        raise ValueError(f"{source.name} gave no frame")
    if frame.shape[1::-1] != FRAME_SIZE:
        frame = cv2.resize(frame, FRAME_SIZE, interpolation=cv2.INTER_AREA)
    return frame


def _percentiles(values) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    p50, p95 = np.percentile(values, [50, 95])
    return round(float(p50), 3), round(float(p95), 3)


def library_benchmark():
    """Scan rate against a bare mutagen loop, unchanged rescans and peak memory; audio analysis
    milliseconds per 4-minute MP3 and FLAC."""
    from moodplayer.library.analysis_bench import analysis_benchmark
    from moodplayer.library.bench import scan_benchmark

    try:
        return {**scan_benchmark(), **analysis_benchmark()}
    except Exception as exc:  # a library failure must not hide the vision numbers
        return {"error": f"{type(exc).__name__}: {exc}"}


def _describe(p: dict) -> str:
    def row(name: str) -> str:
        p50, p95 = p[f"{name}_ms_p50"], p[f"{name}_ms_p95"]
        if p50 is None:
            return f"  {name:<9} no face found"
        return f"  {name:<9} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms"

    lines = [f"vision: {p['frames']} frames of {p['frame_size'][0]}x{p['frame_size'][1]} from "
             f"{Path(p['video']).name}, {p['threads']} thread ({p['runtime']}), "
             f"face in {p['frames_with_face']}",
             row("detect"), row("classify"), row("frame"), row("gui_frame"),
             f"  calibration adds {p['calibration_ms']:.4f} ms per frame",
             f"  sustained {p['fps_sustained']:.1f} fps with capture, {p['cpu_cores_used']:.2f} cores busy",
             f"library: {_library_text(p['library'])}"]
    return "\n".join(lines)


def _library_text(library) -> str:
    if isinstance(library, dict):
        return ", ".join(f"{key} {value}" for key, value in library.items())
    return str(library)
