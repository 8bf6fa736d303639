"""Salvage a damaged library database instead of replacing it.

The damaged file (with its -wal/-shm) is kept as `library.sqlite3.broken-<time>`. What can be
read from a working copy of it goes into a fresh database with the current schema: through the
sqlite3 command line's `.recover` when that tool is installed (it reads around bad pages), else
row by row through the sqlite3 module. When nothing could be salvaged the newest good daily
backup is restored. The RecoveryReport says what came back, for the window and the CLI.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from moodplayer.library import backup
from moodplayer.library.connection import (
    StoreReadOnly,
    connect,
    connect_read_only,
    migrate,
    write_error,
)

log = logging.getLogger(__name__)

SUFFIXES = ("", "-wal", "-shm")
COUNTED = (("tracks", "tracks"), ("favourites", "favourites"), ("play_events", "plays"))
RECOVER_TIMEOUT = 120.0
# Track rows are never deleted (a vanished file is marked missing), so the highest id counts them.
NEVER_DELETED = ("tracks",)
SKIP_ROWIDS = 64  # row-by-row copy: rowids jumped over after a bad page, per try


@dataclass
class RecoveryReport:
    database: Path
    kept_as: Path
    problem: str  # what was wrong with the file
    method: str  # "sqlite3 .recover", "row by row", "backup", "nothing"
    recovered: dict[str, int] = field(default_factory=dict)  # table -> rows in the new file
    expected: dict[str, int | None] = field(default_factory=dict)  # rows the damaged file held
    backup: Path | None = None  # the backup restored, if any

    @property
    def message(self) -> str:
        what = f"The library database was damaged or unreadable ({self.problem})"
        kept = f"The damaged file is kept as {self.kept_as}."
        if self.method == "backup":
            return (f"{what} and could not be salvaged; restored the backup of "
                    f"{backup.backup_date(self.backup)} ({self._counts()}). {kept}")
        if self.method == "nothing":
            return (f"{what}; nothing could be salvaged and there is no backup, so the library "
                    f"starts empty. {kept}")
        return f"{what}; recovered {self._counts()}. {kept}"

    def _counts(self) -> str:
        parts = []
        for table, noun in COUNTED:
            got, had = self.recovered.get(table, 0), self.expected.get(table)
            known = had is not None and had >= got
            parts.append(f"{got:,} of {had:,} {noun}" if known else f"{got:,} {noun}")
        return ", ".join(parts)


@dataclass
class Opened:
    conn: sqlite3.Connection
    read_only: bool = False
    problem: str | None = None  # why it is read-only
    recovery: RecoveryReport | None = None


def open_database(path: Path) -> Opened:
    """A connection to the library: salvaged first when damaged, read-only when the disk
    refuses writes; StoreError (plain message) when it cannot be had at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return Opened(connect(path))
    except sqlite3.OperationalError as exc:
        # Locked, unreadable, no space, read-only: the file itself is fine.
        problem = write_error(exc, path)
        if path.is_file() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
            problem = StoreReadOnly(f"cannot save to the library database {path}: the file or its "
                                    f"folder is read-only; changes are not saved")
        if problem is None or not path.is_file():
            raise (problem or exc) from exc
        log.warning("%s; opening it read-only", problem)
        return Opened(connect_read_only(path), read_only=True, problem=str(problem))
    except OSError as exc:
        raise StoreReadOnly(f"cannot create the folder of the library database {path}: "
                            f"{exc.strerror or exc}") from exc
    except sqlite3.DatabaseError as exc:
        report = salvage(path, str(exc))
        return Opened(connect(path), recovery=report)


