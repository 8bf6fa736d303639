"""moodplayer diary --json: the summary of a real diary file, as a subprocess would print it."""

import json
import subprocess
import sys
import time

from moodplayer.moods.diary import Diary


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "moodplayer", "diary", *args],
                          capture_output=True, text=True, timeout=60)


def test_diary_json_prints_the_summary(tmp_path):
    path = tmp_path / "diary.sqlite3"
    diary = Diary(path)
    now = time.time()
    diary.record_mood("sad", "camera", t=now - 120)
    diary.record_mood("happy", "voice", t=now - 60)
    diary.record_play("/m/a.ogg", "A", "sad", "started", t=now - 120)
    diary.record_play("/m/a.ogg", "A", "sad", "skipped", t=now - 100)
    diary.close()
    done = run_cli("--json", "--days", "3", "--db", str(path), "--csv", str(tmp_path / "out.csv"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["days"] == 3 and len(result["week"]) == 3
    assert set(result["today"]["share"]) <= {"sad", "happy"}
    assert result["skip_rate"]["sad"] == {"skipped": 1, "completed": 0, "rate": 1.0}
    assert result["played"]["sad"][0]["title"] == "A"
    assert result["goal_effect"]["lift"]["text"].startswith("not enough lifting yet")
    assert result["csv_rows"] == 4
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("kind,time,mood,source")


def test_diary_uses_the_data_dir_and_text_output(isolated_dirs):
    done = run_cli()
    assert done.returncode == 0, done.stderr
    assert "Today: no mood recorded" in done.stdout
    assert (isolated_dirs / "data" / "moodplayer" / "diary.sqlite3").exists()


def test_diary_bad_input_is_a_clear_message(tmp_path):
    done = run_cli("--days", "0")
    assert done.returncode == 2 and "--days must be 1 or more" in done.stderr
    not_a_db = tmp_path / "junk.sqlite3"
    not_a_db.write_bytes(b"this is not a database at all" * 100)
    done = run_cli("--db", str(not_a_db))
    assert done.returncode == 2 and "mood diary" in done.stderr
    assert not_a_db.read_bytes().startswith(b"this is not")  # left as it was
    done = run_cli("--db", str(tmp_path / "d.sqlite3"), "--csv", str(tmp_path / "no" / "such" / "dir.csv"))
    assert done.returncode == 1 and "cannot write" in done.stderr


def test_delete_all_from_the_command_line(tmp_path):
    path = tmp_path / "diary.sqlite3"
    diary = Diary(path)
    diary.record_mood("fear", t=time.time() - 30)
    diary.close()
    done = run_cli("--json", "--db", str(path), "--delete-all")
    assert json.loads(done.stdout)["today"]["timeline"] == []
    assert Diary(path).moods() == []
