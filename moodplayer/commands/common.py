"""Small helpers shared by the subcommands."""

from __future__ import annotations

import json
import sys


def emit(payload: dict, as_json: bool, text: str) -> None:
    """Print one JSON object (--json) or a human-readable text."""
    if as_json:
        json.dump(payload, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(text)


def fail(message: str, code: int = 1) -> int:
    print(f"moodplayer: {message}", file=sys.stderr)
    return code


def open_store(db_path: str | None):
    """The library database (--db PATH, else the app's own), or None after saying why not."""
    import sqlite3

    from moodplayer.library.store import Store, StoreError

    try:
        store = Store(db_path) if db_path else Store.open_default()
    except (OSError, sqlite3.Error, StoreError) as exc:
        fail(f"cannot open the library database: {exc}")
        return None
    if store.recovery is not None:
        print(f"moodplayer: {store.recovery.message}", file=sys.stderr)
    return store


def scan_folder(store, folder):
    """scan() with a clear message for a folder that cannot be read; None then."""
    from moodplayer.library.scanner import scan
    from moodplayer.library.store import StoreError

    try:
        return scan(store, folder)
    except OSError as exc:
        fail(f"cannot scan {folder}: {exc.strerror or exc}")
        return None
    except StoreError as exc:  # a read-only or full disk under the database
        fail(str(exc))
        return None
