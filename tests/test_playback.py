"""The Player and the auto-play controller on the real libVLC, headless (MOODPLAYER_VLC_ARGS from
conftest: --intf=dummy --aout=adummy), playing short WAV files written here and scanned into a real
SQLite store.

With the dummy audio output libVLC plays in real time but lets the last second of a file go at
once, so a 1 s file ends almost at once and a 3 s file after about 2 s.
"""

import sys
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from moodplayer.config import Settings
from moodplayer.emotions import Emotion
from moodplayer.library.scanner import scan
from moodplayer.moods import build_queue
from moodplayer.moods.dj import FADE_SECONDS, MoodDJ
from moodplayer.playback import PAUSED, PLAYING, STOPPED, PlaybackUnavailable, Player
from moodplayer.playback.engine import load_vlc, new_instance
from moodplayer.playback.queue import Queue, QueueItem

RATE = 8000


def write_track(folder, name, seconds, genre, artist=None):
    path = folder / f"{name}.wav"
    tone = 0.1 * np.sin(2 * np.pi * 440 * np.arange(int(RATE * seconds)) / RATE)
    with sf.SoundFile(path, "w", samplerate=RATE, channels=1, format="WAV", subtype="PCM_16") as out:
        out.title, out.artist, out.genre = name, artist or f"Artist {name}", genre
        out.write(tone)
    return path


@pytest.fixture
def music(tmp_path):
    folder = tmp_path / "music"
    folder.mkdir()
    return folder


@pytest.fixture
def player():
    made = Player()
    yield made
    made.close()


class Recorder:
    """Collects what the Player tells its listeners."""

    def __init__(self, player):
        self.events = []
        player.add_listener(lambda kind, payload: self.events.append((kind, payload)))

    def of(self, kind):
        return [payload for k, payload in self.events if k == kind]

    def started(self):
        return [item.track.title for item in self.of("track_started")]


