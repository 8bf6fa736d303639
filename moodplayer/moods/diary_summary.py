"""What the diary says: mood over time, what played in each mood, skips, and the goal's effect.

Pure functions over the diary's rows, so the window, `moodplayer diary` and the tests read
the same numbers.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter, defaultdict

MAX_SEGMENT = 600.0  # a mood reading counts this long at most (the app may have been closed)
RUN_GAP = 1800.0  # plays further apart than this are not one run of a goal
AFTER_SONGS = 3
TARGETS = {"lift": ("happy", "lifting"), "calm": ("neutral", "calming")}
MIN_SECONDS = 60.0  # less mood time than this on either side and the effect is not told


def summarise(moods, plays, days: int = 7, now: float | None = None) -> dict:
    """`moods`: (t, mood, source) rows; `plays`: (t, path, title, mood, event, goal) rows."""
    now = time.time() if now is None else now
    since = _midnight(now) - (days - 1) * 86400
    segments = [s for s in _segments(moods, now) if s[1] > since]
    today = [s for s in segments if s[1] > _midnight(now)]
    return {
        "days": days,
        "today": {"timeline": [_segment_json(s) for s in today], "share": _share(today)},
        "week": _days(segments, now, days),
        "played": _played(p for p in plays if p[0] >= since),
        "skip_rate": _skips(p for p in plays if p[0] >= since),
        "goal_effect": {goal: goal_effect(segments, plays, goal) for goal in TARGETS},
    }


def _segments(moods, now: float) -> list[tuple[float, float, str]]:
    rows = sorted(moods)
    out = []
    for index, (t, mood, _source) in enumerate(rows):
        end = rows[index + 1][0] if index + 1 < len(rows) else now
        out.append((t, min(end, t + MAX_SEGMENT, now), mood))
    return [s for s in out if s[1] > s[0]]


def _segment_json(segment) -> dict:
    return {"start": segment[0], "end": segment[1], "mood": segment[2]}


def _share(segments) -> dict[str, float]:
    seconds: Counter = Counter()
    for start, end, mood in segments:
        seconds[mood] += end - start
    total = sum(seconds.values())
    return {mood: round(value / total, 4) for mood, value in seconds.most_common()} if total else {}


def _days(segments, now: float, days: int) -> list[dict]:
    out = []
    for back in range(days - 1, -1, -1):
        start = _midnight(now) - back * 86400
        inside = [(max(s, start), min(e, start + 86400), m) for s, e, m in segments
                  if e > start and s < start + 86400]
        out.append({"date": time.strftime("%Y-%m-%d", time.localtime(start + 3600)),
                    "seconds": round(sum(e - s for s, e, _ in inside), 1), "share": _share(inside)})
    return out


def _played(plays) -> dict[str, list[dict]]:
    counts: dict[str, Counter] = defaultdict(Counter)
    titles = {}
    for _t, path, title, mood, event, _goal in plays:
        if event == "started":
            counts[mood][path] += 1
            titles[path] = title
    return {mood: [{"title": titles[p], "path": p, "plays": n} for p, n in c.most_common(10)]
            for mood, c in sorted(counts.items())}


def _skips(plays) -> dict[str, dict]:
    ends: dict[str, Counter] = defaultdict(Counter)
    for _t, _path, _title, mood, event, _goal in plays:
        if event in ("completed", "skipped"):
            ends[mood][event] += 1
    return {mood: {"skipped": c["skipped"], "completed": c["completed"],
                   "rate": round(c["skipped"] / (c["skipped"] + c["completed"]), 4)}
            for mood, c in sorted(ends.items())}


def goal_effect(segments, plays, goal: str) -> dict:
    """The target mood's share of mood time once AFTER_SONGS songs in a row have played under
    `goal` (from the next song on), against its share while music played with no goal (match)."""
    target, verb = TARGETS[goal]
    times, runs = _runs(plays)
    after, baseline = Counter(), Counter()
    for start, end, mood in segments:
        index = bisect.bisect_right(times, start) - 1
        if index < 0 or start - times[index] > RUN_GAP:
            continue  # no music playing: neither side
        run_goal, length = runs[index]
        if run_goal == goal and length > AFTER_SONGS:
            after[mood == target] += end - start
        elif run_goal == "match":
            baseline[mood == target] += end - start
    result = {"target": target, "after_songs": AFTER_SONGS, "after_seconds": round(sum(after.values()), 1),
              "baseline_seconds": round(sum(baseline.values()), 1), "after_share": None,
              "baseline_share": None, "change_percent": None}
    if min(result["after_seconds"], result["baseline_seconds"]) < MIN_SECONDS:
        after_min, base_min = result["after_seconds"] / 60, result["baseline_seconds"] / 60
        result["text"] = (f"not enough {verb} yet to tell: {after_min:.0f} min after {AFTER_SONGS} {verb} "
                          f"songs, {base_min:.0f} min without a goal")
        return result
    result["after_share"] = round(after[True] / result["after_seconds"], 4)
    result["baseline_share"] = round(baseline[True] / result["baseline_seconds"], 4)
    result["text"] = _effect_text(result, verb)
    return result


def _effect_text(result: dict, verb: str) -> str:
    head = f"after {AFTER_SONGS} {verb} songs your mood read {result['target']}"
    after, base = result["after_share"], result["baseline_share"]
    if base == 0:
        return f"{head} {after:.0%} of the time, never without a goal"
    change = (after / base - 1) * 100
    result["change_percent"] = round(change, 1)
    if abs(change) < 0.5:
        return f"{head} as often as without a goal ({after:.0%} of the time)"
    more = "more" if change > 0 else "less"
    return f"{head} {abs(change):.0f} % {more} often than without a goal ({after:.0%} against {base:.0%})"


def _runs(plays) -> tuple[list[float], list[tuple[str, int]]]:
    """For each started play (by time): its goal and how many songs in a row had that goal."""
    times, runs = [], []
    for t, _path, _title, _mood, event, goal in sorted(plays):
        if event != "started":
            continue
        same = runs and runs[-1][0] == goal and t - times[-1] <= RUN_GAP
        runs.append((goal, runs[-1][1] + 1 if same else 1))
        times.append(t)
    return times, runs


def _midnight(now: float) -> float:
    local = time.localtime(now)
    return time.mktime((local.tm_year, local.tm_mon, local.tm_mday, 0, 0, 0, 0, 0, -1))


def mood_lines(summary: dict) -> list[str]:
    """Skip rate and what played per mood, then the goal's effect: the words the Diary tab
    and `moodplayer diary` both show."""
    lines = []
    for mood, rate in summary["skip_rate"].items():
        lines.append(f"{mood}: skipped {rate['skipped']} of {rate['skipped'] + rate['completed']} "
                     f"({rate['rate']:.0%})")
    for mood, tracks in summary["played"].items():
        lines.append(f"played while {mood}: " + ", ".join(t["title"] for t in tracks[:5]))
    return lines + [effect["text"] for effect in summary["goal_effect"].values()]
