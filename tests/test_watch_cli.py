"""`moodplayer watch VIDEO`: the app's pipeline over a video file, as a mood timeline."""

import json

import cv2
import numpy as np
import pytest

from moodplayer.cli import main
from moodplayer.vision.detector import FaceDetector, primary_face

FPS = 10


def _frames(data_dir):
    """The astronaut smiling, and the same photo with her mouth covered (reads neutral)."""
    photo = cv2.imread(str(data_dir / "astronaut.png"))
    smiling = cv2.copyMakeBorder(photo[:480], 0, 0, 64, 64, cv2.BORDER_CONSTANT, value=(90, 90, 90))
    x, y, w, h = (round(v) for v in primary_face(FaceDetector().detect(smiling), smiling.shape).box)
    covered = smiling.copy()
    cheek = smiling[y + h // 2:y + 6 * h // 10, x + 3 * w // 10:x + 4 * w // 10].reshape(-1, 3)
    mouth = slice(y + 55 * h // 100, y + 85 * h // 100), slice(x + 15 * w // 100, x + 85 * w // 100)
    covered[mouth] = np.median(cheek, axis=0)
    return smiling, covered


def _write_video(path, scenes):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (640, 480))
    assert writer.isOpened()
    for frame, seconds in scenes:
        for _ in range(int(seconds * FPS)):
            writer.write(frame)
    writer.release()
    return path


def _watch(capsys, *args):
    assert main(["watch", *map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_watch_confirms_the_astronauts_smile_once(data_dir, capsys):
    timeline = _watch(capsys, data_dir / "astronaut.mp4")
    assert timeline["fps"] == pytest.approx(10.0) and timeline["frames"] == 60
    assert timeline["changes"] == [{"t": pytest.approx(2.5, abs=0.6), "mood": "happy"}]
    seconds = timeline["seconds"]
    assert [s["t"] for s in seconds] == [0, 1, 2, 3, 4, 5]
    assert all(s["emotion"] == "happy" for s in seconds)
    assert set(seconds[0]["probabilities"]) == {"angry", "disgust", "fear", "happy", "sad", "surprise",
                                                "neutral"}
    assert sum(seconds[0]["probabilities"].values()) == pytest.approx(1.0, abs=0.01)
    assert seconds[0]["mood"] is None and seconds[-1]["mood"] == "happy"


def test_watch_confirms_a_change_of_expression_after_the_dwell(tmp_path, data_dir, capsys):
    smiling, covered = _frames(data_dir)
    video = _write_video(tmp_path / "switch.mp4", [(smiling, 5), (covered, 6)])
    timeline = _watch(capsys, video, "--dwell", "2.0")
    assert timeline["frames"] == 110 and timeline["dwell_seconds"] == 2.0
    moods = [c["mood"] for c in timeline["changes"]]
    assert moods == ["happy", "neutral"], timeline["changes"]
    switched_after = timeline["changes"][1]["t"] - 5.0
    # The dwell is the least a change waits; the smoothing (0.6 s time constant) adds under a second.
    assert 2.0 <= switched_after <= 3.0, switched_after
    assert timeline["seconds"][7]["emotion"] == "neutral" and timeline["seconds"][3]["emotion"] == "happy"


def test_watch_reports_frames_without_a_face(data_dir, capsys):
    timeline = _watch(capsys, data_dir / "noface.mp4")
    assert timeline["changes"] == []
    assert all(s["emotion"] is None and s["faces"] == 0 for s in timeline["seconds"])


def test_watch_applies_a_profile(tmp_path, data_dir, capsys):
    smiling, _ = _frames(data_dir)
    folder = tmp_path / "faces" / "neutral"
    folder.mkdir(parents=True)
    cv2.imwrite(str(folder / "resting.png"), smiling)
    profile = tmp_path / "p.json"
    assert main(["calibrate", "--images", str(tmp_path / "faces"), "--profile", str(profile), "--json"]) == 0
    capsys.readouterr()
    timeline = _watch(capsys, data_dir / "astronaut.mp4", "--profile", profile)
    assert timeline["profile_used"] is True
    # Her smile is now her resting face: never confirmed as happy.
    assert "happy" not in [c["mood"] for c in timeline["changes"]]


def test_watch_bad_files_are_clear_errors(tmp_path, capsys):
    assert main(["watch", str(tmp_path / "missing.mp4")]) == 1
    assert "no such video file" in capsys.readouterr().err
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all")
    assert main(["watch", str(junk)]) == 1
    assert "junk.mp4" in capsys.readouterr().err


def test_watch_ignores_a_profile_for_another_model(tmp_path, data_dir, capsys):
    profile = tmp_path / "old.json"
    profile.write_text(json.dumps({"format": 1, "model_sha256": "1" * 64, "embedding": "gap", "classes": {}}))
    assert main(["watch", str(data_dir / "astronaut.mp4"), "--profile", str(profile), "--json"]) == 0
    captured = capsys.readouterr()
    assert "made for another model file" in captured.err
    timeline = json.loads(captured.out)
    assert timeline["profile_used"] is False and [c["mood"] for c in timeline["changes"]] == ["happy"]
