"""Desktop integration: the entry, icons and AppStream metainfo, checked by the real validators,
installed into (and removed from) the test's own XDG data folder."""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from moodplayer import desktop
from moodplayer.cli import build_parser, main, split_files
from moodplayer.config import RESOURCES_DIR
from moodplayer.library.tags import AUDIO_EXTENSIONS

METAINFO = RESOURCES_DIR / f"{desktop.APP_ID}.metainfo.xml"
needs = {tool: pytest.mark.skipif(shutil.which(tool) is None, reason=f"needs {tool}")
         for tool in ("desktop-file-validate", "appstreamcli", "update-desktop-database")}
# What each extension the scanner reads is called in shared-mime-info: the entry must claim one of each.
MIME_FOR_EXTENSION = {
    ".mp3": "audio/mpeg", ".flac": "audio/flac", ".ogg": "audio/ogg", ".oga": "audio/ogg",
    ".opus": "audio/x-opus+ogg", ".m4a": "audio/mp4", ".m4b": "audio/x-m4b", ".mp4": "audio/mp4",
    ".wav": "audio/x-wav", ".wma": "audio/x-ms-wma", ".asf": "audio/x-ms-wma", ".aif": "audio/x-aiff",
    ".aiff": "audio/x-aiff",
}


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def _validate(*command) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@needs["desktop-file-validate"]
def test_desktop_entry_validates_and_opens_every_format_we_scan():
    result = _validate("desktop-file-validate", str(RESOURCES_DIR / desktop.DESKTOP_FILE))
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout
    entry = _entry(RESOURCES_DIR / desktop.DESKTOP_FILE)
    assert entry["Exec"] == "moodplayer %U" and entry["Icon"] == desktop.ICON_NAME
    mime_types = set(entry["MimeType"].rstrip(";").split(";"))
    assert set(MIME_FOR_EXTENSION) == AUDIO_EXTENSIONS
    assert set(MIME_FOR_EXTENSION.values()) <= mime_types
    assert {"audio/x-mpegurl", "audio/x-scpls", "application/xspf+xml"} <= mime_types  # playlists


@needs["appstreamcli"]
def test_metainfo_validates_and_describes_the_app():
    result = _validate("appstreamcli", "validate", "--no-net", "--explain", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr
    text = METAINFO.read_text(encoding="utf-8")
    for needed in (f"<id>{desktop.APP_ID}</id>", '<launchable type="desktop-id">moodplayer.desktop',
                   "<content_rating", "<release version=", "<control>vision</control>", "<requires>"):
        assert needed in text, needed
    shots = [line for line in text.splitlines() if "packaging/screenshots/" in line]
    assert len(shots) >= 3
    for line in shots:  # every screenshot named there is one we ship
        name = line.split("packaging/screenshots/")[1].split("<")[0]
        assert (RESOURCES_DIR.parent / "packaging" / "screenshots" / name).is_file(), name


def test_png_icons_have_their_sizes():
    for size in desktop.PNG_SIZES:
        assert _png_size(RESOURCES_DIR / "icons" / "png" / f"moodplayer-{size}.png") == (size, size)


@needs["desktop-file-validate"]
@needs["appstreamcli"]
def test_install_writes_valid_files_into_xdg_data_home(isolated_dirs):
    root = Path(os.environ["XDG_DATA_HOME"])
    written = desktop.install(command='"/opt/Mood Player/moodplayer"')
    assert len(written) == 6 and all(path.is_relative_to(root) for path in written)
    entry_path = root / "applications" / "moodplayer.desktop"
    assert _validate("desktop-file-validate", str(entry_path)).returncode == 0
    entry = _entry(entry_path)
    assert entry["Exec"] == '"/opt/Mood Player/moodplayer" %U'
    assert entry["TryExec"] == "/opt/Mood Player/moodplayer"
    metainfo = root / "metainfo" / f"{desktop.APP_ID}.metainfo.xml"
    assert _validate("appstreamcli", "validate", "--no-net", str(metainfo)).returncode == 0
    hicolor = root / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / "moodplayer.svg").read_bytes() == \
        (RESOURCES_DIR / "icons" / "moodplayer.svg").read_bytes()
    for size in desktop.PNG_SIZES:
        assert _png_size(hicolor / f"{size}x{size}" / "apps" / "moodplayer.png") == (size, size)


@needs["update-desktop-database"]
def test_install_registers_the_audio_types_in_the_mime_cache(isolated_dirs):
    desktop.install(command="moodplayer")
    cache = (Path(os.environ["XDG_DATA_HOME"]) / "applications" / "mimeinfo.cache").read_text()
    assert "audio/mpeg=moodplayer.desktop;" in cache and "audio/flac=moodplayer.desktop;" in cache


def test_uninstall_removes_only_what_install_wrote(isolated_dirs):
    root = Path(os.environ["XDG_DATA_HOME"])
    other = root / "applications" / "other.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n")
    written = desktop.install(command="moodplayer")
    assert sorted(desktop.uninstall()) == sorted(written)
    assert not any(path.exists() for path in written) and other.is_file()
    assert desktop.uninstall() == []  # twice is fine


def test_cli_flags_install_and_uninstall(isolated_dirs, capsys):
    root = Path(os.environ["XDG_DATA_HOME"])
    assert main(["--install-desktop"]) == 0
    assert (root / "applications" / "moodplayer.desktop").is_file()
    assert "Installed 6 files" in capsys.readouterr().out
    assert main(["--uninstall-desktop"]) == 0
    assert not (root / "applications" / "moodplayer.desktop").exists()


def test_unwritable_data_home_is_a_clear_error(isolated_dirs, monkeypatch, capsys):
    blocker = Path(os.environ["XDG_DATA_HOME"]) / "blocked"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    assert main(["--install-desktop"]) == 1
    assert "could not install the desktop files" in capsys.readouterr().err


def test_exec_command_is_the_running_program_when_path_finds_another(monkeypatch, tmp_path):
    script = tmp_path / "venv" / "bin" / "moodplayer"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "argv", [str(script)])
    monkeypatch.setenv("PATH", "/nonexistent")
    assert desktop.exec_command() == str(script)
    monkeypatch.setenv("PATH", str(script.parent))
    script.chmod(0o755)
    assert desktop.exec_command() == "moodplayer"


@pytest.mark.parametrize(("argv", "files", "rest"), [
    (["a.mp3", "--no-camera", "b c.ogg"], ["a.mp3", "b c.ogg"], ["--no-camera"]),
    (["--music-dir", "/m", "file:///f%C3%BCr%20dich.mp3"], ["/für dich.mp3"], ["--music-dir", "/m"]),
    (["scan", "DIR", "--json"], [], ["scan", "DIR", "--json"]),
    (["-v", "--", "-odd.mp3"], ["-odd.mp3"], ["-v"]),
])
def test_files_are_split_from_options_and_subcommands(argv, files, rest):
    assert split_files(build_parser(), argv) == (files, rest)


def test_a_mistyped_command_is_not_taken_for_a_file(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["scna", "music"])
    assert stop.value.code == 2 and "invalid choice: 'scna'" in capsys.readouterr().err
