"""moodplayer listen --wav FILE... --json, as a subprocess, on espeak-ng speech."""

import json
import shutil
import subprocess
import sys

import pytest

from moodplayer.voice.evaluate import speak

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def listen(*paths):
    done = subprocess.run([sys.executable, "-m", "moodplayer", "listen", "--json", "--wav", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)
    return done.returncode, json.loads(done.stdout), done.stderr


def test_listen_json_gives_each_file_its_command_or_null(tmp_path):
    said = {"i'm feeling sad": "feeling:sad", "play something calm": "play_mood:calm",
            "what's playing": "what_is_playing", "the weather is nice today": None,
            "open the window please": None}
    wavs = [speak(text, tmp_path / f"{n}.wav", "en-us", 160) for n, text in enumerate(said)]
    code, out, err = listen(*wavs)
    assert code == 0, err
    assert [r["path"] for r in out["results"]] == [str(w) for w in wavs]
    assert [r["command"] for r in out["results"]] == list(said.values())
    first = out["results"][0]
    assert first["text"] == "i'm feeling sad" and 0 < first["confidence"] <= 1
    assert set(first) >= {"path", "command", "text", "confidence"}
    assert out["results"][3]["confidence"] == 0.0


def test_listen_reports_an_unreadable_file_and_goes_on(tmp_path):
    good = speak("louder", tmp_path / "good.wav", "en-us", 160)
    bad = tmp_path / "bad.wav"
    bad.write_text("no audio here", encoding="utf-8")
    code, out, _ = listen(bad, tmp_path / "missing.wav", good)
    assert code == 1
    assert out["results"][0]["command"] is None and "cannot read" in out["results"][0]["error"]
    assert "error" in out["results"][1]
    assert out["results"][2]["command"] == "louder"
