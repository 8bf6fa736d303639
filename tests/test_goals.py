"""Mood goals on a real SQLite store: match keeps the mapping's queue, lift and calm walk it."""

import dataclasses
import os
import random

import pytest

from moodplayer.config import Settings
from moodplayer.library.store import FileRecord
from moodplayer.library.tags import Tags
from moodplayer.moods import build_queue
from moodplayer.moods.goals import STEPS, Goal, brightness, goal_queue, learn

GENRES = {"upbeat": "Dance", "calm": "Chillout", "rap": "Hip Hop", "devotional": "Bhajan",
          "instrumental": "Ambient"}


def add(store, name, bucket, bpm):
    path = os.fsencode(f"/music/{name}.ogg")
    tags = Tags(title=name, artist=f"Artist {name}", genre=GENRES[bucket], bpm=bpm, duration=120.0)
    record = FileRecord(path, 1, 1, tags.values(), {bucket: f"genre '{GENRES[bucket]}' → {bucket}"})
    store.save_files([record])
    return store.track_by_path(path.decode())


@pytest.fixture
def library(store):
    """Slow calm tracks, mid-tempo instrumentals, fast upbeat ones."""
    tracks = [add(store, f"calm{n}", "calm", 64 + 4 * n) for n in range(4)]
    tracks += [add(store, f"inst{n}", "instrumental", 95 + 5 * n) for n in range(3)]
    tracks += [add(store, f"up{n}", "upbeat", 120 + 10 * n) for n in range(4)]
    return tracks


def base_queue(store, emotion):
    return build_queue(store, emotion, Settings(), rng=random.Random(3))


def test_match_is_the_mapping_queue_unchanged(store, library):
    base = base_queue(store, "sad")
    assert goal_queue(Goal.MATCH, "sad", library, base) is base


def test_lift_starts_at_the_mood_and_gets_brighter_song_by_song(store, library):
    base = base_queue(store, "sad")
    queue = goal_queue("lift", "sad", library, base)
    levels = [brightness(item.track) for item in queue]
    assert queue[0].track.path == base[0].track.path  # close to the mood: the mapping's first pick
    assert "calm" in queue[0].track.buckets
    assert levels[:STEPS] == sorted(levels[:STEPS])
    assert levels[STEPS - 1] > levels[0] + 0.3
    assert "upbeat" in queue[STEPS - 1].track.buckets
    assert queue[0].reason.startswith(f"lifting: 1 of {STEPS}, close to the mood")
    assert queue[1].reason.startswith(f"lifting: 2 of {STEPS} → brighter")
    assert queue[STEPS].reason.startswith("lifted: staying brighter")
    assert len({item.track.path for item in queue}) == len(queue)


def test_calm_eases_down_from_an_upbeat_start(store, library):
    base = base_queue(store, "happy")
    queue = goal_queue(Goal.CALM, "happy", library, base)
    levels = [brightness(item.track) for item in queue]
    assert "upbeat" in queue[0].track.buckets
    assert levels[:STEPS] == sorted(levels[:STEPS], reverse=True)
    assert "calm" in queue[STEPS - 1].track.buckets
    assert queue[2].reason.startswith(f"calming: 3 of {STEPS} → calmer")


def test_energy_counts_more_than_the_bucket(store, library):
    """A measured quiet upbeat track sits below a measured loud calm one."""
    quiet_up = dataclasses.replace(library[-1], energy=0.05)
    loud_calm = dataclasses.replace(library[0], energy=0.95)
    assert brightness(quiet_up) < brightness(loud_calm)
    others = [t for t in library if t.path not in (quiet_up.path, loud_calm.path)]
    queue = goal_queue("lift", "sad", [quiet_up, loud_calm, *others], base_queue(store, "sad"))
    reasons = {item.track.path: item.reason for item in queue}
    assert "energy 0.05" in reasons[quiet_up.path]
    assert "energy 0.95" in reasons[loud_calm.path]


def test_goal_not_for_this_mood_keeps_the_mapping_and_says_so(store, library):
    base = base_queue(store, "happy")
    queue = goal_queue("lift", "happy", library, base)
    assert [i.track.path for i in queue] == [i.track.path for i in base]
    assert queue.note == "lifting is for angry, fear or sad; happy is matched"
    assert all(i.reason.endswith("(lifting is for angry, fear or sad; happy is matched)") for i in queue)


def test_lift_with_nothing_brighter_falls_back_clearly(store):
    tracks = [add(store, f"calm{n}", "calm", 70) for n in range(3)]
    base = base_queue(store, "sad")
    queue = goal_queue("lift", "sad", tracks, base)
    assert [i.track.path for i in queue] == [i.track.path for i in base]
    assert queue.note.startswith("nothing brighter in the library than")
    assert queue.note.endswith("matching the mood")
    assert "nothing brighter" in queue[0].reason


def test_skips_under_a_goal_move_a_track_down_its_choice(store, library):
    base = base_queue(store, "sad")
    first = goal_queue("lift", "sad", library, base)
    second_pick = first[1].track.path
    weights: dict[str, float] = {}
    for _ in range(4):
        learn(weights, second_pick, "skipped")
    assert weights[second_pick] == -2.0  # clamped
    again = goal_queue("lift", "sad", library, base, weights=weights)
    assert again[1].track.path != second_pick
    assert learn(weights, second_pick, "completed") == -1.75


def test_unknown_goal_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown goal 'uplift': choose match, lift or calm"):
        Goal.parse("uplift")


def test_goal_setting_is_checked_on_load(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"goal": "lift", "diary_enabled": false}', encoding="utf-8")
    loaded = Settings.load(path)
    assert (loaded.goal, loaded.diary_enabled) == ("lift", False)
    path.write_text('{"goal": "uplift", "volume": 40}', encoding="utf-8")
    loaded = Settings.load(path)
    assert loaded.goal == "match" and loaded.volume == 40
    assert any(p.startswith("goal: 'uplift' is not one of match, lift, calm") for p in loaded.problems)


def test_the_policy_applies_the_goal_setting_and_its_learning(store, library, isolated_dirs):
    from moodplayer.moods.diary import Diary

    lifted = build_queue(store, "sad", Settings(goal="lift"), rng=random.Random(3))
    assert lifted[0].reason.startswith(f"lifting: 1 of {STEPS}")
    assert "upbeat" in lifted[STEPS - 1].track.buckets
    second = lifted[1].track.path
    diary = Diary()  # the app's diary.sqlite3 in the data dir
    for _ in range(4):
        diary.learn("lift", second, "skipped")
    diary.close()
    again = build_queue(store, "sad", Settings(goal="lift"), rng=random.Random(3))
    assert again[1].track.path != second
    matched = build_queue(store, "sad", Settings(goal="match"), rng=random.Random(3))
    assert all(not item.reason.startswith("lifting") for item in matched)
