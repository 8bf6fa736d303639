"""moodplayer diary [--days N] [--csv FILE] [--delete-all] : the mood diary's summary.

The same summary the window's Diary tab draws: mood over today and the last N days, what
played in each mood, skip rate per mood and the goals' effect.
"""

from __future__ import annotations

import sqlite3

from moodplayer.commands.common import emit, fail
from moodplayer.moods.diary_summary import mood_lines


def add_arguments(parser) -> None:
    parser.add_argument("--days", type=int, default=7, metavar="N", help="days to summarise (default 7)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--csv", metavar="FILE", help="also export every mood and play to FILE")
    parser.add_argument("--delete-all", action="store_true", help="delete the whole diary, then summarise")
    parser.add_argument("--db", metavar="PATH", help="diary database (default: the app's diary.sqlite3)")


def run(args) -> int:
    from moodplayer.moods.diary import Diary, summary

    if args.days < 1:
        return fail("--days must be 1 or more", 2)
    try:
        diary = Diary(args.db) if args.db else Diary()
    except (OSError, sqlite3.Error) as exc:
        return fail(f"cannot open the mood diary: {exc}", 2)
    try:
        if args.delete_all:
            diary.delete_all()
        result = summary(diary, args.days)
        result["path"] = str(diary.path)
        if args.csv:
            result["csv_rows"] = diary.export_csv(args.csv)
    except OSError as exc:
        return fail(f"cannot write {args.csv}: {exc.strerror or exc}")
    except sqlite3.Error as exc:
        return fail(f"cannot read the mood diary {diary.path}: {exc}", 2)
    finally:
        diary.close()
    emit(result, args.json, describe(result))
    return 0


def describe(result: dict) -> str:
    lines = [f"Mood diary ({result['path']}){'' if result['recording'] else ', recording off'}"]
    lines.append("Today: " + (_shares(result["today"]["share"]) or "no mood recorded"))
    for day in result["week"]:
        if day["seconds"]:
            lines.append(f"  {day['date']}: {_shares(day['share'])} ({day['seconds'] / 60:.0f} min)")
    lines += mood_lines(result)
    if "csv_rows" in result:
        lines.append(f"exported {result['csv_rows']} rows")
    return "\n".join(lines)


def _shares(share: dict[str, float]) -> str:
    return ", ".join(f"{mood} {value:.0%}" for mood, value in share.items())
