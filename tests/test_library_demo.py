"""The committed demo library, its generator, and the scan benchmark."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys

import pytest
import soundfile as sf
from mutagen.oggvorbis import OggVorbis

from moodplayer.config import DEMO_LIBRARY, PROJECT_ROOT
from moodplayer.library.bench import scan_benchmark
from moodplayer.library.buckets import BUCKETS
from moodplayer.library.scanner import scan
from moodplayer.library.store import Store


def _generator():
    spec = importlib.util.spec_from_file_location("make_demo_library",
                                                  PROJECT_ROOT / "packaging" / "make_demo_library.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_demo_library_fills_every_bucket(tmp_path):
    with Store(tmp_path / "demo.sqlite3") as store:
        result = scan(store, DEMO_LIBRARY)
        tracks = store.tracks()
    assert (result.tracks, result.errors) == (14, [])
    assert all(result.buckets[bucket] >= 2 for bucket in BUCKETS), result.buckets
    assert {track.artist for track in tracks} == {"MoodPlayer Demo"}
    assert all(20 <= track.duration <= 40 and track.bpm and track.genre for track in tracks)
    assert sum(path.stat().st_size for path in DEMO_LIBRARY.iterdir()) < 5_000_000
    for notice in ("LICENSE", "README.md"):
        assert "CC0" in (DEMO_LIBRARY / notice).read_text()


def test_generator_is_deterministic_and_tags_what_it_makes(tmp_path):
    make = _generator()
    short = dataclasses.replace(make.TRACKS[10], seconds=4)  # the bhajan, cut short to keep this fast
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = make.render(11, short, tmp_path / "a")
    second = make.render(11, short, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    tags = OggVorbis(first)
    assert (tags["genre"], tags["artist"], tags["bpm"]) == (["Bhajan"], ["MoodPlayer Demo"], ["76"])
    assert "CC0" in tags["license"][0]
    audio, rate = sf.read(first)
    assert rate == 22050 and audio.ndim == 1 and 0.3 < abs(audio).max() <= 1.0


def test_scan_benchmark_reports_its_numbers(tmp_path):
    workdir = tmp_path / "bench"
    workdir.mkdir()
    numbers = scan_benchmark(n_files=60, workdir=workdir, rescan_files=150)
    assert numbers["files"] == 60 and numbers["cold_errors"] == 0
    assert numbers["bare_mutagen_s"] > 0 and numbers["cold_scan_s"] > 0 and numbers["files_per_s"] > 0
    ratio = numbers["cold_scan_s"] / numbers["bare_mutagen_s"]
    assert numbers["cold_over_bare"] == pytest.approx(ratio, rel=0.02)
    assert (numbers["rescan_files"], numbers["rescan_read"]) == (150, 0)
    assert 0 < numbers["cold_scan_peak_mb"] < 50 and 0 < numbers["big_scan_peak_mb"] < 50
    assert list(workdir.iterdir()) == []  # its files are cleaned up


def test_a_library_60_percent_tagged_40_untagged_gives_every_mood_a_queue_with_reasons(tmp_path):
    import shutil

    from moodplayer.config import Settings
    from moodplayer.emotions import Emotion
    from moodplayer.library.features import analyse_library
    from moodplayer.moods.policy import build_queue

    music = tmp_path / "music"
    music.mkdir()
    for path in sorted(DEMO_LIBRARY.glob("*.ogg")):
        shutil.copyfile(path, music / path.name)
    shutil.copyfile(DEMO_LIBRARY / "07 - Concrete Verse.ogg", music / "15 - Concrete Verse again.ogg")
    untagged = ["02 - Neon Steps.ogg", "05 - Evening Fog.ogg", "09 - Midnight Bars.ogg",
                "11 - Evening Aarti.ogg", "14 - Quiet Keys.ogg", "15 - Concrete Verse again.ogg"]
    for name in untagged:
        OggVorbis(music / name).delete()
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, music)
        assert len(store.tracks()) == 15 and sum(not t.buckets for t in store.tracks()) == len(untagged)
        analyse_library(store, music)
        for name in untagged:
            track = store.track_by_path(music / name)
            assert track.music is True and {"upbeat", "calm"} & set(track.buckets), (name, track.buckets)
            reasons = track.buckets.values()
            assert all(r.startswith(("measured", "sounds like")) for r in reasons), track.buckets
        counts = store.bucket_counts_under(music)
        assert all(counts.get(bucket, 0) >= 1 for bucket in BUCKETS), counts
        for emotion in Emotion:
            queue = build_queue(store, emotion, Settings(), folder=music)
            assert queue.items, (emotion, queue.note)
            assert all(item.reason and item.reason.startswith(emotion.label) for item in queue.items), emotion
