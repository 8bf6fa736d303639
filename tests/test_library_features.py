"""Audio features for untagged files: measured on the demo library's own audio, cached."""

from __future__ import annotations

import os
import shutil

import pytest
from mutagen.oggvorbis import OggVorbis

from moodplayer.config import DEMO_LIBRARY
from moodplayer.library.features import analyse, analyse_library, bucket_for
from moodplayer.library.scanner import scan
from moodplayer.library.store import Store

DEMO = {"upbeat": "01 - Sunrise Run.ogg", "calm": "04 - Slow Rain.ogg", "rap": "07 - Concrete Verse.ogg",
        "piano": "13 - Piano Reverie.ogg"}


def untagged(folder, name: str):
    """A demo track with every tag removed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name.split(" - ")[1]
    shutil.copyfile(DEMO_LIBRARY / name, path)
    OggVorbis(path).delete()
    return path


def test_features_of_a_drum_track_a_pad_track_and_a_rap_beat():
    upbeat = analyse(str(DEMO_LIBRARY / DEMO["upbeat"]))
    calm = analyse(str(DEMO_LIBRARY / DEMO["calm"]))
    rap = analyse(str(DEMO_LIBRARY / DEMO["rap"]))
    assert upbeat.tempo == pytest.approx(125, abs=3) and upbeat.clarity > 0.5
    assert rap.tempo == pytest.approx(90, abs=3)
    assert calm.clarity < 0.2 and calm.punch < upbeat.punch / 4 and calm.mode == "minor"
    assert bucket_for(upbeat) == ("upbeat", f"measured tempo {upbeat.tempo:.0f} BPM, strong beat → upbeat")
    assert bucket_for(calm) == ("calm", "no steady beat, no drums (measured) → calm")
    assert bucket_for(rap) is None  # a strong beat at 90 BPM: neither upbeat nor calm


def test_untagged_tracks_get_buckets_from_their_audio_once(tmp_path, data_dir):
    music = tmp_path / "music"
    paths = {kind: untagged(music, name) for kind, name in DEMO.items()}
    shutil.copyfile(data_dir / "audio" / "tone.m4a", music / "tone.m4a")  # libsndfile reads no M4A
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, music)
        assert all(track.buckets == {} for track in store.tracks())

        first = analyse_library(store, music)
        assert (first.analysed, first.failed, first.assigned, first.cached) == (4, 1, 3, 0)
        buckets = {kind: store.track_by_path(path).buckets for kind, path in paths.items()}
        assert list(buckets["upbeat"]) == ["upbeat"] and "measured tempo" in buckets["upbeat"]["upbeat"]
        assert list(buckets["calm"]) == ["calm"] and list(buckets["piano"]) == ["calm"]
        assert buckets["rap"] == {}

        second = analyse_library(store, music)  # the rap beat and the M4A again, from the cache
        assert (second.analysed, second.cached, second.assigned) == (0, 2, 0)

        stat = os.stat(paths["upbeat"])
        os.utime(paths["upbeat"], ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        scan(store, music)
        third = analyse_library(store, music)
        assert (third.analysed, third.cached, third.assigned) == (1, 2, 1)
        assert list(store.track_by_path(paths["upbeat"]).buckets) == ["upbeat"]


def test_a_tagged_bucket_is_never_measured_and_overrides_still_win(tmp_path):
    music = tmp_path / "music"
    path = untagged(music, DEMO["calm"])
    shutil.copyfile(DEMO_LIBRARY / DEMO["upbeat"], music / "tagged.ogg")
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, music)
        track = store.track_by_path(path)
        store.move_to_bucket(track.id, "rap")
        result = analyse_library(store, music)
        assert (result.analysed, result.assigned) == (1, 1)
        assert store.track(track.id).buckets == {"rap": "you moved it here"}
