import json
import os
import tempfile

import pytest

from moodplayer import config
from moodplayer.config import Settings, write_json_atomic


def test_paths_live_in_the_isolated_dirs(isolated_dirs):
    for path in (config.data_dir(), config.config_dir(), config.cache_dir(), config.log_dir()):
        assert str(path).startswith(str(isolated_dirs)) or str(path).startswith(
            os.environ["HOME"]), path
        assert path.is_dir()
    assert config.database_path().parent == config.data_dir()


def test_settings_round_trip():
    settings = Settings(music_dir="/music", camera_enabled=False, dwell_seconds=3.5, angry_plays="rap")
    settings.mapping["fear"] = ["devotional", "calm"]
    settings.save()
    loaded = Settings.load()
    assert loaded == settings
    assert json.loads(config.settings_path().read_text())["music_dir"] == "/music"


def test_missing_settings_give_defaults():
    assert Settings.load() == Settings()


def test_unknown_keys_are_ignored_and_missing_mapping_entries_filled():
    config.settings_path().write_text(json.dumps({"volume": 30, "from_the_future": 1,
                                                  "mapping": {"happy": ["rap"]}}))
    loaded = Settings.load()
    assert loaded.volume == 30
    assert loaded.mapping["happy"] == ["rap"]
    assert loaded.mapping["fear"] == ["devotional"]


def test_broken_settings_file_is_kept_aside_not_lost():
    path = config.settings_path()
    path.write_text("{ not json")
    loaded = Settings.load()
    assert loaded == Settings()
    kept = path.with_suffix(".json.broken")
    assert kept.read_text() == "{ not json"
    # The window shows `problems` as a banner: an unreadable file says so and where it went.
    assert len(loaded.problems) == 1 and "settings.json.broken" in loaded.problems[0]


def test_crash_mid_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "conf" / "settings.json"
    write_json_atomic(target, {"version": 1})

    def crash(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_json_atomic(target, {"version": 2})
    monkeypatch.undo()
    assert json.loads(target.read_text()) == {"version": 1}
    assert [p.name for p in target.parent.iterdir()] == ["settings.json"]


def test_crash_while_serialising_leaves_the_old_file(tmp_path):
    target = tmp_path / "settings.json"
    write_json_atomic(target, {"version": 1})
    with pytest.raises(TypeError):
        write_json_atomic(target, {"version": object()})
    assert json.loads(target.read_text()) == {"version": 1}


@pytest.mark.parametrize("raw, field, default", [
    ({"volume": "loud"}, "volume", 80), ({"volume": None}, "volume", 80), ({"volume": 1e300}, "volume", 80),
    ({"volume": 150}, "volume", 80), ({"volume": True}, "volume", 80), ({"volume": 3.5}, "volume", 80),
    ({"camera_index": -1}, "camera_index", 0), ({"camera_index": "0"}, "camera_index", 0),
    ({"dwell_seconds": float("nan")}, "dwell_seconds", 2.5),
    ({"camera_enabled": "yes"}, "camera_enabled", True),
    ({"switch_mode": "later"}, "switch_mode", "after_track"), ({"music_dir": 7}, "music_dir", ""),
    ({"mapping": ["calm"]}, "mapping", config.default_mapping()),
])
def test_a_bad_field_gets_its_default_and_the_rest_is_kept(raw, field, default, caplog):
    config.settings_path().write_text(json.dumps({**raw, "music_dir": raw.get("music_dir", "/music"),
                                                  "angry_plays": "rap"}), encoding="utf-8")
    loaded = Settings.load()
    assert getattr(loaded, field) == default
    assert loaded.angry_plays == "rap"  # the good fields stay
    if field != "music_dir":
        assert loaded.music_dir == "/music"
    assert any(p.startswith(f"{field}:") for p in loaded.problems), loaded.problems
    assert field in caplog.text and str(config.settings_path()) in caplog.text
    assert config.settings_path().exists()  # the file is not moved aside for one bad field


def test_a_bad_mapping_entry_is_replaced_and_the_good_ones_kept():
    config.settings_path().write_text(json.dumps({"mapping": {"sad": 7, "happy": ["rap"], "bored": ["calm"],
                                                              "fear": ["nowhere"]}}))
    loaded = Settings.load()
    assert loaded.mapping["happy"] == ["rap"]
    assert loaded.mapping["sad"] == ["calm"] and loaded.mapping["fear"] == ["devotional"]
    assert "bored" not in loaded.mapping
    assert len(loaded.problems) == 3
    loaded.save()
    assert "problems" not in json.loads(config.settings_path().read_text())


@pytest.mark.parametrize("text", ["[1, 2]", "null", "\"volume\"", "\xff\xfe"])
def test_a_file_that_is_not_an_object_is_moved_aside(text):
    path = config.settings_path()
    path.write_bytes(text.encode("latin-1"))
    assert Settings.load() == Settings()
    assert path.with_suffix(".json.broken").read_bytes() == text.encode("latin-1")


def test_home_being_a_file_is_a_warning_not_a_traceback(tmp_path, monkeypatch, caplog):
    home = tmp_path / "home-file"
    home.write_text("not a folder")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    settings = Settings.load()
    assert settings == Settings()
    settings.music_dir = "/music"
    settings.save()  # into a folder of this session only: nothing under HOME
    assert "Cannot make the folder" in caplog.text and "for this session" in caplog.text
    assert not str(config.settings_path()).startswith(str(home))
    assert str(config.database_path()).startswith(tempfile.gettempdir())


def test_a_read_only_config_folder_keeps_the_app_going(caplog):
    from tests.test_store_recovery import read_only

    folder = config.config_dir()
    Settings(volume=20).save()
    with read_only(folder):
        settings = Settings.load()
        assert settings.volume == 20
        settings.music_dir = "/elsewhere"
        assert settings.save() is False
    assert str(folder) in caplog.text and Settings.load().volume == 20


@pytest.mark.parametrize("text, ok", [("0", True), ("3", True), ("-1", False), ("x", False), ("1e3", False)])
def test_camera_argument_must_be_a_small_whole_number(text, ok, capsys):
    from moodplayer.cli import build_parser

    if ok:
        assert build_parser().parse_args(["--camera", text]).camera == int(text)
        return
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["--camera", text])
    assert exit_info.value.code == 2 and "camera index must be" in capsys.readouterr().err