def salvage(database: Path, problem: str, cli: str | None = "auto") -> RecoveryReport:
    """Keep the damaged file aside and build a new one at `database` from what it held.
    cli: path of the sqlite3 tool, "auto" to look it up, None for the row-by-row copy only."""
    database = Path(database)
    kept = keep_aside(database)
    report = RecoveryReport(database, kept, _short(problem), "nothing")
    with tempfile.TemporaryDirectory(prefix=".salvage-", dir=database.parent) as tmp:
        work = _working_copy(kept, Path(tmp) / "damaged.sqlite3")
        report.expected = {table: count_rows(work, table) for table, _ in COUNTED}
        salvaged = Path(tmp) / "salvaged.sqlite3"
        cli = shutil.which("sqlite3") if cli == "auto" else cli
        report.method = "sqlite3 .recover" if cli and _recover_with_cli(cli, work, salvaged) else "row by row"
        if report.method == "row by row":
            _copy_row_by_row(work, salvaged)
        report.recovered = rebuild(salvaged, database)
    if not report.recovered.get("tracks"):
        restored = _restore(database)
        if restored is not None:
            report.method, report.backup = "backup", restored
            report.recovered = {table: count_rows(database, table) or 0 for table, _ in COUNTED}
        else:
            report.method = "nothing"
    log.warning("%s", report.message)
    return report


def _short(problem: str) -> str:
    """quick_check lists every bad page; the first two say enough."""
    head, _, rest = problem.partition(": ")
    if not rest:
        return problem
    lines = [line.strip() for line in rest.splitlines() if line.strip() and "***" not in line]
    return f"{head}: " + "; ".join(lines[:2]) + ("; ..." if len(lines) > 2 else "")


