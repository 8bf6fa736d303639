"""moodplayer scan DIR: scan a music folder into the library and sort it into mood buckets."""

from __future__ import annotations

import os

from moodplayer.commands.common import emit, fail, open_store


def add_arguments(parser) -> None:
    parser.add_argument("folder", metavar="DIR", help="music folder to scan")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--db", metavar="PATH", help="library database (default: the app's own)")
    parser.add_argument("--no-features", action="store_true",
                        help="do not measure tempo and loudness of files whose tags say nothing")
    parser.add_argument("--list", action="store_true",
                        help="also list every track with its buckets, reasons, tempo, energy and language")


def run(args) -> int:
    from moodplayer.library.refresh import refresh
    from moodplayer.library.store import StoreError

    store = open_store(args.db)
    if store is None:
        return 1
    with store:
        try:  # the same refresh as the window's: scan, then measure what the tags leave open
            refreshed = refresh(store, args.folder, analyse=not args.no_features)
        except OSError as exc:
            return fail(f"cannot scan {args.folder}: {exc.strerror or exc}")
        except StoreError as exc:  # a read-only or full disk under the database
            return fail(str(exc))
        result = refreshed.scan
        result.seconds, result.buckets = refreshed.seconds, refreshed.buckets
        tracks = store.tracks(folder=args.folder) if getattr(args, "list", False) else None
    errors = [{"path": _printable(path), "reason": reason} for path, reason in result.errors]
    payload = {"tracks": result.tracks, "buckets": result.buckets, "errors": errors,
               "seconds": round(result.seconds, 3)}
    if tracks is not None:
        payload["items"] = [item(track) for track in tracks]
    emit(payload, args.json, _text(payload, result))
    return 0


def item(track) -> dict:
    """One track as `scan --json --list` shows it."""
    return {"path": _printable(track.path), "title": track.title, "artist": track.artist,
            "genre": track.genre, "language": track.language, "buckets": dict(track.buckets),
            "tempo": track.tempo, "energy": track.energy, "music": track.music,
            "sound": track.sound or None}


def _text(payload: dict, result) -> str:
    lines = [f"{payload['tracks']} tracks ({result.added} new, {result.updated} changed, "
             f"{result.missing} missing) in {payload['seconds']:.2f} s"]
    lines += [f"  {bucket:<13}{count}" for bucket, count in payload["buckets"].items()]
    if payload["errors"]:
        lines.append(f"{len(payload['errors'])} files could not be read:")
        lines += [f"  {error['path']}: {error['reason']}" for error in payload["errors"]]
    for entry in payload.get("items", []):
        name = entry["title"] or os.path.basename(entry["path"])
        found = "; ".join(entry["buckets"].values()) or entry["sound"] or "no bucket"
        lines.append(f"{name}: {found}")
    return "\n".join(lines)


def _printable(path: str) -> str:
    return os.fsencode(path).decode("utf-8", "replace")
