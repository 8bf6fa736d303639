import os
import subprocess
import sys

import pytest

from moodplayer import __version__
from moodplayer.cli import build_parser, main

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"moodplayer {__version__}"


def test_unknown_subcommand_is_a_clear_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'frobnicate'" in err
    assert "scan" in err and "play" in err


def test_every_subcommand_has_help():
    parser = build_parser()
    for name in ("scan", "classify", "evaluate", "bench", "play"):
        with pytest.raises(SystemExit) as exit_info:
            parser.parse_args([name, "--help"])
        assert exit_info.value.code == 0


def test_camera_options_are_exclusive(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--camera", "0", "--no-camera"])
    assert exit_info.value.code == 2


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "moodplayer", "--version"],
                            capture_output=True, text=True, env=ENV, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"moodplayer {__version__}"


def test_screenshot_writes_a_png(tmp_path):
    shot = tmp_path / "window.png"
    env = {**ENV, "XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path / "d"),
           "XDG_CACHE_HOME": str(tmp_path / "k"), "XDG_STATE_HOME": str(tmp_path / "s")}
    result = subprocess.run(
        [sys.executable, "-m", "moodplayer", "--no-camera", "--screenshot", str(shot)],
        capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 1000
