"""The mood policy on a real SQLite store: emotion → buckets → ordered queue, with reasons."""

import os
import random
import time

import pytest

from moodplayer.config import Settings
from moodplayer.library.store import FileRecord
from moodplayer.library.tags import Tags
from moodplayer.moods import build_queue, learn
from moodplayer.moods.policy import ARTIST_GAP, RECENT_SECONDS
from moodplayer.playback.queue import Queue, QueueItem

GENRES = {"upbeat": "Dance", "calm": "Chillout", "rap": "Hip Hop", "devotional": "Bhajan",
          "instrumental": "Ambient"}


def add(store, name, buckets=(), artist=None, genre=None):
    """One track in `buckets`, with the reason the scanner would give for its genre."""
    genre = genre or (GENRES[buckets[0]] if buckets else "")
    path = os.fsencode(f"/music/{name}.ogg")
    tags = Tags(title=name, artist=artist or f"Artist {name}", genre=genre, duration=120.0)
    record = FileRecord(path, 1, 1, tags.values(), {b: f"genre '{genre}' → {b}" for b in buckets})
    store.save_files([record])
    return store.track_by_path(path.decode())


def full_library(store, per_bucket=4):
    return {bucket: [add(store, f"{bucket}{n}", [bucket]) for n in range(per_bucket)]
            for bucket in GENRES}


def queue_for(store, emotion, settings=None, **kwargs):
    return build_queue(store, emotion, settings or Settings(), rng=random.Random(7), **kwargs)


@pytest.mark.parametrize("emotion,bucket", [("happy", "upbeat"), ("sad", "calm"), ("fear", "devotional"),
                                            ("disgust", "instrumental")])
def test_each_emotion_plays_its_mapped_bucket(store, emotion, bucket):
    library = full_library(store)
    queue = queue_for(store, emotion)
    assert queue.note is None
    assert sorted(i.track.id for i in queue) == sorted(t.id for t in library[bucket])
    assert {i.bucket for i in queue} == {bucket}
    genre = GENRES[bucket]
    assert all(i.reason == f"{emotion} → {bucket}: genre '{genre}'" for i in queue)


def test_reason_reads_like_the_spec(store):
    add(store, "Om", ["devotional"], genre="Bhajan")
    assert queue_for(store, "fear")[0].reason == "fear → devotional: genre 'Bhajan'"


@pytest.mark.parametrize("choice,expected", [("upbeat", {"upbeat"}), ("rap", {"rap"}),
                                             ("both", {"upbeat", "rap"})])
def test_angry_follows_the_setting(store, choice, expected):
    full_library(store)
    queue = queue_for(store, "angry", Settings(angry_plays=choice))
    assert {i.bucket for i in queue} == expected
    assert len(queue) == 4 * len(expected)


def test_the_mapping_comes_from_the_settings(store):
    full_library(store)
    settings = Settings()
    settings.mapping["happy"] = ["calm"]
    assert {i.bucket for i in queue_for(store, "happy", settings)} == {"calm"}


def test_empty_bucket_falls_back_in_order_and_says_why(store):
    add(store, "pad", ["instrumental"])
    add(store, "lull", ["calm"])
    queue = queue_for(store, "fear")
    assert queue.note == "no devotional tracks; playing instrumental instead"
    assert [i.bucket for i in queue] == ["instrumental"]
    assert queue[0].reason == "fear → instrumental (no devotional tracks): genre 'Ambient'"

    store.set_missing([queue[0].track.id], True)
    queue = queue_for(store, "fear")
    assert queue.note == "no devotional tracks; playing calm instead"
    assert [i.bucket for i in queue] == ["calm"]


def test_nothing_along_the_fallbacks_plays_a_mix_and_says_so(store):
    add(store, "beat", ["rap"])
    queue = queue_for(store, "fear")
    assert queue.note == "no devotional, instrumental, calm tracks; playing a mix from the whole library"
    assert [i.bucket for i in queue] == ["rap"]


def test_empty_library_gives_an_empty_queue_with_a_note(store):
    queue = queue_for(store, "happy")
    assert len(queue) == 0
    assert queue.note == "the library has no playable tracks yet"


def test_no_repeats_even_when_a_track_is_in_two_buckets(store):
    both = add(store, "crossover", ["upbeat", "rap"])
    for n in range(3):
        add(store, f"rap{n}", ["rap"])
    queue = queue_for(store, "angry", Settings(angry_plays="both"))
    ids = [i.track.id for i in queue]
    assert len(ids) == len(set(ids)) == 4
    assert ids.count(both.id) == 1


def test_queue_is_cut_to_size(store):
    for n in range(30):
        add(store, f"up{n}", ["upbeat"])
    assert len(queue_for(store, "happy", size=20)) == 20


def test_artists_are_spread(store):
    for n in range(3):
        add(store, f"same{n}", ["upbeat"], artist="The Same Band")
    for n in range(4):
        add(store, f"other{n}", ["upbeat"])
    for seed in range(20):
        queue = build_queue(store, "happy", Settings(), rng=random.Random(seed))
        artists = [i.track.artist for i in queue]
        for n in range(len(artists) - 1):
            window = artists[n:n + ARTIST_GAP + 1]
            assert window.count("The Same Band") <= 1, (seed, artists)


def test_tracks_played_in_the_last_hour_go_last(store):
    tracks = [add(store, f"up{n}", ["upbeat"]) for n in range(5)]
    store.record_play(tracks[2].id, "played")
    store.record_play(tracks[4].id, "played")
    now = time.time()
    for seed in range(10):
        queue = build_queue(store, "happy", Settings(), now=now, rng=random.Random(seed))
        assert {i.track.id for i in queue[-2:]} == {tracks[2].id, tracks[4].id}
    later = build_queue(store, "happy", Settings(), now=now + RECENT_SECONDS + 1, rng=random.Random(0))
    assert len(later) == 5