def run_until(player, condition, timeout=6.0, dj=None):
    """The owner's loop: hand VLC's events to the player (and tick the DJ) until `condition`."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        player.pump_events(0.02)
        if dj is not None:
            dj.tick()


def scanned(store, music):
    scan(store, music)
    return {t.title: t for t in store.tracks()}


def queue_of(tracks, emotion="happy"):
    return Queue(emotion, [QueueItem(t, "upbeat", f"test: {t.title}") for t in tracks])


# --- Player ------------------------------------------------------------------------------------------

def test_end_of_track_advances_through_the_queue(player, store, music):
    for name in ("one", "two", "three"):
        write_track(music, name, 1.0, "Dance")
    tracks = scanned(store, music)
    seen = Recorder(player)
    player.load(queue_of([tracks["one"], tracks["two"], tracks["three"]]))
    run_until(player, lambda: seen.of("queue_ended"))
    assert seen.started() == ["one", "two", "three"]
    assert [(e["item"].track.title, e["why"]) for e in seen.of("track_ended")] == [
        ("one", "completed"), ("two", "completed"), ("three", "completed")]
    assert player.state == STOPPED


def test_vlc_callbacks_only_forward_and_the_owner_advances(store, music):
    for name in ("first", "second"):
        write_track(music, name, 1.0, "Dance")
    tracks = scanned(store, music)
    arrived, threads = threading.Event(), []
    forwarded = []

    def on_vlc_event(kind, payload):
        threads.append(threading.get_ident())
        forwarded.append((kind, payload))
        arrived.set()

    player = Player(on_vlc_event=on_vlc_event)
    try:
        player.load(queue_of([tracks["first"], tracks["second"]]))
        assert arrived.wait(5.0)
        time.sleep(0.2)
        assert threading.get_ident() not in threads  # they came on VLC's thread
        assert forwarded[0][0] == "end_reached"
        assert player.current.track.title == "first"  # nothing moved until the owner says so
        player.handle_vlc_event(*forwarded[0])
        assert player.current.track.title == "second"
        player.handle_vlc_event(*forwarded[0])  # a stale event changes nothing
        assert player.current.track.title == "second"
    finally:
        player.close()


def test_a_deleted_file_is_skipped_and_reported_once(player, store, music):
    for name in ("kept", "deleted", "after"):
        write_track(music, name, 1.0, "Dance")
    tracks = scanned(store, music)
    (music / "deleted.wav").unlink()
    seen = Recorder(player)
    queue = queue_of([tracks["kept"], tracks["deleted"], tracks["after"], tracks["deleted"]])
    player.load(queue)
    run_until(player, lambda: seen.of("queue_ended"))
    assert seen.started() == ["kept", "after"]
    reports = seen.of("unplayable")
    assert len(reports) == 1
    assert reports[0]["item"].track.title == "deleted"
    assert reports[0]["reason"].startswith("file not found")


def test_a_corrupt_file_is_skipped_not_stalled_on(player, store, music):
    write_track(music, "broken", 4.0, "Dance")
    write_track(music, "fine", 1.0, "Dance")
    tracks = scanned(store, music)
    (music / "broken.wav").write_bytes(np.random.default_rng(1).bytes(30000))
    seen = Recorder(player)
    player.load(queue_of([tracks["broken"], tracks["fine"]]))
    run_until(player, lambda: seen.of("queue_ended"))
    assert seen.started() == ["broken", "fine"]
    assert [r["item"].track.title for r in seen.of("unplayable")] == ["broken"]
    assert [e["why"] for e in seen.of("track_ended")] == ["failed", "completed"]


def test_pause_seek_resume_and_duration_from_the_tags(player, store, music):
    write_track(music, "long", 6.0, "Dance")
    track = scanned(store, music)["long"]
    player.load(queue_of([track]))
    assert player.duration == pytest.approx(6.0, abs=0.01)  # before libVLC parsed anything
    run_until(player, lambda: player.position > 0.2)
    player.pause()
    assert player.state == PAUSED
    held = player.position
    time.sleep(0.3)
    assert player.position == pytest.approx(held, abs=0.05)
    player.seek(3.0)
    run_until(player, lambda: abs(player.position - 3.0) < 0.1)
    player.resume()
    run_until(player, lambda: player.position > 3.2)
    assert player.state == PLAYING


def test_next_previous_and_volume(player, store, music):
    for name in ("a", "b"):
        write_track(music, name, 6.0, "Dance")
    tracks = scanned(store, music)
    seen = Recorder(player)
    player.load(queue_of([tracks["a"], tracks["b"]]))
    player.next()
    assert player.current.track.title == "b"
    player.previous()
    assert player.current.track.title == "a"
    assert [e["why"] for e in seen.of("track_ended")] == ["skipped", "previous"]
    player.set_volume(140)
    assert player.volume == 100
    player.set_muted(True)
    assert player.muted and player.snapshot()["muted"] and player.snapshot()["volume"] == 100


# --- resume ---------------------------------------------------------------------------------------------

def test_resume_restores_track_position_volume_and_override(player, store, music, tmp_path):
    for name in ("first", "second"):
        write_track(music, name, 6.0, "Dance")
    tracks = scanned(store, music)
    dj = MoodDJ(player, store, Settings())
    dj.set_override("happy")
    player.load(queue_of([tracks["first"], tracks["second"]]))
    player.next()
    player.set_volume(35)
    run_until(player, lambda: player.position > 1.0)
    player.pause()
    saved_at = player.position
    state = tmp_path / "state.json"
    dj.save_state(state)

    later = Player()
    try:
        again = MoodDJ(later, store, Settings())
        assert again.restore_state(state)
        assert later.state == PAUSED
        assert later.current.track.title == "second"
        assert later.position == pytest.approx(saved_at, abs=0.01)
        assert later.volume == 35
        assert again.override == Emotion.HAPPY and again.mode == "override"
        assert [i.reason for i in later.queue] == ["test: first", "test: second"]
        later.resume()
        run_until(later, lambda: later.position != saved_at)  # VLC's clock has moved
        assert saved_at < later.position < saved_at + 1.0  # on from there, not from the start
    finally:
        later.close()


def test_resume_without_or_with_a_broken_state_file_starts_fresh(player, store, tmp_path):
    dj = MoodDJ(player, store, Settings())
    assert not dj.restore_state(tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert not dj.restore_state(broken)
    assert player.queue is None


# --- auto-play ------------------------------------------------------------------------------------------

def mood_library(music, store, seconds=3.0):
    for n in range(2):
        write_track(music, f"up{n}", seconds, "Dance")
        write_track(music, f"calm{n}", seconds, "Chillout")
    return scanned(store, music)


def test_a_queue_built_elsewhere_is_used_when_it_is_for_that_mood(player, store, music):
    mood_library(music, store)
    dj = MoodDJ(player, store, Settings(switch_mode="after_track"))
    assert dj.wants_queue("happy")
    ahead = dj.make_queue("happy")
    assert dj.last_queue is None and player.queue is None  # making one touches nothing
    dj.on_mood("happy", ahead)
    assert player.queue is ahead and dj.last_queue is ahead
    assert not dj.wants_queue("happy")
    dj.on_mood("sad", dj.make_queue("angry"))  # built for another mood: not used
    assert dj.pending_emotion == Emotion.SAD and player.next_queue.emotion == Emotion.SAD
    assert not dj.wants_queue("sad")
    dj.set_override("happy")
    assert not dj.wants_queue("fear")  # the user's pick holds: camera moods build nothing


def test_mood_change_waits_for_the_track_to_end(player, store, music):
    mood_library(music, store)
    dj = MoodDJ(player, store, Settings(switch_mode="after_track"))
    seen = Recorder(player)
    dj.on_mood("happy")
    assert dj.playing_emotion == Emotion.HAPPY
    first = player.current.track
    dj.on_mood("sad")
    assert dj.pending_emotion == Emotion.SAD and dj.playing_emotion == Emotion.HAPPY
    assert player.current.track == first
    run_until(player, lambda: len(seen.of("track_started")) == 2)
    assert seen.of("track_ended")[0]["why"] == "completed"
    assert seen.of("track_ended")[0]["item"].track == first
    assert player.current.bucket == "calm" and dj.playing_emotion == Emotion.SAD


def test_a_change_back_before_the_switch_cancels_it(player, store, music):
    mood_library(music, store, seconds=1.0)
    dj = MoodDJ(player, store, Settings(switch_mode="after_track"))
    seen = Recorder(player)
    dj.on_mood("happy")
    dj.on_mood("sad")
    dj.on_mood("happy")
    assert dj.pending_emotion is None
    run_until(player, lambda: len(seen.of("track_started")) == 2)
    assert [i.bucket for i in seen.of("track_started")] == ["upbeat", "upbeat"]


def test_switch_now_fades_out_then_switches(player, store, music):
    mood_library(music, store, seconds=6.0)
    clock = [100.0]
    dj = MoodDJ(player, store, Settings(switch_mode="now"), clock=lambda: clock[0])
    seen = Recorder(player)
    dj.on_mood("happy")
    dj.on_mood("sad")
    clock[0] += FADE_SECONDS / 2
    dj.tick()
    assert player.gain == pytest.approx(0.5)
    assert player.current.bucket == "upbeat" and dj.pending_emotion == Emotion.SAD
    clock[0] += FADE_SECONDS / 2
    dj.tick()
    assert player.current.bucket == "calm" and player.state == PLAYING
    assert player.gain == 1.0
    assert seen.of("track_ended")[0]["why"] == "replaced"


def test_a_track_ending_during_the_fade_switches_right_then(player, store, music):
    mood_library(music, store, seconds=1.0)
    dj = MoodDJ(player, store, Settings(switch_mode="now"), clock=lambda: 100.0)
    seen = Recorder(player)
    dj.on_mood("happy")
    dj.on_mood("sad")
    dj.tick(100.0 + FADE_SECONDS / 2)
    run_until(player, lambda: len(seen.of("track_started")) == 2)
    assert [i.bucket for i in seen.of("track_started")] == ["upbeat", "calm"]
    assert player.gain == 1.0 and dj.pending_emotion is None
    dj.tick(100.0 + FADE_SECONDS)  # the fade is over: nothing replaces the calm queue now
    assert len(seen.of("track_started")) == 2


def test_the_same_mood_again_does_nothing(player, store, music):
    mood_library(music, store, seconds=6.0)
    dj = MoodDJ(player, store, Settings(switch_mode="now"))
    dj.on_mood("happy")
    queue, track = player.queue, player.current.track
    dj.on_mood("happy")
    dj.tick(time.monotonic() + 5)
    assert player.queue is queue and player.current.track == track


def test_override_stops_following_until_auto(player, store, music):
    mood_library(music, store, seconds=6.0)
    dj = MoodDJ(player, store, Settings(switch_mode="now"))
    dj.on_mood("happy")
    dj.set_override("sad")
    dj.tick(time.monotonic() + FADE_SECONDS + 0.1)
    assert dj.playing_emotion == Emotion.SAD and dj.mode == "override"
    dj.on_mood("neutral")
    assert dj.pending_emotion is None and dj.playing_emotion == Emotion.SAD
    dj.set_override(None)
    assert dj.mode == "auto" and dj.pending_emotion == Emotion.NEUTRAL


def test_plays_are_recorded_and_taught(player, store, music):
    tracks = mood_library(music, store, seconds=1.0)
    dj = MoodDJ(player, store, Settings())
    seen = Recorder(player)
    dj.on_mood("sad")
    run_until(player, lambda: seen.of("track_ended"))
    done = seen.of("track_ended")[0]["item"].track
    player.next()
    skipped = seen.of("track_ended")[1]["item"].track
    assert skipped != done and {done.title, skipped.title} == {"calm0", "calm1"}
    # The refilled queue may have started one of them again by now: look at the first two events.
    assert [e[:2] for e in store.play_events(done.id)][:2] == [("played", "sad"), ("completed", "sad")]
    assert [e[:2] for e in store.play_events(skipped.id)][:2] == [("played", "sad"), ("skipped", "sad")]
    weights = store.emotion_weights("sad")
    assert weights[done.id] > 1.0 > weights[skipped.id]
    assert tracks["up0"].id not in weights


def test_unplayable_tracks_are_marked_in_the_store(player, store, music):
    tracks = mood_library(music, store, seconds=1.0)
    (music / "calm0.wav").unlink()
    dj = MoodDJ(player, store, Settings())
    dj.on_mood("sad")
    run_until(player, lambda: dj.unplayable)
    assert store.track(tracks["calm0"].id).unplayable.startswith("file not found")
    assert "calm0" not in [i.track.title for i in build_queue(store, "sad", Settings())]


def test_the_queue_refills_for_the_same_mood(player, store, music):
    mood_library(music, store, seconds=1.0)
    dj = MoodDJ(player, store, Settings(), queue_size=1)
    seen = Recorder(player)
    dj.on_mood("sad")
    run_until(player, lambda: len(seen.of("track_started")) >= 3)
    assert {i.bucket for i in seen.of("track_started")} == {"calm"}
    assert len(seen.of("queue_ended")) >= 2


# --- no libVLC --------------------------------------------------------------------------------------------

def test_libvlc_refusing_to_start_is_a_clear_error():
    with pytest.raises(PlaybackUnavailable, match="libvlc5 vlc-plugin-base libvlc-bin"):
        new_instance(["--no-such-vlc-option"])


def test_python_vlc_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "vlc", None)
    with pytest.raises(PlaybackUnavailable, match="install VLC"):
        load_vlc()


def test_the_dj_plays_only_from_the_chosen_music_folder(player, store, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        folder.mkdir()
        for i in range(3):
            write_track(folder, f"{folder.name} {i}", 3.0, "Dance")
        scan(store, folder)
    dj = MoodDJ(player, store, Settings(music_dir=str(new)))
    dj.on_mood("happy")
    queued = [item.track.path for item in dj.last_queue.items]
    assert len(queued) == 3
    assert all(path.startswith(str(new)) for path in queued)


def test_null_player_has_the_players_surface_and_never_plays(store, music):
    from moodplayer.playback import NullPlayer, open_player
    from moodplayer.playback.engine import PlaybackUnavailable as Unavailable

    public = {name for name in dir(Player) if not name.startswith("_")}
    assert public <= set(dir(NullPlayer)), public - set(dir(NullPlayer))
    write_track(music, "one", 6, "Dance")
    tracks = scanned(store, music)
    null = NullPlayer("no libVLC here", volume=55)
    states = []
    null.add_listener(lambda kind, payload: states.append((kind, payload)))
    null.load(queue_of(list(tracks.values())))
    null.resume()
    null.next()
    assert null.state == STOPPED and null.current is None and states == [("state", STOPPED)]
    again = NullPlayer("again")
    again.restore(null.snapshot(), store)
    assert [i.track.id for i in again.queue] == [t.id for t in tracks.values()] and again.volume == 55
    assert not null.available and null.unavailable == "no libVLC here"

    def refuse(**_kwargs):
        raise Unavailable("no libvlc.so.5")

    import moodplayer.playback as playback

    real = playback.Player
    playback.Player = refuse
    try:
        fallback = open_player(volume=30)
    finally:
        playback.Player = real
    assert isinstance(fallback, NullPlayer) and fallback.unavailable == "no libvlc.so.5"
