"""MoodSession without Qt: the app's use cases on the real Store (SQLite in tmp_path) and the
demo library, with the real libVLC Player (--aout=adummy) and with the NullPlayer."""

from __future__ import annotations

import logging
import shutil
import threading
import time

import pytest

from moodplayer.config import DEMO_LIBRARY, Settings
from moodplayer.emotions import Emotion
from moodplayer.library.scanner import scan
from moodplayer.library.store import Store
from moodplayer.moods.dj import QUEUE_JOB
from moodplayer.moods.runner import Inline
from moodplayer.moods.session import CAMERA_JOB, MoodSession
from moodplayer.playback import PAUSED, PLAYING, STOPPED, NullPlayer, Player

pytestmark = pytest.mark.skipif(not DEMO_LIBRARY.is_dir(), reason="needs the bundled demo library")


class RecordingRunner(Inline):
    """Runs inline and notes each job's key and thread, as the window's runner would see them."""

    def __init__(self):
        self.jobs: list[tuple[str | None, str]] = []
        self.dropped: list[str] = []

    def run(self, work, on_done=None, on_error=None, key=None):
        self.jobs.append((key, threading.current_thread().name))
        super().run(work, on_done, on_error, key)

    def drop(self, key):
        self.dropped.append(key)


@pytest.fixture(params=["vlc", "null"])
def player(request):
    made = Player() if request.param == "vlc" else NullPlayer("no libVLC in this test")
    yield made
    made.close()


@pytest.fixture
def session(store, player):
    scan(store, DEMO_LIBRARY)
    made = MoodSession(store, Settings(music_dir=str(DEMO_LIBRARY)), player, runner=RecordingRunner())
    made.events = []
    made.add_listener(lambda kind, payload: made.events.append((kind, payload)))
    return made


def buckets_up_next(session) -> set[str]:
    items, _caption = session.up_next()
    return {item.bucket for item in items}


def test_override_builds_through_the_runner_and_back_to_auto(session):
    session.start_if_idle()
    assert session.player.queue.emotion == Emotion.NEUTRAL
    expected = PLAYING if session.available else STOPPED
    assert session.state == expected
    session.set_override(Emotion.FEAR)
    assert session.override == Emotion.FEAR and session.mood.mode == "manual"
    assert buckets_up_next(session) == {"devotional"}
    assert (QUEUE_JOB, threading.current_thread().name) in session.runner.jobs
    moods = [payload for kind, payload in session.events if kind == "mood"]
    assert moods[-1].override == Emotion.FEAR and moods[-1].target == Emotion.FEAR
    session.set_override(None)
    assert session.mood.mode == "auto" and session.mood.target == Emotion.NEUTRAL
    items, _caption = session.up_next()
    assert items and not any(item.reason.startswith("fear") for item in items)


def test_auto_follows_the_camera_and_no_face_changes_nothing(session):
    session.start_if_idle()
    session.on_camera_mood(Emotion.HAPPY)
    assert session.mood.camera == Emotion.HAPPY and session.mood.confirmed == Emotion.HAPPY
    assert buckets_up_next(session) == {"upbeat"}
    assert any(key == CAMERA_JOB for key, _thread in session.runner.jobs)
    if session.available:  # the neutral track finishes first, then happy's queue starts
        assert session.mood.pending == Emotion.HAPPY and session.mood.playing == Emotion.NEUTRAL
    else:
        assert session.player.queue.emotion == Emotion.HAPPY
    queue = session.player.next_queue or session.player.queue
    session.on_camera_mood(None)
    assert session.mood.camera is None and session.mood.confirmed == Emotion.HAPPY
    assert (session.player.next_queue or session.player.queue) is queue


def test_star_leads_the_neutral_queue(session, store):
    calm = next(t for t in store.tracks() if "calm" in t.buckets)
    session.set_favourite([calm], True)
    assert store.track(calm.id).favourite
    assert ("library", None) in session.events
    session.start_if_idle()
    queue = session.player.queue
    assert queue[0].track.id == calm.id and queue[0].reason == "neutral → favourites: you starred it"


def test_move_to_a_bucket_puts_the_track_in_that_mood(session, store):
    rap = next(t for t in store.tracks() if "rap" in t.buckets)
    session.move_to_bucket([rap], "devotional")
    assert "devotional" in store.track(rap.id).buckets
    assert ("message", ("info", "Moved 1 track(s) to devotional.")) in session.events
    session.set_override(Emotion.FEAR)
    assert rap.id in {item.track.id for item in session.player.queue}


def test_not_for_this_mood_takes_the_track_out_and_skips(session, store):
    session.set_override(Emotion.SAD)
    item = session.current
    if not session.available:
        assert item is None  # nothing plays, so there is nothing to reject
        session.not_for_this_mood()
        assert session.player.queue.emotion == Emotion.SAD
        return
    assert item.bucket == "calm"
    session.not_for_this_mood()
    assert "calm" not in store.track(item.track.id).buckets
    assert session.current.track.id != item.track.id
    assert any(kind == "message" and "is out of calm" in payload[1] for kind, payload in session.events)
    session.set_override(Emotion.HAPPY)
    session.set_override(Emotion.SAD)
    assert item.track.id not in {i.track.id for i in session.dj.make_queue(Emotion.SAD)}


