"""Opening the library database the way SQLite's authors recommend (WAL, synchronous=NORMAL,
quick_check on open, migrations in one transaction each), and the errors a Store raises."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from moodplayer.library.schema import MIGRATIONS


class StoreError(Exception):
    """The database cannot be used (e.g. written by a newer MoodPlayer); the message is for the user."""


class StoreReadOnly(StoreError):
    """The database file or its folder cannot be written (read-only disk, permissions)."""


class StoreFull(StoreError):
    """The disk holding the database is full."""


class StoreDamaged(sqlite3.DatabaseError):
    """quick_check found damage: salvage what can be read."""


def connect(path: Path) -> sqlite3.Connection:
    """A checked, migrated connection; StoreDamaged / sqlite3.DatabaseError for a damaged file."""
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10.0)
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise StoreDamaged(f"integrity check failed: {check}")
        _check_version(conn, path)
        conn.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL loses no committed data on a crash of the app, only (rarely) the last
        # transactions on a power cut, and spares an fsync per commit.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def connect_read_only(path: Path) -> sqlite3.Connection:
    """For a file that is there but cannot be written: immutable=1 reads it without the -shm
    file a WAL reader would otherwise have to create. Store.close() checkpoints, so the main
    file holds everything."""
    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise StoreDamaged(f"integrity check failed: {check}")
        _check_version(conn, path)
        if conn.execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
            raise StoreReadOnly(f"{path} is read-only and needs an upgrade to this MoodPlayer's "
                                f"schema; make it writable")
    except BaseException:
        conn.close()
        raise
    return conn


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(f"{path} was written by a newer MoodPlayer (schema {version}); "
                         f"this one knows up to {len(MIGRATIONS)}")


def migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def write_error(exc: sqlite3.OperationalError, path: Path) -> StoreError | None:
    """The plain StoreError for a write that failed because of the disk, else None."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return StoreReadOnly(f"cannot save to the library database {path}: the file or its folder "
                             f"is read-only; changes are not saved")
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return StoreFull(f"cannot save to the library database {path}: the disk is full; "
                         f"free some space (changes are not saved meanwhile)")
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or "disk i/o error" in text:
        return StoreError(f"cannot write the library database {path} ({exc}); is the disk still there?")
    return None
