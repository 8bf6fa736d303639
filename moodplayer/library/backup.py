"""Daily copies of the library database (SQLite's online backup API, so a copy is consistent
even while the app writes), the last three kept, and restoring the newest good one."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from pathlib import Path

log = logging.getLogger(__name__)

KEEP = 3
NAME = re.compile(r"^library-(\d{4}-\d{2}-\d{2})\.sqlite3$")


def backup_dir(database: Path) -> Path:
    return Path(database).parent / "backups"


def backups(database: Path) -> list[Path]:
    """Backups of `database`, newest first."""
    folder = backup_dir(database)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if NAME.match(p.name)), key=lambda p: p.name, reverse=True)


def daily_backup(conn: sqlite3.Connection, database: Path, today: str | None = None,
                 keep: int = KEEP) -> Path | None:
    """Copy the database once per calendar day; returns the new copy, None when today's exists.
    A library with no tracks is not copied: it would push the good copies out."""
    today = today or time.strftime("%Y-%m-%d")
    target = backup_dir(database) / f"library-{today}.sqlite3"
    if target.exists() or conn.execute("SELECT COUNT(*) FROM tracks").fetchone()[0] == 0:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    copy = sqlite3.connect(partial)
    try:
        conn.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
    os.replace(partial, target)
    for old in backups(database)[keep:]:
        old.unlink(missing_ok=True)
    log.info("Backed up the library to %s", target)
    return target


def restore_latest(database: Path) -> Path | None:
    """Write the newest backup that passes quick_check over `database`; which one, or None."""
    for candidate in backups(database):
        try:
            source = sqlite3.connect(f"{candidate.resolve().as_uri()}?mode=ro", uri=True)
            try:
                if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    continue
                target = sqlite3.connect(database)
                try:
                    source.backup(target)
                finally:
                    target.close()
            finally:
                source.close()
        except sqlite3.Error as exc:
            log.warning("Backup %s cannot be read (%s)", candidate, exc)
            continue
        return candidate
    return None


def backup_date(backup: Path) -> str:
    match = NAME.match(backup.name)
    return match.group(1) if match else backup.name
