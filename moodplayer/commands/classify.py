"""moodplayer classify IMAGE... : faces and emotion probabilities per image.

Every image is tried; an unreadable one gets an "error" entry and the exit
status becomes 1, but the others are still reported (JSON stays on stdout).
Exit 2 when the models cannot be loaded at all.
"""

from __future__ import annotations

import os

from moodplayer.commands.common import emit, fail

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".jp2", ".pgm", ".ppm")


def add_arguments(parser) -> None:
    parser.add_argument("images", nargs="+", metavar="IMAGE",
                        help="image files (png, jpg, ...); a folder stands for the images in it")
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
    reports = [classify_image(path, detector, classifier) for path in image_paths(args.images)]
    emit({"images": reports}, args.json, "\n".join(_describe(r) for r in reports))
    return 1 if any("error" in r for r in reports) else 0


def image_paths(given: list[str]) -> list[str]:
    """The files given, with a directory standing for the images directly in it (by name);
    a directory without any stays, to be reported as such."""
    paths = []
    for path in given:
        if os.path.isdir(path):
            inside = sorted(entry.path for entry in os.scandir(path)
                            if entry.is_file() and os.path.splitext(entry.name)[1].lower() in IMAGE_SUFFIXES)
            paths += inside or [path]
        else:
            paths.append(path)
    return paths


def classify_image(path: str, detector, classifier, profile=None) -> dict:
    from moodplayer.vision.still import analyse_image

    result = analyse_image(path, detector, classifier, profile)
    report = result.to_dict()
    if result.error == "is a directory":
        report["error"] = "is a directory with no images (.jpg, .png, ...) in it"
    return report


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
