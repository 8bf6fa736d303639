"""moodplayer calibrate: learn a personal calibration profile from labelled faces.

--from-csv takes FER2013-format rows (emotion,pixels,Usage; 48x48 grey crops, every
row whatever its Usage); --images takes DIR/<emotion>/*.png|jpg photos through the
face detector. Both teach the profile through vision.calibration.add_samples, the
path the calibration dialog uses. The profile holds means only, never an image.
"""

from __future__ import annotations

from pathlib import Path

from moodplayer.commands.common import emit, fail
from moodplayer.emotions import LABELS, Emotion

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp"}


def add_arguments(parser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-csv", metavar="CSV", help="FER2013-format csv (or csv.gz) of labelled crops")
    source.add_argument("--images", metavar="DIR", help="photos in DIR/<emotion>/*.png|jpg")
    parser.add_argument("--profile", metavar="JSON", help="profile to write (default: the app's, "
                        "calibration.json in the data dir)")
    parser.add_argument("--add", action="store_true",
                        help="add to the samples already in the profile instead of starting afresh")
    parser.add_argument("--model", metavar="TFLITE", help="model file (default: the shipped one)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    from moodplayer.vision import calibration as cal

    path = Path(args.profile) if args.profile else cal.default_profile_path()
    try:
        classifier = cal.CalibratedClassifier(args.model)
    except (OSError, ValueError, RuntimeError) as exc:
        return fail(f"cannot load the emotion model: {exc}", 2)
    notes = []
    if args.add and path.exists():
        profile, message = cal.load_profile(path, classifier.model)
        if profile is None:
            notes.append(f"{message}; starting a new profile")
        else:
            classifier.profile = profile
    try:
        crops, emotions, skipped = (_csv_crops(args.from_csv) if args.from_csv
                                    else _image_crops(Path(args.images)))
    except (OSError, ValueError) as exc:
        return fail(str(exc))
    if not crops:
        return fail("no labelled face found to learn from"
                    + (f" ({len(skipped)} skipped)" if skipped else ""))
    readings = cal.add_samples(classifier, crops, emotions)
    try:
        cal.save_profile(classifier.profile, path)
    except OSError as exc:
        return fail(f"cannot write the profile {path}: {exc}")
    report = {"profile": str(path), "model_sha256": classifier.model.sha256,
              "samples": classifier.profile.sample_counts(), "learned": len(crops),
              "skipped": skipped, "notes": notes, "summary": cal.summary(classifier, readings, emotions)}
    emit(report, args.json, _text(report, cal.describe_summary(report["summary"])))
    return 0


def _csv_crops(csv_path: str):
    from moodplayer.vision.fer_data import read_fer2013

    images, labels, _ = read_fer2013(csv_path)
    bad = [int(v) for v in labels if not 0 <= v < 7]
    if bad:
        raise ValueError(f"{csv_path}: emotion labels must be 0..6, found {bad[0]}")
    return list(images), [Emotion(int(v)) for v in labels], []


def _image_crops(folder: Path):
    """48x48 crops of the main face in each DIR/<emotion>/ photo; the rest are listed as skipped."""
    from moodplayer.vision.classifier import crop_face
    from moodplayer.vision.detector import FaceDetector, primary_face
    from moodplayer.vision.still import ImageError, read_image

    if not folder.is_dir():
        raise ValueError(f"no folder {folder}")
    subfolders = [d for d in sorted(folder.iterdir()) if d.is_dir() and d.name.lower() in LABELS]
    if not subfolders:
        raise ValueError(f"{folder} has no emotion folders; expected {', '.join(LABELS)}")
    detector = FaceDetector(num_threads=1)
    crops, emotions, skipped = [], [], []
    for sub in subfolders:
        for image_path in sorted(p for p in sub.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
            try:
                frame = read_image(image_path)[0]  # the classify command's bounded, byte-safe reading
            except ImageError as exc:
                skipped.append({"path": str(image_path), "why": str(exc)})
                continue
            face = primary_face(detector.detect(frame), frame.shape)
            if face is None:
                skipped.append({"path": str(image_path), "why": "no face found"})
                continue
            crops.append(crop_face(frame, face.box, face.keypoints[:2]))
            emotions.append(Emotion.parse(sub.name))
    return crops, emotions, skipped


def _text(report: dict, lines: list[str]) -> str:
    counts = ", ".join(f"{k} {v}" for k, v in report["samples"].items() if v)
    out = [f"profile {report['profile']}: {counts}"] + report["notes"] + lines
    out += [f"skipped {s['path']}: {s['why']}" for s in report["skipped"]]
    return "\n".join(out)
