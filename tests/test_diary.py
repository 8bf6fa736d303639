"""The mood diary in a real SQLite file: what it stores, the summary it gives, export, delete."""

import csv
import json
import sqlite3
import time

import pytest

from moodplayer.moods.diary import Diary, summary

MIN = 60.0


@pytest.fixture
def diary(tmp_path):
    opened = Diary(tmp_path / "diary.sqlite3")
    yield opened
    opened.close()


def noon_today() -> float:
    local = time.localtime()
    return time.mktime((local.tm_year, local.tm_mon, local.tm_mday, 12, 0, 0, 0, 0, -1))


def play_run(diary, start, goal, count, mood="sad", event="completed"):
    """`count` songs of 4 minutes under `goal`, each started then ended with `event`."""
    for n in range(count):
        t = start + n * 4 * MIN
        diary.record_play(f"/music/{goal}{n}.ogg", f"{goal} {n}", mood, "started", goal, t=t)
        diary.record_play(f"/music/{goal}{n}.ogg", f"{goal} {n}", mood, event, goal, t=t + 4 * MIN - 1)
    return start + count * 4 * MIN


def test_moods_and_plays_are_stored_in_their_own_file(diary, tmp_path):
    diary.record_mood("sad", "camera", t=100.0)
    diary.record_play("/music/a.ogg", "A", "sad", "started", t=101.0)
    with sqlite3.connect(tmp_path / "diary.sqlite3") as db:
        assert db.execute("SELECT t, mood, source FROM moods").fetchall() == [(100.0, "sad", "camera")]
        assert db.execute("SELECT path, title, mood, event, goal FROM plays").fetchall() == [
            ("/music/a.ogg", "A", "sad", "started", "match")]
        columns = {row[1] for row in db.execute("PRAGMA table_info(moods)")}
    assert columns == {"t", "mood", "source"}  # time and mood only: never a frame


def test_recording_off_stores_nothing(tmp_path):
    diary = Diary(tmp_path / "off.sqlite3", enabled=False)
    assert diary.record_mood("happy") is False
    assert diary.record_play("/a.ogg", "A", "happy", "started") is False
    assert diary.moods() == [] and diary.plays() == []
    assert summary(diary)["recording"] is False


def test_unknown_event_is_refused_and_nothing_is_lost(diary):
    diary.record_play("/a.ogg", "A", "happy", "started", t=1.0)
    with pytest.raises(ValueError, match="unknown play event 'paused'"):
        diary.record_play("/a.ogg", "A", "happy", "paused")
    assert len(diary.plays()) == 1


def test_today_timeline_share_played_and_skip_rate(diary):
    noon = noon_today()
    diary.record_mood("sad", "camera", t=noon)
    diary.record_mood("happy", "override", t=noon + 3 * MIN)
    diary.record_mood("neutral", "camera", t=noon + 4 * MIN)
    diary.record_play("/m/rain.ogg", "Slow Rain", "sad", "started", t=noon)
    diary.record_play("/m/rain.ogg", "Slow Rain", "sad", "skipped", t=noon + 30)
    diary.record_play("/m/fog.ogg", "Evening Fog", "sad", "started", t=noon + 31)
    diary.record_play("/m/fog.ogg", "Evening Fog", "sad", "completed", t=noon + 150)
    diary.record_play("/m/sun.ogg", "Sunrise Run", "happy", "started", t=noon + 3 * MIN)
    diary.record_play("/m/sun.ogg", "Sunrise Run", "happy", "completed", t=noon + 4 * MIN)
    result = summary(diary, days=7, now=noon + 5 * MIN)
    timeline = result["today"]["timeline"]
    assert [(s["mood"], s["end"] - s["start"]) for s in timeline] == [
        ("sad", 3 * MIN), ("happy", MIN), ("neutral", MIN)]
    assert result["today"]["share"] == {"sad": 0.6, "happy": 0.2, "neutral": 0.2}
    assert result["played"]["sad"] == [{"title": "Slow Rain", "path": "/m/rain.ogg", "plays": 1},
                                       {"title": "Evening Fog", "path": "/m/fog.ogg", "plays": 1}]
    assert result["skip_rate"]["sad"] == {"skipped": 1, "completed": 1, "rate": 0.5}
    assert result["skip_rate"]["happy"]["rate"] == 0.0
    assert len(result["week"]) == 7
    assert result["week"][-1]["seconds"] == 5 * MIN
    assert result["week"][0]["seconds"] == 0


def test_a_long_gap_is_not_counted_as_mood(diary):
    """The app closed at 12:00 and reopened at 15:00: the reading before counts 10 minutes."""
    noon = noon_today()
    diary.record_mood("sad", t=noon)
    diary.record_mood("happy", t=noon + 180 * MIN)
    result = summary(diary, now=noon + 181 * MIN)
    assert [s["end"] - s["start"] for s in result["today"]["timeline"]] == [10 * MIN, MIN]


