import json
import os

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
    assert Settings.load() == Settings()
    kept = path.with_suffix(".json.broken")
    assert kept.read_text() == "{ not json"


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