def test_missing_and_unplayable_tracks_are_left_out(store):
    tracks = [add(store, f"calm{n}", ["calm"]) for n in range(3)]
    store.mark_unplayable(tracks[0].id, "VLC could not open or decode it")
    store.set_missing([tracks[1].id], True)
    assert [i.track.id for i in queue_for(store, "sad")] == [tracks[2].id]


def test_neutral_without_history_plays_a_mix_and_says_so(store):
    full_library(store)
    queue = queue_for(store, "neutral")
    assert "no favourites yet" in queue.note and "mix" in queue.note
    assert {i.bucket for i in queue[:5]} == set(GENRES)
    assert all(i.reason.startswith("neutral → mix (no favourites yet)") for i in queue)


def test_neutral_plays_starred_then_most_completed(store):
    library = full_library(store)
    starred = [library["calm"][1], library["rap"][2]]
    for track in starred:
        store.set_favourite(track.id, True)
    loved, liked, disliked = library["upbeat"][0], library["devotional"][3], library["instrumental"][0]
    for _ in range(3):
        store.record_play(loved.id, "completed")
    store.record_play(liked.id, "completed")
    for _ in range(2):
        store.record_play(disliked.id, "skipped")
    store.record_play(disliked.id, "completed")
    # Completions happened now; look from two hours on so "recent" does not reorder them.
    queue = queue_for(store, "neutral", now=time.time() + 2 * RECENT_SECONDS)
    assert queue.note is None
    assert {i.track.id for i in queue[:2]} == {t.id for t in starred}
    assert all(i.reason == "neutral → favourites: you starred it" for i in queue[:2])
    assert [i.track.id for i in queue[2:4]] == [loved.id, liked.id]
    assert queue[2].reason == "neutral → favourites: played through 3×, never skipped"
    assert disliked.id not in [i.track.id for i in queue[:4]]
    assert all("mix" in i.reason for i in queue[4:])


def test_surprise_plays_only_never_played_tracks(store):
    library = full_library(store, per_bucket=2)
    played = [library["upbeat"][0], library["calm"][1], library["rap"][0]]
    for track in played:
        store.record_play(track.id, "played")
    queue = queue_for(store, "surprise")
    assert len(queue) == 10 - len(played)
    assert not {i.track.id for i in queue} & {t.id for t in played}
    assert all(i.reason == "surprise → new: never played" for i in queue)
    assert queue.note is None


def test_surprise_with_everything_played_starts_with_the_least_recent(store):
    tracks = [add(store, f"t{n}", ["calm"]) for n in range(3)]
    for track in (tracks[1], tracks[0], tracks[2]):
        store.record_play(track.id, "played")
        time.sleep(0.01)
    queue = queue_for(store, "surprise")
    assert [i.track.id for i in queue] == [tracks[1].id, tracks[0].id, tracks[2].id]
    assert queue.note == "every track has been played; playing the least recently played first"


def test_learning_moves_weights_for_that_emotion_only(store):
    track = add(store, "song", ["calm"])
    learn(store, track.id, "sad", "completed")
    learn(store, track.id, "sad", "completed")
    assert store.emotion_weights("sad")[track.id] > 1.0
    assert track.id not in store.emotion_weights("happy")
    learn(store, track.id, "happy", "skipped")
    assert store.emotion_weights("happy")[track.id] < 1.0
    assert learn(store, track.id, "sad", "played") is None


def test_learned_weights_change_the_order(store):
    taught, shunned = add(store, "taught", ["upbeat"]), add(store, "shunned", ["upbeat"])

    def firsts():
        return sum(build_queue(store, "happy", Settings(), rng=random.Random(seed))[0].track.id == taught.id
                   for seed in range(200))

    before = firsts()
    assert 60 < before < 140  # an even shuffle
    for _ in range(8):
        learn(store, taught.id, "happy", "completed")
        learn(store, shunned.id, "happy", "skipped")
    assert firsts() > 180


def test_only_tracks_under_the_folder_when_given(store):
    inside = add(store, "here", ["calm"])
    other = os.fsencode("/elsewhere/there.ogg")
    store.save_files([FileRecord(other, 1, 1, Tags(title="there").values(), {"calm": "genre 'x' → calm"})])
    assert len(queue_for(store, "sad")) == 2
    assert [i.track.id for i in queue_for(store, "sad", folder="/music")] == [inside.id]


def test_queue_state_round_trip_leaves_out_vanished_tracks(store):
    tracks = [add(store, f"calm{n}", ["calm"]) for n in range(4)]
    queue = Queue("sad", [QueueItem(t, "calm", f"why {t.title}") for t in tracks], "a note")
    state = queue.to_state()
    again, index = Queue.from_state(state, store, 2)
    assert [i.track.id for i in again] == [t.id for t in tracks] and index == 2
    assert again.note == "a note" and again[1].reason == "why calm1"
    store.set_missing([tracks[0].id, tracks[2].id], True)
    again, index = Queue.from_state(state, store, 2)
    assert [i.track.id for i in again] == [tracks[1].id, tracks[3].id]
    assert again[index].track.id == tracks[3].id  # the saved track is gone: the next one


def test_angry_has_one_source_the_angry_setting():
    from moodplayer.moods.policy import targets_for

    mapping = {**Settings().mapping, "angry": ["upbeat"]}  # a stale copy in the mapping is not read
    assert targets_for("angry", Settings(angry_plays="rap", mapping=mapping)) == ["rap"]
    assert targets_for("angry", Settings(angry_plays="nonsense")) == ["upbeat", "rap"]