def test_restore_comes_back_paused_with_the_queue_and_override(session, store, tmp_path):
    session.set_override(Emotion.DISGUST)
    session.next()
    saved_ids = [item.track.id for item in session.player.queue]
    index = session.player.index
    state = tmp_path / "state.json"
    session.save_state(state)
    session.close()

    player = Player() if session.available else NullPlayer("again")
    try:
        again = MoodSession(store, Settings(music_dir=str(DEMO_LIBRARY)), player)
        assert again.restore_state(state)
        assert again.override == Emotion.DISGUST
        assert [item.track.id for item in again.player.queue] == saved_ids
        assert again.player.index == index
        assert again.state == (PAUSED if again.available else STOPPED)
    finally:
        player.close()


def test_play_files_plays_library_tracks_and_loose_files(session, store, tmp_path):
    loose = tmp_path / "elsewhere.ogg"
    shutil.copy(DEMO_LIBRARY / "13 - Piano Reverie.ogg", loose)
    known = str(DEMO_LIBRARY / "01 - Sunrise Run.ogg")
    session.play_files([known, str(loose), str(tmp_path / "gone.ogg")])
    queue = session.player.queue
    assert [item.track.path for item in queue][:2] == [known, str(loose)]
    assert queue[0].track.id == store.track_by_path(known).id and queue[1].track.id < 0
    assert any(kind == "message" and payload[0] == "warning" for kind, payload in session.events)
    if session.available:
        deadline = time.monotonic() + 3
        while session.state != PLAYING and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session.current.track.path == known


def wait_until_playing(session, seconds: float = 3) -> None:
    deadline = time.monotonic() + seconds
    while session.state != PLAYING and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def music(store, tmp_path):
    """A music folder of one scanned track."""
    folder = tmp_path / "music"
    folder.mkdir()
    shutil.copy(DEMO_LIBRARY / "01 - Sunrise Run.ogg", folder / "known.ogg")
    scan(store, folder)
    return folder


def test_a_new_file_in_the_music_folder_is_scanned_into_the_library_and_plays(store, player, music, caplog):
    (music / "new").mkdir()
    new = music / "new" / "rain.ogg"
    shutil.copy(DEMO_LIBRARY / "04 - Slow Rain.ogg", new)
    shutil.copy(DEMO_LIBRARY / "04 - Slow Rain.ogg", music / ".hidden.ogg")
    session = MoodSession(store, Settings(music_dir=str(music)), player, runner=RecordingRunner())
    asked = []
    session.add_listener(lambda kind, payload: asked.append(kind))
    session.play_files([str(new), str(new), str(music / ".hidden.ogg")])
    stored = store.track_by_path(new)
    assert stored is not None and stored.id > 0 and stored.id in {t.id for t in store.tracks()}
    assert stored.title == "Slow Rain" and stored.buckets  # read as a scan reads it, buckets and all
    assert store.track_by_path(music / ".hidden.ogg") is None  # the folder's scan skips it, so does this
    assert len(store.tracks()) == 2
    assert "library" in asked and "rescan" not in asked
    assert [key for key, _thread in session.runner.jobs][:1] == [None]  # through the runner
    assert session.player.queue[0].track.id == stored.id
    if session.available:
        wait_until_playing(session)
        assert session.current.track.id == stored.id
        assert ("played", "neutral") in [(e, emo) for e, emo, _at in store.play_events(stored.id)]
    asked.clear()
    session.play_files([str(music / "known.ogg"), str(DEMO_LIBRARY / "13 - Piano Reverie.ogg")])
    assert "library" not in asked  # the library had the one, the other is not in the music folder
    assert len(store.tracks()) == 2


def test_a_file_outside_the_music_folder_plays_with_no_library_row(store, player, music, tmp_path, caplog):
    outside = tmp_path / "elsewhere" / "piano.ogg"
    outside.parent.mkdir()
    shutil.copy(DEMO_LIBRARY / "13 - Piano Reverie.ogg", outside)
    session = MoodSession(store, Settings(music_dir=str(music)), player)
    with caplog.at_level(logging.INFO):
        session.play_files([str(outside)])
        item = session.player.queue[0]
        assert item.track.path == str(outside) and item.track.id < 0
        assert store.track_by_path(outside) is None and len(store.tracks()) == 1
        if session.available:
            wait_until_playing(session)
            assert session.current.track.path == str(outside)
            session.next()  # the loose track ends: no play history to write either
    assert "left the library" not in caplog.text


def test_opened_files_play_when_the_library_cannot_be_written(tmp_path):
    from tests.test_store_recovery import read_only

    folder, music = tmp_path / "db", tmp_path / "music"
    music.mkdir()
    shutil.copy(DEMO_LIBRARY / "04 - Slow Rain.ogg", music / "new.ogg")
    with Store(folder / "library.sqlite3"):
        pass
    with read_only(folder), Store(folder / "library.sqlite3") as store:
        session = MoodSession(store, Settings(music_dir=str(music)), NullPlayer("no libVLC in this test"))
        said = []
        session.add_listener(lambda kind, payload: said.append((kind, payload)))
        session.play_files([str(music / "new.ogg")])
        assert [i.track.path for i in session.player.queue] == [str(music / "new.ogg")]
        assert session.player.queue[0].track.id < 0
        assert any(kind == "message" and payload[0] == "warning" and "library" in payload[1]
                   for kind, payload in said)
