"""moodplayer play --emotion E: build the queue for E and play it through VLC for a while."""

from __future__ import annotations

import os
import sys
import time

from moodplayer.commands.common import emit, fail, open_store, scan_folder
from moodplayer.emotions import LABELS

SAMPLE_SECONDS = 0.05
MAX_SECONDS = 24 * 3600  # the DJ refills the queue, so "until it ends" would be forever


def play_seconds(text: str) -> float:
    """--seconds N: a finite number of seconds above 0 (-5, nan and inf are usage errors)."""
    import argparse
    import math

    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most {MAX_SECONDS} seconds, "
                                         f"not {text}")
    return seconds


def add_arguments(parser) -> None:
    parser.add_argument("--emotion", required=True, choices=LABELS, help="the emotion to play for")
    # Its own dest: a subcommand default of None would hide the global --music-dir.
    parser.add_argument("--music-dir", dest="play_music_dir", metavar="DIR",
                        help="music folder (default: the one in the settings, else the demo library)")
    parser.add_argument("--seconds", type=play_seconds, default=10.0, metavar="N",
                        help=f"how long to play, more than 0 and at most {MAX_SECONDS} (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--db", metavar="PATH", help="library database (default: the app's own)")


def run(args) -> int:
    from moodplayer.config import DEMO_LIBRARY, Settings
    from moodplayer.library.store import StoreError
    from moodplayer.playback import PlaybackUnavailable, Player

    settings = Settings.load()
    folder = args.play_music_dir or getattr(args, "music_dir", None) or settings.music_dir or DEMO_LIBRARY
    folder = os.path.abspath(folder)
    try:
        player = Player(volume=settings.volume)
    except PlaybackUnavailable as exc:
        return fail(str(exc))
    if player.output_problem:
        print(f"moodplayer: {player.output_problem}", file=sys.stderr)
    try:
        store = open_store(args.db)
        if store is None:
            return 1
        with store:
            scanned = scan_folder(store, folder)
            if scanned is None:
                return 1
            return _play(player, store, settings, args, folder, scanned)
    except StoreError as exc:  # the disk under the library refused a write
        return fail(str(exc))
    finally:
        player.close()


def _play(player, store, settings, args, folder: str, scanned) -> int:
    from moodplayer.moods.dj import MoodDJ
    from moodplayer.playback import PLAYING

    dj = MoodDJ(player, store, settings, folder=folder)
    played: list[dict] = []
    player.add_listener(lambda kind, payload: _note_play(played, kind, payload))
    dj.set_override(args.emotion)
    queue = player.queue
    if not queue:
        note = dj.last_queue.note if dj.last_queue is not None else "nothing to play"
        return fail(f"nothing to play for {args.emotion} from {folder}: {note}")
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        player.pump_events(SAMPLE_SECONDS)
        dj.tick()
        if player.state == PLAYING and played:
            # How far VLC really got, sampled while the track plays (VLC reads 0 once it ends).
            played[-1]["seconds"] = max(played[-1]["seconds"], round(player.position, 2))
    player.stop()
    payload = {
        "emotion": args.emotion,
        "music_dir": folder,
        "scanned": {"tracks": scanned.tracks, "added": scanned.added, "seconds": round(scanned.seconds, 3)},
        "queue": [{"path": printable(i.track.path), "title": printable(i.track.display_title),
                   "artist": i.track.artist, "bucket": i.bucket, "reason": i.reason} for i in queue],
        "played": played,
        "note": queue.note,
        "unplayable": [{"path": printable(item.track.path), "reason": reason}
                       for item, reason in dj.unplayable],
    }
    emit(payload, args.json, _text(payload))
    return 0


def _note_play(played: list[dict], kind: str, payload) -> None:
    if kind == "track_started":
        played.append({"path": printable(payload.track.path), "title": printable(payload.track.display_title),
                       "bucket": payload.bucket, "reason": payload.reason, "seconds": 0.0})
    elif kind == "track_ended" and played and played[-1]["path"] == printable(payload["item"].track.path):
        played[-1]["ended"] = payload["why"]


def printable(path: str) -> str:
    """A path from os.fsdecode() that any stdout can print: undecodable bytes become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def _text(payload: dict) -> str:
    lines = [f"{payload['emotion']}: {len(payload['queue'])} tracks queued from {payload['music_dir']}"]
    if payload["note"]:
        lines.append(f"note: {payload['note']}")
    lines.append("played:")
    lines += [f"  {p['seconds']:6.2f} s  {p['title']}  [{p['bucket']}]  {p['reason']}"
              for p in payload["played"]]
    lines += [f"could not play {u['path']}: {u['reason']}" for u in payload["unplayable"]]
    return "\n".join(lines)
