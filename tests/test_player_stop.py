"""libVLC's stop() joins the thread that plays the media, so it cannot return while that thread is
held up (inside an event callback, or in a demuxer on a broken file). The Player must never wait on
it for good: its owner is the GUI thread, and a CI run would hang on it. Real libVLC (adummy)."""

import dataclasses
import random
import threading
import time

from moodplayer.playback import PLAYING, STOPPED, Player
from moodplayer.playback import player as player_module
from moodplayer.playback.queue import Queue, QueueItem
from tests.test_playback import Recorder, scanned, write_track


def queue_of(*tracks):
    return Queue("happy", [QueueItem(track, "upbeat", "test") for track in tracks])


def test_load_goes_on_while_vlcs_thread_is_stuck_in_the_event_callback(store, tmp_path, monkeypatch):
    monkeypatch.setattr(player_module, "STOP_WAIT", 1.0)
    music = tmp_path / "music"
    music.mkdir()
    write_track(music, "short", 1.0, "Pop")
    write_track(music, "long", 6.0, "Pop")
    tracks = scanned(store, music)
    inside, let_go, kinds = threading.Event(), threading.Event(), []

    def stuck_forward(kind, payload):
        # An on_vlc_event that does not return at once: VLC's thread waits in it, so its stop() waits too.
        kinds.append(kind)
        if not inside.is_set():
            inside.set()
            let_go.wait(30)

    player = Player(on_vlc_event=stuck_forward)
    try:
        player.load(queue_of(tracks["short"]))
        assert inside.wait(10), "the 1 s track never ended"
        loaded = threading.Event()

        def load_next():  # the owner's call, on a thread of its own so a hang fails the test
            player.load(queue_of(tracks["long"]))
            loaded.set()

        started = time.monotonic()
        threading.Thread(target=load_next, daemon=True).start()
        assert loaded.wait(10), "load() waited on libVLC's stop() for good"
        assert time.monotonic() - started < 5
        assert player.state == PLAYING and player.current.track.title == "long"
        deadline = time.monotonic() + 10
        while player.position < 0.5:  # really playing, on a fresh media player
            assert time.monotonic() < deadline, "the next track did not play"
            time.sleep(0.05)
    finally:
        let_go.set()
    # The media player left behind finishes its stop() now; nothing it says reaches the owner.
    time.sleep(0.5)
    assert kinds == ["end_reached"]
    player.close()
    assert player.closed


def test_stops_during_the_opening_of_broken_files_never_block(store, tmp_path):
    music = tmp_path / "music"
    music.mkdir()
    write_track(music, "good", 1.0, "Pop")
    good = scanned(store, music)["good"]
    (music / "noise.mp3").write_bytes(random.Random(7).randbytes(20000))
    (music / "empty.ogg").write_bytes(b"")
    # The scan leaves such files out; as if they had been good when scanned and broke since.
    broken = [QueueItem(dataclasses.replace(good, id=good.id + n, path=str(music / name)), "upbeat", "test")
              for n, name in enumerate(("noise.mp3", "empty.ogg"), start=1)]
    player = Player()
    heard = Recorder(player)
    rng, worst = random.Random(3), 0.0
    try:
        for _ in range(40):
            begun = time.monotonic()
            player.load(Queue("happy", [*broken, QueueItem(good, "upbeat", "test")]))
            worst = max(worst, time.monotonic() - begun)
            time.sleep(rng.random() * 0.03)
            player.pump_events()
        player.stop()
        assert player.state == STOPPED
    finally:
        player.close()
    assert worst < player_module.STOP_WAIT, f"a load took {worst:.1f} s"
    reported = [payload["item"].track.id for payload in heard.of("unplayable")]
    assert len(reported) == len(set(reported)), "a track was reported unplayable twice"
    assert set(reported) <= {item.track.id for item in broken}


def test_close_never_waits_on_a_stuck_stop(store, tmp_path, monkeypatch):
    monkeypatch.setattr(player_module, "STOP_WAIT", 0.5)
    music = tmp_path / "music"
    music.mkdir()
    write_track(music, "short", 1.0, "Pop")
    tracks = scanned(store, music)
    inside, let_go = threading.Event(), threading.Event()

    def stuck_forward(kind, payload):
        inside.set()
        let_go.wait(30)

    player = Player(on_vlc_event=stuck_forward)
    try:
        player.load(queue_of(tracks["short"]))
        assert inside.wait(10), "the 1 s track never ended"
        closed = threading.Event()
        threading.Thread(target=lambda: (player.close(), closed.set()), daemon=True).start()
        assert closed.wait(5), "close() waited on the stuck media player"
    finally:
        let_go.set()
    assert player.closed
