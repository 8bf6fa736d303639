"""moodplayer scan DIR: scan a music folder into the library and sort it into mood buckets."""

from __future__ import annotations

import os
import sqlite3

from moodplayer.commands.common import emit, fail


def add_arguments(parser) -> None:
    parser.add_argument("folder", metavar="DIR", help="music folder to scan")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--db", metavar="PATH", help="library database (default: the app's own)")
    parser.add_argument("--no-features", action="store_true",
                        help="do not measure tempo and loudness of files whose tags say nothing")


def run(args) -> int:
    from moodplayer.library.features import analyse_library
    from moodplayer.library.scanner import scan
    from moodplayer.library.store import Store, StoreError

    try:
        store = Store(args.db) if args.db else Store.open_default()
    except (OSError, sqlite3.Error, StoreError) as exc:
        return fail(f"cannot open the library database: {exc}")
    with store:
        try:
            result = scan(store, args.folder)
        except OSError as exc:
            return fail(f"cannot scan {args.folder}: {exc.strerror or exc}")
        if not args.no_features:
            result.seconds += analyse_library(store, args.folder).seconds
            counts = store.bucket_counts_under(args.folder)
            result.buckets = {bucket: counts.get(bucket, 0) for bucket in result.buckets}
    errors = [{"path": _printable(path), "reason": reason} for path, reason in result.errors]
    payload = {"tracks": result.tracks, "buckets": result.buckets, "errors": errors,
               "seconds": round(result.seconds, 3)}
    emit(payload, args.json, _text(payload, result))
    return 0


def _text(payload: dict, result) -> str:
    lines = [f"{payload['tracks']} tracks ({result.added} new, {result.updated} changed, "
             f"{result.missing} missing) in {payload['seconds']:.2f} s"]
    lines += [f"  {bucket:<13}{count}" for bucket, count in payload["buckets"].items()]
    if payload["errors"]:
        lines.append(f"{len(payload['errors'])} files could not be read:")
        lines += [f"  {error['path']}: {error['reason']}" for error in payload["errors"]]
    return "\n".join(lines)


def _printable(path: str) -> str:
    return os.fsencode(path).decode("utf-8", "replace")
