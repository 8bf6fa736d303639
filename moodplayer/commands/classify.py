"""moodplayer classify IMAGE... : faces and emotion probabilities per image.

Every image is tried; an unreadable one gets an "error" entry and the exit
status becomes 1, but the others are still reported (JSON stays on stdout).
Exit 2 when the models cannot be loaded at all.
"""

from __future__ import annotations

import os

import cv2

from moodplayer.commands.common import emit, fail
from moodplayer.emotions import LABELS, Emotion


def add_arguments(parser) -> None:
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files (png, jpg, ...)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--profile", metavar="JSON", help="apply this calibration profile")
    parser.epilog = ("exit status: 0 when every image was read, 1 when some could not be (each gets an "
                     "\"error\"; the others are still reported), 2 when the models cannot be loaded")


def run(args) -> int:
    from moodplayer.vision.classifier import EmotionClassifier
    from moodplayer.vision.detector import FaceDetector

    try:
        detector = FaceDetector(num_threads=1)
        classifier = _calibrated(args.profile) if args.profile else EmotionClassifier(num_threads=1)
    except (OSError, ValueError, RuntimeError) as exc:
        return fail(f"cannot load the vision models: {exc}", 2)
    reports = [classify_image(path, detector, classifier) for path in args.images]
    emit({"images": reports}, args.json, "\n".join(_describe(r) for r in reports))
    return 1 if any("error" in r for r in reports) else 0


def classify_image(path: str, detector, classifier) -> dict:
    if not os.path.isfile(path):
        return {"path": path, "error": "no such file"}
    frame = cv2.imread(path, cv2.IMREAD_COLOR)
    if frame is None:
        return {"path": path, "error": "cannot read the file as an image (unreadable or not an image)"}
    faces = []
    for face in detector.detect(frame):
        probs = classifier.classify(frame, face.box)
        faces.append({
            "box": [round(v) for v in face.box],
            "score": round(face.score, 4),
            "emotion": Emotion(int(probs.argmax())).label,
            "probabilities": {label: round(float(p), 4) for label, p in zip(LABELS, probs, strict=True)},
        })
    return {"path": path, "faces": faces}


def _describe(report: dict) -> str:
    if "error" in report:
        return f"{report['path']}: error: {report['error']}"
    faces = report["faces"]
    lines = [f"{report['path']}: " + (f"{len(faces)} face(s)" if faces else "no face")]
    for number, face in enumerate(faces, 1):
        x, y, w, h = face["box"]
        top = sorted(face["probabilities"].items(), key=lambda item: -item[1])[:3]
        shares = ", ".join(f"{label} {p:.2f}" for label, p in top)
        lines.append(f"  face {number} at x={x} y={y} {w}x{h} (score {face['score']:.2f}): "
                     f"{face['emotion']}  [{shares}]")
    return "\n".join(lines)


def _calibrated(profile: str):
    """The classifier with this calibration profile; a profile it cannot use is said and skipped."""
    import sys

    from moodplayer.vision.calibration import open_classifier

    classifier, message = open_classifier(profile)
    if message:
        print(f"moodplayer: {message}", file=sys.stderr)
    return classifier
