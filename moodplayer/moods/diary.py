"""The mood diary: confirmed moods and what played, in its own SQLite file (never frames).

It also keeps each goal's learned track weights, so the goal's learning stays out of the
library's database.
"""

from __future__ import annotations

import csv
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from moodplayer.moods.goals import learn

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS moods (t REAL NOT NULL, mood TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plays (t REAL NOT NULL, path TEXT NOT NULL, title TEXT NOT NULL,
    mood TEXT NOT NULL, event TEXT NOT NULL, goal TEXT NOT NULL DEFAULT 'match');
CREATE TABLE IF NOT EXISTS goal_weights (goal TEXT NOT NULL, path TEXT NOT NULL, weight REAL NOT NULL,
    PRIMARY KEY (goal, path));
CREATE INDEX IF NOT EXISTS moods_t ON moods (t);
CREATE INDEX IF NOT EXISTS plays_t ON plays (t);
"""
EVENTS = ("started", "completed", "skipped")
CSV_COLUMNS = ("kind", "time", "mood", "source", "event", "goal", "title", "path")


def diary_path() -> Path:
    from moodplayer.config import data_dir

    return data_dir() / "diary.sqlite3"


class Diary:
    """Thread-safe (one connection, check_same_thread off, every use under one lock): the window
    writes and reads it from the background pool (ui.diary_view), the CLI on its main thread."""

    def __init__(self, path: str | Path | None = None, enabled: bool = True) -> None:
        self.path = Path(path) if path is not None else diary_path()
        self.enabled = enabled
        self._lock = threading.Lock()
        self.closed = False
        self.write_error: str | None = None  # the last write the disk refused
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._db.close()

    def record_mood(self, mood: str, source: str = "camera", t: float | None = None) -> bool:
        if not self.enabled or self.closed:  # a late signal while the window closes
            return False
        return self._write("INSERT INTO moods VALUES (?, ?, ?)", (_now(t), str(mood), str(source)))

    def record_play(self, path: str, title: str, mood: str, event: str, goal: str = "match",
                    t: float | None = None) -> bool:
        if event not in EVENTS:
            raise ValueError(f"unknown play event {event!r}: one of {', '.join(EVENTS)}")
        if not self.enabled or self.closed:
            return False
        return self._write("INSERT INTO plays VALUES (?, ?, ?, ?, ?, ?)",
                           (_now(t), str(path), str(title), str(mood), event, str(goal)))

    def weights(self, goal: str) -> dict[str, float]:
        with self._lock:
            rows = self._db.execute("SELECT path, weight FROM goal_weights WHERE goal = ?", (goal,))
            return dict(rows.fetchall())

    def learn(self, goal: str, path: str, event: str) -> float:
        """A skip or completion while `goal` was on (kept even when recording is off: it is
        the goal's learning, not history)."""
        with self._lock:
            if self.closed:  # a skip queued just before the window closed: nowhere to learn it
                return 0.0
            row = self._db.execute("SELECT weight FROM goal_weights WHERE goal = ? AND path = ?",
                                   (goal, path)).fetchone()
            table = {path: row[0]} if row else {}
            value = learn(table, path, event)
        self._write("INSERT OR REPLACE INTO goal_weights VALUES (?, ?, ?)", (goal, path, value))
        return value

    def moods(self, since: float = 0.0) -> list[tuple[float, str, str]]:
        with self._lock:
            return self._db.execute("SELECT t, mood, source FROM moods WHERE t >= ? ORDER BY t",
                                    (since,)).fetchall()

    def plays(self, since: float = 0.0) -> list[tuple[float, str, str, str, str, str]]:
        with self._lock:
            return self._db.execute("SELECT t, path, title, mood, event, goal FROM plays WHERE t >= ? "
                                    "ORDER BY t", (since,)).fetchall()

    def export_csv(self, target: str | Path) -> int:
        """Every mood and play, oldest first; returns the number of rows written."""
        rows = [("mood", t, mood, source, "", "", "", "") for t, mood, source in self.moods()]
        rows += [("play", t, mood, "", event, goal, title, path)
                 for t, path, title, mood, event, goal in self.plays()]
        rows.sort(key=lambda r: r[1])
        # Written beside the target and renamed over it: a failure half-way (disk full)
        # leaves an earlier export there whole, and no half file.
        target = Path(target)
        partial = target.with_name(f".{target.name}.part")
        try:
            with open(partial, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(CSV_COLUMNS)
                for row in rows:
                    writer.writerow((row[0], _iso(row[1]), *row[2:]))
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return len(rows)

    def delete_all(self) -> None:
        """The whole history and the goals' learning."""
        with self._lock, self._db:
            for table in ("moods", "plays", "goal_weights"):
                self._db.execute(f"DELETE FROM {table}")
        with self._lock:
            self._db.execute("VACUUM")

    def _write(self, sql: str, values: tuple) -> bool:
        """False when the disk refuses (read-only, full): said once in the log, the app goes on."""
        try:
            with self._lock:
                if self.closed:  # queued on the pool just before close: dropped quietly, not an error
                    return False
                with self._db:
                    self._db.execute(sql, values)
        except sqlite3.Error as exc:
            if self.write_error is None:
                log.warning("Mood diary %s not saved: %s", self.path, exc)
            self.write_error = str(exc)
            return False
        return True


def _now(t: float | None) -> float:
    return time.time() if t is None else float(t)


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t))


def open_diary(enabled: bool = True, path: str | Path | None = None) -> tuple[Diary, str | None]:
    """The diary, and a warning for the user when the file was unreadable: it is then kept aside
    as diary.sqlite3.broken-<time> (nothing lost) and a new one started."""
    try:
        path = Path(path) if path is not None else diary_path()
        return Diary(path, enabled), None
    except (OSError, sqlite3.Error) as exc:
        problem = exc
    try:
        if not path.is_file():
            raise problem
        kept = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(path, kept)
        warning = f"The mood diary was unreadable ({problem}); kept it as {kept.name}, started a new one."
        return Diary(path, enabled), warning
    except (OSError, sqlite3.Error, NameError):  # NameError: no data folder, so no path at all
        # Nowhere to write (read-only, or no folder): a diary in memory, for this session only.
        return Diary(":memory:", enabled), f"The mood diary cannot be saved ({problem}); this session only."


def goal_weights(goal: str, path: str | Path | None = None) -> dict[str, float]:
    """The goal's learned track weights; {} when there is no diary yet or it cannot be read
    (the queue is then built unweighted rather than not at all)."""
    path = Path(path) if path is not None else diary_path()
    if not path.exists():
        return {}
    try:
        diary = Diary(path)
    except (OSError, sqlite3.Error) as exc:
        log.warning("Mood diary %s unreadable (%s); the goal's learning is not used", path, exc)
        return {}
    try:
        return diary.weights(goal)
    except sqlite3.Error as exc:
        log.warning("Mood diary %s unreadable (%s); the goal's learning is not used", path, exc)
        return {}
    finally:
        diary.close()


def summary(diary: Diary, days: int = 7, now: float | None = None) -> dict:
    from moodplayer.moods.diary_summary import summarise

    if days < 1:
        raise ValueError("days must be 1 or more")
    now = time.time() if now is None else now
    since = now - (days + 1) * 86400
    # A run of goal songs may have started before the window: read plays from a day earlier.
    result = summarise(diary.moods(since), diary.plays(since - 86400), days, now)
    result["recording"] = diary.enabled
    return result