def test_the_goal_effect_is_computed_from_the_readings(diary):
    """Without a goal happy is 12 of 40 minutes; once 3 lifting songs have played, 20 of 40."""
    match_start = noon_today() - 3 * 3600
    lift_start = play_run(diary, match_start, "match", 10)
    for n in range(10):
        diary.record_mood("happy" if n % 4 == 0 else "sad", t=match_start + n * 4 * MIN)
    play_run(diary, lift_start, "lift", 13)
    for n in range(6):  # during the first three lifting songs: on neither side
        diary.record_mood("sad", t=lift_start + n * 2 * MIN)
    after = lift_start + 12 * MIN
    for n in range(10):
        diary.record_mood("happy" if n % 2 == 0 else "sad", t=after + n * 4 * MIN)
    result = summary(diary, days=1, now=after + 40 * MIN)
    effect = result["goal_effect"]["lift"]
    assert effect["after_seconds"] == 40 * MIN
    assert effect["baseline_seconds"] == 40 * MIN
    assert effect["after_share"] == 0.5
    assert effect["baseline_share"] == 0.3
    assert effect["change_percent"] == pytest.approx(66.7, abs=0.1)
    assert effect["text"] == ("after 3 lifting songs your mood read happy 67 % more often than without "
                              "a goal (50% against 30%)")
    calm = result["goal_effect"]["calm"]
    assert calm["text"].startswith("not enough calming yet to tell")
    assert calm["change_percent"] is None


def test_moods_long_after_the_music_stopped_count_for_no_side(diary):
    start = noon_today() - 3 * 3600
    play_run(diary, start, "lift", 5)
    diary.record_mood("happy", t=start + 20 * MIN + 3600)
    effect = summary(diary, days=1, now=start + 30 * MIN + 3600)["goal_effect"]["lift"]
    assert effect["after_seconds"] == 0 and effect["baseline_seconds"] == 0


def test_csv_export_holds_every_row(diary, tmp_path):
    diary.record_mood("fear", "voice", t=1000.0)
    diary.record_play("/m/om.ogg", "Morning Prayer", "fear", "started", "match", t=1001.0)
    target = tmp_path / "diary.csv"
    assert diary.export_csv(target) == 2
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["kind"] for r in rows] == ["mood", "play"]
    assert rows[0]["mood"] == "fear" and rows[0]["source"] == "voice"
    assert rows[1]["title"] == "Morning Prayer" and rows[1]["event"] == "started"


def test_a_failed_export_leaves_the_earlier_one_whole(diary, tmp_path, monkeypatch):
    from moodplayer.moods import diary as diary_module

    diary.record_mood("fear", t=1000.0)
    diary.record_mood("sad", t=2000.0)
    target = tmp_path / "diary.csv"
    assert diary.export_csv(target) == 2
    before = target.read_bytes()
    real_iso, calls = diary_module._iso, []

    def full_disk(t):
        calls.append(t)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_iso(t)

    monkeypatch.setattr(diary_module, "_iso", full_disk)
    with pytest.raises(OSError):
        diary.export_csv(target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_delete_all_empties_history_and_learning(diary):
    diary.record_mood("sad", t=1.0)
    diary.record_play("/a.ogg", "A", "sad", "started", t=2.0)
    diary.learn("lift", "/a.ogg", "skipped")
    diary.delete_all()
    assert diary.moods() == [] and diary.plays() == [] and diary.weights("lift") == {}


def test_goal_weights_learn_per_goal_and_persist(tmp_path):
    path = tmp_path / "diary.sqlite3"
    first = Diary(path)
    assert first.learn("lift", "/a.ogg", "skipped") == -0.5
    assert first.learn("lift", "/a.ogg", "completed") == -0.25
    first.learn("calm", "/a.ogg", "completed")
    first.close()
    again = Diary(path)
    assert again.weights("lift") == {"/a.ogg": -0.25}
    assert again.weights("calm") == {"/a.ogg": 0.25}
    again.close()


def test_summary_is_json_ready(diary):
    diary.record_mood("sad", t=noon_today())
    json.dumps(summary(diary, now=noon_today() + MIN))
    with pytest.raises(ValueError, match="days must be 1 or more"):
        summary(diary, days=0)


def test_an_unreadable_diary_is_kept_aside_and_a_new_one_started(tmp_path):
    from moodplayer.moods.diary import open_diary

    path = tmp_path / "diary.sqlite3"
    path.write_bytes(b"garbage, not SQLite" * 200)
    diary, warning = open_diary(path=path)
    assert warning.startswith("The mood diary was unreadable") and "diary.sqlite3.broken-" in warning
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("diary.sqlite3.broken-")]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"garbage, not SQLite")
    assert diary.record_mood("sad", t=1.0) and diary.moods() == [(1.0, "sad", "camera")]
    diary.close()
    again, warning = open_diary(path=path)
    assert warning is None
    again.close()


def test_a_diary_the_disk_refuses_says_so_once_and_the_app_goes_on(tmp_path, caplog):
    diary = Diary(tmp_path / "diary.sqlite3")
    diary._db.execute("PRAGMA query_only = ON")  # SQLite refuses every write, as on a read-only disk
    assert diary.record_mood("sad", t=1.0) is False
    assert diary.record_play("/a.ogg", "A", "sad", "started", t=2.0) is False
    assert diary.learn("lift", "/a.ogg", "skipped") == -0.5
    assert "readonly" in diary.write_error
    assert sum("not saved" in r.message for r in caplog.records) == 1
    assert diary.moods() == [] and diary.weights("lift") == {}
    diary.close()


def test_no_folder_to_write_in_gives_a_diary_for_this_session_only(tmp_path):
    from moodplayer.moods.diary import open_diary

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    diary, warning = open_diary(path=blocker / "diary.sqlite3")
    assert warning.startswith("The mood diary cannot be saved") and warning.endswith("this session only.")
    assert diary.record_mood("happy", t=5.0) and diary.moods() == [(5.0, "happy", "camera")]
    assert blocker.read_text(encoding="utf-8").startswith("a file where")
    diary.close()
