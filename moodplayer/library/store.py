"""The library database: one SQLite file (WAL mode) with tracks, bucket assignments and their
reasons, user overrides, play events, favourites and learned per-emotion weights.

Threads: a `Store` holds one connection opened with check_same_thread=False and
guards every use of it with its own lock, so one Store may be shared between
threads. Still, give the scan worker its own Store on the same file: WAL lets
the GUI's Store read while the scan writes, whereas a shared Store would make
the GUI wait for each scan batch.

Paths are stored as bytes (os.fsencode) so names that are not valid UTF-8 survive;
`Track.path` is the os.fsdecode() form that open() takes (VLC: playback.media.media_location).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from moodplayer.library.buckets import BUCKETS
from moodplayer.library.connection import StoreError, StoreFull, StoreReadOnly, write_error  # noqa: F401
from moodplayer.library.records import Features, FileRecord, FileState, Track  # noqa: F401 (re-exported)
from moodplayer.library.recovery import RecoveryReport, open_database
from moodplayer.library.schema import (  # noqa: F401 (re-exported)
    FEATURE_COLUMNS,
    MIGRATIONS,
    SELECT_TRACKS,
    TAG_COLUMNS,
    TRACK_COLUMNS,
)

log = logging.getLogger(__name__)

PLAY_EVENTS = ("played", "completed", "skipped")
WEIGHT_MIN, WEIGHT_MAX = 0.1, 5.0
MOVED_HERE = "you moved it here"


class Store:
    """recovery: what was salvaged from a damaged file on open; read_only: writes raise
    StoreReadOnly; write_problem: why writes fail (play events are then dropped, not raised)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._lock = threading.RLock()
        opened = open_database(self.path)
        self._conn = opened.conn
        self.recovery: RecoveryReport | None = opened.recovery
        self.read_only = opened.read_only
        self.write_problem: str | None = opened.problem
        self._play_write_failed = self._backup_on_close = False

    @classmethod
    def open_default(cls) -> Store:
        """The app's own library, backed up once a day."""
        from moodplayer.config import database_path

        store = cls(database_path())  # a session's temporary folder when HOME is a file
        store.backup_daily()
        store._backup_on_close = True  # so a first day's library is copied too
        return store

    def close(self) -> None:
        """Checkpoint the WAL into the main file, so the .sqlite3 alone holds everything."""
        with self._lock:
            if self._conn is None:
                return
            if self._backup_on_close:
                self.backup_daily()
            self.checkpoint("TRUNCATE")
            self._conn.close()
            self._conn = None

    def checkpoint(self, mode: str = "PASSIVE") -> bool:
        """WAL into the main file; PASSIVE does not wait for readers (the app: every few minutes)."""
        with self._lock:
            if self._conn is None:
                return False  # closed meanwhile (a late timer at quit)
            try:
                sql = f"PRAGMA wal_checkpoint({mode})"
                return self.read_only or self._conn.execute(sql).fetchone()[0] == 0
            except sqlite3.Error as exc:
                log.warning("Could not checkpoint %s: %s", self.path, exc)
                return False

    def backup_daily(self) -> Path | None:
        """Today's backup in backups/ beside the file (the last 3 days kept); never raises."""
        from moodplayer.library.backup import daily_backup

        try:
            with self._lock:
                return None if self.read_only else daily_backup(self._conn, self.path)
        except (OSError, sqlite3.Error) as exc:
            log.warning("Could not back up the library %s: %s", self.path, exc)
            return None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write; a disk that refuses it becomes a StoreError with a plain message."""
        with self._lock:
            if self.read_only:
                raise StoreReadOnly(self.write_problem or f"{self.path} is read-only")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                problem = write_error(exc, self.path)
                if problem is None:
                    raise
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise problem from exc

    def _query(self, sql: str, params: Iterable = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    # --- reading tracks --------------------------------------------------------------------------

    def tracks(self, bucket: str | None = None, include_missing: bool = False,
               folder: str | os.PathLike | None = None) -> list[Track]:
        """Tracks (in `bucket`, under `folder` when given), present ones unless include_missing."""
        where, params = [], []
        if not include_missing:
            where.append("t.missing = 0")
        if folder is not None:
            where.append("t.path >= ? AND t.path < ?")
            params += list(_prefix_range(folder))
        if bucket is not None:
            _check_bucket(bucket)
            where.append("""(t.id IN (SELECT track_id FROM bucket_overrides WHERE bucket = ? AND included = 1)
                             OR (t.id IN (SELECT track_id FROM track_buckets WHERE bucket = ?)
                                 AND t.id NOT IN (SELECT track_id FROM bucket_overrides
                                                  WHERE bucket = ? AND included = 0)))""")
            params += [bucket] * 3
        sql = SELECT_TRACKS + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY t.id"
        return self._build(self._query(sql, params))

    def track(self, track_id: int) -> Track | None:
        found = self._build(self._query(SELECT_TRACKS + " WHERE t.id = ?", (track_id,)))
        return found[0] if found else None

    def track_by_path(self, path: str | os.PathLike) -> Track | None:
        found = self._build(self._query(SELECT_TRACKS + " WHERE t.path = ?", (_path_key(path),)))
        return found[0] if found else None

    def count(self) -> int:
        return self._query("SELECT COUNT(*) FROM tracks WHERE missing = 0")[0][0]

    def _build(self, rows: list[tuple]) -> list[Track]:
        if not rows:
            return []
        buckets = self._effective_buckets([row[0] for row in rows])
        tracks = []
        for row in rows:
            values = dict(zip(TRACK_COLUMNS, row[:len(TRACK_COLUMNS)], strict=True))
            values["path"] = os.fsdecode(values["path"])
            values["has_cover"] = bool(values["has_cover"])
            values["missing"] = bool(values["missing"])
            favourite, plays, completions, skips, last_played = row[len(TRACK_COLUMNS):]
            tracks.append(Track(**values, favourite=bool(favourite), plays=plays, completions=completions,
                                skips=skips, last_played=last_played, buckets=buckets.get(row[0], {})))
        return tracks

    def _effective_buckets(self, ids: list[int]) -> dict[int, dict[str, str]]:
        """Automatic assignments with the user's overrides applied, in BUCKETS order."""
        wanted = set(ids)
        few = len(ids) <= 500
        clause = f" WHERE track_id IN ({','.join('?' * len(ids))})" if few else ""
        params = ids if few else ()
        result: dict[int, dict[str, str]] = {}
        for track_id, bucket, reason in self._query(
                "SELECT track_id, bucket, reason FROM track_buckets" + clause, params):
            if track_id in wanted:
                result.setdefault(track_id, {})[bucket] = reason
        for track_id, bucket, included, reason in self._query(
                "SELECT track_id, bucket, included, reason FROM bucket_overrides" + clause, params):
            if track_id not in wanted:
                continue
            chosen = result.setdefault(track_id, {})
            if included:
                chosen[bucket] = reason
            else:
                chosen.pop(bucket, None)
        order = {b: i for i, b in enumerate(BUCKETS)}
        return {tid: dict(sorted(chosen.items(), key=lambda kv: order.get(kv[0], 99)))
                for tid, chosen in result.items()}

    # --- user actions ----------------------------------------------------------------------------

    def move_to_bucket(self, track_id: int, bucket: str, keep_others: bool = False) -> None:
        """Put the track in `bucket` (reason "you moved it here"), and, unless `keep_others`,
        take it out of every other bucket. Survives rescans."""
        _check_bucket(bucket)
        now = time.time()
        rows = [(track_id, bucket, 1, MOVED_HERE, now)]
        if not keep_others:
            reason = f"you moved it to {bucket}"
            rows += [(track_id, other, 0, reason, now) for other in BUCKETS if other != bucket]
        with self._transaction() as conn:
            self._require_track(conn, track_id)
            conn.executemany("INSERT OR REPLACE INTO bucket_overrides VALUES (?, ?, ?, ?, ?)", rows)

    def remove_from_bucket(self, track_id: int, bucket: str) -> None:
        _check_bucket(bucket)
        with self._transaction() as conn:
            self._require_track(conn, track_id)
            conn.execute("INSERT OR REPLACE INTO bucket_overrides VALUES (?, ?, 0, ?, ?)",
                         (track_id, bucket, f"you took it out of {bucket}", time.time()))

    def clear_overrides(self, track_id: int) -> None:
        """Back to the automatic buckets."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM bucket_overrides WHERE track_id = ?", (track_id,))

    def set_favourite(self, track_id: int, on: bool) -> None:
        with self._transaction() as conn:
            self._require_track(conn, track_id)
            if on:
                conn.execute("INSERT OR IGNORE INTO favourites VALUES (?, ?)", (track_id, time.time()))
            else:
                conn.execute("DELETE FROM favourites WHERE track_id = ?", (track_id,))

    def record_play(self, track_id: int, event: str, emotion: str | None = None) -> bool:
        """False when the disk refused it: the event is dropped, the first failure logged."""
        if event not in PLAY_EVENTS:
            raise ValueError(f"unknown play event {event!r}; expected one of {PLAY_EVENTS}")
        try:
            with self._transaction() as conn:
                self._require_track(conn, track_id)
                conn.execute("INSERT INTO play_events (track_id, event, emotion, at) VALUES (?, ?, ?, ?)",
                             (track_id, event, emotion, time.time()))
        except StoreError as exc:
            if not self._play_write_failed:
                log.warning("Play history is not being saved: %s", exc)
            self._play_write_failed, self.write_problem = True, self.write_problem or str(exc)
            return False
        return True

    def play_events(self, track_id: int) -> list[tuple[str, str | None, float]]:
        """(event, emotion, epoch seconds), oldest first."""
        return self._query("SELECT event, emotion, at FROM play_events WHERE track_id = ? ORDER BY id",
                           (track_id,))

    def mark_unplayable(self, track_id: int, reason: str) -> None:
        """Cleared when the file changes on a rescan."""
        with self._transaction() as conn:
            self._require_track(conn, track_id)
            conn.execute("UPDATE tracks SET unplayable = ? WHERE id = ?", (reason, track_id))

    def adjust_emotion_weight(self, track_id: int, emotion: str, delta: float) -> float:
        """Add `delta` to the learned weight (default 1.0), clamped; returns the new weight."""
        with self._transaction() as conn:
            self._require_track(conn, track_id)
            row = conn.execute("SELECT weight FROM emotion_weights WHERE track_id = ? AND emotion = ?",
                               (track_id, emotion)).fetchone()
            weight = min(WEIGHT_MAX, max(WEIGHT_MIN, (row[0] if row else 1.0) + delta))
            conn.execute("INSERT OR REPLACE INTO emotion_weights VALUES (?, ?, ?)",
                         (track_id, emotion, weight))
        return weight

    def emotion_weights(self, emotion: str) -> dict[int, float]:
        """Learned weights for `emotion` by track id; tracks absent here weigh 1.0."""
        return dict(self._query("SELECT track_id, weight FROM emotion_weights WHERE emotion = ?", (emotion,)))

    def scan_errors(self) -> list[tuple[str, str]]:
        """(path, reason) for the files the last scan could not read."""
        rows = self._query("SELECT path, reason FROM scan_errors ORDER BY path")
        return [(os.fsdecode(path), reason) for path, reason in rows]

    @staticmethod
    def _require_track(conn: sqlite3.Connection, track_id: int) -> None:
        if conn.execute("SELECT 1 FROM tracks WHERE id = ?", (track_id,)).fetchone() is None:
            raise KeyError(f"no track with id {track_id}")

    # --- used by the scanner ---------------------------------------------------------------------

    def file_states(self) -> dict[bytes, FileState]:
        """path -> FileState for every track, in one query."""
        rows = self._query("SELECT path, id, size, mtime_ns, missing FROM tracks")
        return {row[0]: FileState._make(row[1:]) for row in rows}

    def save_files(self, records: list[FileRecord]) -> None:
        """Insert or update scanned files with their automatic buckets, in one transaction.
        A changed file loses its `unplayable` mark; its id, stats and overrides stay."""
        now = time.time()
        tag_set = ", ".join(f"{c} = excluded.{c}" for c in TAG_COLUMNS)
        sql = (f"INSERT INTO tracks (path, size, mtime_ns, {', '.join(TAG_COLUMNS)}, added_at) "
               f"VALUES ({', '.join('?' * (len(TAG_COLUMNS) + 4))}) "
               f"ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
               f"{tag_set}, missing = 0, unplayable = NULL RETURNING id")
        with self._transaction() as conn:
            for record in records:
                track_id = conn.execute(sql, (record.path, record.size, record.mtime_ns, *record.tags, now)
                                        ).fetchone()[0]
                conn.execute("DELETE FROM track_buckets WHERE track_id = ?", (track_id,))
                conn.executemany("INSERT INTO track_buckets VALUES (?, ?, ?)",
                                 [(track_id, b, reason) for b, reason in record.buckets.items()])

    def count_under(self, folder: str | os.PathLike) -> int:
        """Present tracks whose file lies under `folder`."""
        low, high = _prefix_range(folder)
        return self._query("SELECT COUNT(*) FROM tracks WHERE missing = 0 AND path >= ? AND path < ?",
                           (low, high))[0][0]

    def bucket_counts_under(self, folder: str | os.PathLike) -> dict[str, int]:
        """Effective bucket -> number of present tracks under `folder`."""
        low, high = _prefix_range(folder)
        rows = self._query("""
            SELECT e.bucket, COUNT(*) FROM (
                SELECT track_id, bucket FROM track_buckets b
                WHERE NOT EXISTS (SELECT 1 FROM bucket_overrides o WHERE o.track_id = b.track_id
                                  AND o.bucket = b.bucket AND o.included = 0)
                UNION SELECT track_id, bucket FROM bucket_overrides WHERE included = 1) e
            JOIN tracks t ON t.id = e.track_id
            WHERE t.missing = 0 AND t.path >= ? AND t.path < ?
            GROUP BY e.bucket""", (low, high))
        return dict(rows)

    # --- used by library.features ----------------------------------------------------------------

    def tracks_without_tempo_bucket(self, folder: str | os.PathLike | None = None
                                    ) -> list[tuple[int, bytes, int, int]]:
        """(id, path, size, mtime_ns) of present, playable tracks (under `folder`) in neither
        upbeat nor calm."""
        low, high = _prefix_range(folder) if folder is not None else (None, None)
        return self._query("""
            SELECT id, path, size, mtime_ns FROM tracks t
            WHERE missing = 0 AND unplayable IS NULL AND (? IS NULL OR (path >= ? AND path < ?))
            AND NOT EXISTS (SELECT 1 FROM track_buckets b
                            WHERE b.track_id = t.id AND b.bucket IN ('upbeat', 'calm'))
            ORDER BY id""", (low, low, high))

    def cached_features(self, path: bytes, size: int, mtime_ns: int) -> Features | None:
        rows = self._query(f"SELECT {', '.join(FEATURE_COLUMNS)} FROM audio_features "
                           "WHERE path = ? AND size = ? AND mtime_ns = ?", (path, size, mtime_ns))
        return Features(*rows[0]) if rows else None

    def cache_features(self, path: bytes, size: int, mtime_ns: int, features: Features) -> None:
        values = [getattr(features, column) for column in FEATURE_COLUMNS]
        marks = ", ".join("?" * (3 + len(values)))
        with self._transaction() as conn:
            conn.execute(f"INSERT OR REPLACE INTO audio_features VALUES ({marks})",
                         (path, size, mtime_ns, *values))

    def add_auto_bucket(self, track_id: int, bucket: str, reason: str) -> None:
        """An automatic assignment (overrides still win); replaced when the file changes."""
        _check_bucket(bucket)
        with self._transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO track_buckets VALUES (?, ?, ?)", (track_id, bucket, reason))

    def relink(self, path: bytes, track_id: int) -> None:
        """The same file found at a new path keeps its row: stats, favourite and overrides."""
        with self._transaction() as conn:
            conn.execute("UPDATE tracks SET path = ?, missing = 0 WHERE id = ?", (path, track_id))

    def set_missing(self, ids: Iterable[int], missing: bool) -> None:
        with self._transaction() as conn:
            conn.executemany("UPDATE tracks SET missing = ? WHERE id = ?", [(int(missing), i) for i in ids])

    def replace_scan_errors(self, errors: Iterable[tuple[bytes, str]]) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM scan_errors")
            conn.executemany("INSERT OR REPLACE INTO scan_errors VALUES (?, ?)", errors)


def _check_bucket(bucket: str) -> None:
    if bucket not in BUCKETS:
        raise ValueError(f"unknown bucket {bucket!r}; expected one of {BUCKETS}")


def _path_key(path: str | os.PathLike) -> bytes:
    return os.fsencode(os.path.abspath(path))


def _prefix_range(folder: str | os.PathLike) -> tuple[bytes, bytes]:
    """Byte range holding every path under `folder` ("/a/" <= p < "/a0"), so the index is used."""
    low = os.fsencode(os.path.join(os.path.abspath(folder), ""))
    return low, low[:-1] + bytes([low[-1] + 1])
