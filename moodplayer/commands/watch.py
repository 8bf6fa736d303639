"""moodplayer watch VIDEO: the mood timeline the app would see in a video file.

Every frame goes through the vision worker's own VisionPipeline (detector, classifier
with the calibration profile, MoodTracker with the app's dwell), as fast as it decodes,
timed by the video's own timestamps. Prints per-second summaries and every confirmed
mood change.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from moodplayer.commands.common import emit, fail
from moodplayer.emotions import LABELS, Emotion


def add_arguments(parser) -> None:
    parser.add_argument("video", metavar="VIDEO", help="video file to watch")
    parser.add_argument("--profile", metavar="JSON", help="apply this calibration profile")
    parser.add_argument("--dwell", type=float, metavar="S",
                        help="seconds a new mood must lead before it counts (default: the app's setting)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    import cv2

    from moodplayer.config import Settings
    from moodplayer.vision.calibration import open_classifier
    from moodplayer.vision.pipeline import VisionPipeline

    if not Path(args.video).is_file():
        return fail(f"no such video file: {args.video}")
    dwell = args.dwell if args.dwell is not None else Settings.load().dwell_seconds
    if dwell < 0:
        return fail("--dwell must not be negative")
    try:
        classifier, message = open_classifier(args.profile)
        pipeline = VisionPipeline(classifier=classifier, dwell_seconds=dwell)
    except (OSError, ValueError, RuntimeError) as exc:
        return fail(f"cannot load the vision models: {exc}", 2)
    if message:
        print(f"moodplayer: {message}", file=sys.stderr)
    capture = cv2.VideoCapture(str(args.video), cv2.CAP_ANY, [cv2.CAP_PROP_N_THREADS, 1])
    if not capture.isOpened():
        return fail(f"cannot open video file {args.video}")
    try:
        timeline = watch(capture, pipeline)
    finally:
        capture.release()
    if not timeline["frames"]:
        return fail(f"video file {args.video} has no frames")
    used = bool(args.profile) and not message
    timeline.update(video=str(args.video), dwell_seconds=dwell, profile_used=used)
    emit(timeline, args.json, _text(timeline))
    return 0


def watch(capture, pipeline) -> dict:
    """Runs every frame of an open cv2.VideoCapture through the pipeline."""
    import cv2

    fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
    seconds: dict[int, dict] = {}
    changes, frames, last_t = [], 0, -1.0
    started = time.perf_counter()
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        t = _timestamp(capture, frames, fps, last_t)
        last_t, frames = t, frames + 1
        result = pipeline.process(frame, t)
        second = seconds.setdefault(int(t), {"frames": 0, "sum": np.zeros(7), "faces": 0})
        second["frames"] += 1
        second["mood"] = result.mood
        if result.probs is not None:
            second["faces"] += 1
            second["sum"] += result.probs
        if result.mood_changed:
            changes.append({"t": round(t, 2), "mood": _label(result.mood)})
    elapsed = time.perf_counter() - started
    return {"fps": round(fps, 3), "frames": frames,
            "processing_fps": round(frames / elapsed, 1) if elapsed > 0 else None,
            "seconds": [_second(t, s) for t, s in sorted(seconds.items())], "changes": changes}


def _timestamp(capture, index: int, fps: float, last_t: float) -> float:
    """The frame's own time (CAP_PROP_POS_MSEC); index / fps where the container gives none."""
    import cv2

    t = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
    if index > 0 and t <= last_t:
        t = index / fps if fps > 0 else last_t + 1 / 30
    return max(0.0, t)


def _second(t: int, entry: dict) -> dict:
    out = {"t": t, "frames": entry["frames"], "faces": entry["faces"], "emotion": None,
           "probabilities": None, "mood": _label(entry["mood"])}
    if entry["faces"]:
        mean = entry["sum"] / entry["faces"]
        out["emotion"] = LABELS[int(np.argmax(mean))]
        out["probabilities"] = {label: round(float(p), 4) for label, p in zip(LABELS, mean, strict=True)}
    return out


def _label(mood: Emotion | None) -> str | None:
    return None if mood is None else Emotion(mood).label


def _text(timeline: dict) -> str:
    lines = [f"{Path(timeline['video']).name}: {timeline['frames']} frames at {timeline['fps']:g} fps, "
             f"processed at {timeline['processing_fps']} fps, dwell {timeline['dwell_seconds']:g} s"]
    for s in timeline["seconds"]:
        seen = s["emotion"] or "no face"
        lines.append(f"  {s['t']:5d} s  {seen:9s} mood {s['mood'] or '-'}")
    lines += [f"  change at {c['t']:.2f} s -> {c['mood'] or 'unknown'}" for c in timeline["changes"]]
    return "\n".join(lines)