def keep_aside(database: Path) -> Path:
    """Move the file and its -wal/-shm to `<name>.broken-<time>`; returns the new name."""
    kept = database.with_name(f"{database.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in SUFFIXES:
        source = Path(str(database) + suffix)
        if source.exists():
            os.replace(source, Path(str(kept) + suffix))
    return kept


def count_rows(database: Path, table: str) -> int | None:
    """Rows in `table`, read through the table and through each of its indexes (a bad page in
    one b-tree leaves the others countable); the largest answer, None when none could be read."""
    try:
        conn = sqlite3.connect(f"{Path(database).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    counts = []
    try:
        ways = [f"{table} NOT INDEXED"]
        try:
            ways += [f"{table} INDEXED BY {row[1]}" for row in conn.execute(f"PRAGMA index_list({table})")]
        except sqlite3.Error:
            pass
        queries = [f"SELECT COUNT(*) FROM {way}" for way in ways]
        if table in NEVER_DELETED:
            queries.append(f"SELECT MAX(rowid) FROM {table}")  # the right-most path of the b-tree only
        for query in queries:
            try:
                counts.append(conn.execute(query).fetchone()[0] or 0)
            except sqlite3.Error:
                continue
    finally:
        conn.close()
    return max(counts) if counts else None


def rebuild(salvaged: Path, database: Path) -> dict[str, int]:
    """A new database at `database` with the current schema, holding the salvaged rows that
    still fit it (rows whose track is gone are dropped); rows per table."""
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        migrate(conn)
        conn.execute("ATTACH DATABASE ? AS old", (str(salvaged),))
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        old = {row[0] for row in conn.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")}
        conn.execute("BEGIN")
        for table in (t for t in tables if t in old):
            _copy_table(conn, table)
        for table in tables:
            if table != "tracks" and "track_id" in _columns(conn, "main", table):
                conn.execute(f"DELETE FROM main.{table} WHERE track_id NOT IN (SELECT id FROM main.tracks)")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE old")
        conn.execute("PRAGMA journal_mode=WAL")
        return {table: conn.execute(f"SELECT COUNT(*) FROM main.{table}").fetchone()[0] for table in tables}
    finally:
        conn.close()


def _copy_table(conn: sqlite3.Connection, table: str) -> None:
    wanted = _columns(conn, "main", table)
    have = set(_columns(conn, "old", table))
    columns = ", ".join(c for c in wanted if c in have)
    if not columns:
        return
    try:
        conn.execute(f"INSERT OR IGNORE INTO main.{table} ({columns}) SELECT {columns} FROM old.{table}")
    except sqlite3.Error:
        # Salvaged rows that break the schema (NULL in NOT NULL...): one at a time, keep the rest.
        for row in conn.execute(f"SELECT {columns} FROM old.{table}").fetchall():
            try:
                conn.execute(f"INSERT OR IGNORE INTO main.{table} ({columns}) "
                             f"VALUES ({', '.join('?' * len(row))})", row)
            except sqlite3.Error:
                continue


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def _working_copy(kept: Path, work: Path) -> Path:
    """Recover from a copy: opening the damaged file itself could checkpoint its WAL into it."""
    for suffix in SUFFIXES[:2]:
        source = Path(str(kept) + suffix)
        if source.exists():
            shutil.copyfile(source, Path(str(work) + suffix))
    return work


def _recover_with_cli(cli: str, damaged: Path, salvaged: Path) -> bool:
    """`sqlite3 damaged .recover | sqlite3 salvaged`; False when the tool failed."""
    try:
        dump = subprocess.run([cli, str(damaged), ".recover"], capture_output=True,
                              timeout=RECOVER_TIMEOUT, check=False)
        if dump.returncode != 0 or not dump.stdout:
            log.info("sqlite3 .recover failed: %s", dump.stderr.decode(errors="replace").strip())
            return False
        load = subprocess.run([cli, str(salvaged)], input=dump.stdout, capture_output=True,
                              timeout=RECOVER_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("sqlite3 .recover could not run: %s", exc)
        return False
    return load.returncode == 0 or salvaged.exists()


def _copy_row_by_row(damaged: Path, salvaged: Path) -> None:
    """Without the sqlite3 tool: every row the sqlite3 module can still read, table by table,
    jumping over the rowids of pages that cannot be read."""
    out = sqlite3.connect(salvaged)  # one transaction: committed once at the end
    try:
        source = sqlite3.connect(f"{damaged.resolve().as_uri()}?mode=ro", uri=True)
        try:
            schema = source.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                                    "AND name NOT LIKE 'sqlite_%'").fetchall()
        except sqlite3.Error:
            schema = []  # the schema page itself is gone
        for name, sql in schema:
            out.execute(sql)
            rows = _readable_rows(source, name, "WITHOUT ROWID" not in sql.upper())
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                out.executemany(f"INSERT OR IGNORE INTO {name} VALUES ({marks})", rows)
        source.close()
    except sqlite3.Error as exc:
        log.info("row-by-row salvage stopped: %s", exc)
    finally:
        out.commit()
        out.close()


def _readable_rows(source: sqlite3.Connection, table: str, has_rowid: bool) -> list[tuple]:
    """Rows in key order, jumping over the keys of a page that cannot be read. The key is the
    rowid, or track_id for the WITHOUT ROWID tables (their b-tree is ordered by it)."""
    key = "rowid" if has_rowid else _leading_key(source, table)
    rows: list[tuple] = []
    if key is None:
        try:
            rows.extend(source.execute(f"SELECT * FROM {table}"))
        except sqlite3.Error:
            pass  # keep what came before the bad page
        return rows
    try:
        top = source.execute(f"SELECT MAX({key}) FROM {table}").fetchone()[0] or 0
    except sqlite3.Error:
        top = 1_000_000
    last = 0
    while last < top:
        try:
            query = f"SELECT {key}, * FROM {table} WHERE {key} > ? ORDER BY {key}"
            for row in source.execute(query, (last,)):
                last = row[0]
                rows.append(row[1:])
            return rows
        except sqlite3.Error:
            last += SKIP_ROWIDS
    return rows


def _leading_key(source: sqlite3.Connection, table: str) -> str | None:
    try:
        first = [row[1] for row in source.execute(f"PRAGMA table_info({table})") if row[5] == 1]
    except sqlite3.Error:
        return None
    return "track_id" if first == ["track_id"] else None


def _restore(database: Path) -> Path | None:
    for suffix in SUFFIXES:
        Path(str(database) + suffix).unlink(missing_ok=True)
    restored = backup.restore_latest(database)
    if restored is None:
        conn = sqlite3.connect(database, isolation_level=None)
        try:
            migrate(conn)
        finally:
            conn.close()
    return restored
