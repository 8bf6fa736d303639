"""moodplayer classify: real models, real files, JSON on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from moodplayer.cli import main
from moodplayer.emotions import LABELS

DATA = Path(__file__).parent / "data"


@pytest.fixture
def images(tmp_path):
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.zeros((480, 640, 3), np.uint8))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"this is not a picture")
    return str(DATA / "astronaut.png"), str(blank), str(broken), str(tmp_path / "missing.png")


def test_json_reports_every_image_even_when_some_fail(images, capsys):
    astronaut, blank, broken, missing = images
    code = main(["classify", astronaut, blank, broken, missing, "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 1  # some files could not be read
    reports = payload["images"]
    assert [r["path"] for r in reports] == [astronaut, blank, broken, missing]
    (face,) = reports[0]["faces"]
    assert set(face) == {"box", "score", "emotion", "probabilities"}
    x, y, w, h = face["box"]
    assert all(isinstance(v, int) for v in face["box"]) and 160 < x < 200 and 80 < w < 120
    assert 0.8 < face["score"] <= 1.0
    assert face["emotion"] == "happy"
    assert list(face["probabilities"]) == list(LABELS)
    assert sum(face["probabilities"].values()) == pytest.approx(1.0, abs=0.01)
    assert max(face["probabilities"], key=face["probabilities"].get) == "happy"
    assert reports[1] == {"path": blank, "faces": []}
    assert "faces" not in reports[2] and "cannot read" in reports[2]["error"]
    assert "faces" not in reports[3] and reports[3]["error"] == "no such file"


def test_all_readable_images_exit_zero(images, capsys):
    astronaut, blank, _, _ = images
    assert main(["classify", astronaut, blank, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["images"]) == 2


def test_text_output(images, capsys):
    astronaut, blank, broken, _ = images
    assert main(["classify", astronaut, blank, broken]) == 1
    out = capsys.readouterr().out
    assert f"{astronaut}: 1 face(s)" in out and "happy" in out
    assert f"{blank}: no face" in out
    assert f"{broken}: error: cannot read" in out


def test_missing_model_is_a_clear_error(images, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr("moodplayer.vision.classifier.DEFAULT_MODEL", tmp_path / "gone.tflite")
    assert main(["classify", images[0], "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "cannot load the vision models" in captured.err
    assert "gone.tflite" in captured.err


def test_the_installed_command_prints_only_json_on_stdout(images):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "moodplayer", "classify", images[0], images[2], "--json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 1
    payload = json.loads(proc.stdout)
    assert payload["images"][0]["faces"][0]["emotion"] == "happy" and "error" in payload["images"][1]
