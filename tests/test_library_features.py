"""Audio features for untagged files: measured on the demo library's own audio, cached."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import threading
import tracemalloc

import numpy as np
import pytest
import soundfile as sf
from mutagen.oggvorbis import OggVorbis

from moodplayer.config import DEMO_LIBRARY
from moodplayer.library.features import (
    NoDecoder,
    RefusedHeader,
    analyse,
    analyse_library,
    bucket_for,
    check_header,
    music_verdict,
)
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


# --- what is not music, the memory guard, the library-relative split ---------------------------

def espeak(path, text: str) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)


SPEECH = ("The committee met on Tuesday to discuss the budget. After a long debate, the members agreed to "
          "postpone the decision until the next meeting, when the final figures will be ready.")


def test_speech_silence_and_noise_are_not_music_and_say_why(tmp_path):
    espeak(tmp_path / "speech.wav", SPEECH)
    rng = np.random.default_rng(0)
    sf.write(tmp_path / "silence.wav", np.zeros(22050 * 10, np.float32), 22050)
    sf.write(tmp_path / "noise.wav", (0.2 * rng.standard_normal(22050 * 10)).astype(np.float32), 22050)
    verdicts = {name: music_verdict(analyse(str(tmp_path / f"{name}.wav"))) for name in ("speech", "silence",
                                                                                         "noise")}
    assert verdicts["speech"] == (False, "sounds like speech, not music")
    assert verdicts["silence"][0] is False and verdicts["silence"][1].startswith("silent")
    assert verdicts["noise"] == (False, "sounds like noise, not music")
    for name in DEMO.values():  # the demo's drums, pads, rap beat and piano are all music
        assert music_verdict(analyse(str(DEMO_LIBRARY / name)))[0] is True
    assert bucket_for(analyse(str(tmp_path / "speech.wav"))) is None


def test_loudness_is_bs1770_within_half_a_unit():
    # BS.1770: a full-scale 1 kHz sine in one channel reads -3.01 LKFS; at -20 dB in two, -20.0.
    rate = 48000
    tone = (0.1 * np.sin(2 * np.pi * 997 * np.arange(rate * 10) / rate)).astype(np.float32)
    stereo = np.stack([tone, tone], axis=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tone.flac")
        sf.write(path, stereo, rate)
        features = analyse(path)
    assert features.loudness == pytest.approx(-20.0, abs=0.5)
    assert features.loudness_range < 0.5 and features.crest == pytest.approx(3.0, abs=0.3)


def wav_header(channels: int, rate: int, data_bytes: int) -> bytes:
    block = channels * 2
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, 16)
    return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", data_bytes))


@pytest.mark.parametrize(("channels", "rate"), [(1024, 44100), (2, 2_000_000), (2, 4000)])
def test_absurd_headers_are_refused_without_allocating(tmp_path, channels, rate):
    path = tmp_path / "liar.wav"
    path.write_bytes(wav_header(channels, rate, 0xFFFF0000) + b"\0" * 4096)
    tracemalloc.start()
    try:
        with pytest.raises((RefusedHeader, NoDecoder)):
            analyse(str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20


def test_check_header_limits():
    check_header(2, 44100, 44100 * 240, 4_000_000)
    for bad in ((0, 44100, 10, 10), (9, 44100, 10, 10), (2, 7999, 10, 10), (2, 400_000, 10, 10),
                (2, 44100, 10**12, 1000), (2, 44100, -1, 1000)):
        with pytest.raises(RefusedHeader, match="refused"):
            check_header(*bad)


def copy(source, path, **tags):
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    audio = OggVorbis(path)
    audio.delete()
    audio = OggVorbis(path)
    audio.update(tags)
    audio.save()
    return path


def test_an_untagged_track_follows_the_tagged_tracks_it_sounds_like(tmp_path):
    music = tmp_path / "music"
    dance = ["01 - Sunrise Run.ogg", "02 - Neon Steps.ogg", "03 - Good Day Groove.ogg",
             "01 - Sunrise Run.ogg"]
    chill = ["04 - Slow Rain.ogg", "05 - Evening Fog.ogg", "06 - Quiet Harbour.ogg", "04 - Slow Rain.ogg"]
    for n, name in enumerate(dance):
        copy(DEMO_LIBRARY / name, music / f"dance{n}.ogg", title=f"dance {n}", genre="Dance")
    for n, name in enumerate(chill):
        copy(DEMO_LIBRARY / name, music / f"chill{n}.ogg", title=f"chill {n}", genre="Chillout")
    stray = copy(DEMO_LIBRARY / dance[1], music / "stray.ogg")
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, music)
        assert store.track_by_path(stray).buckets == {}
        seen = []
        result = analyse_library(store, music, progress=lambda done, total: seen.append((done, total)))
        track = store.track_by_path(stray)
    assert result.analysed == 9 and result.assigned == 1 and seen[-1] == (9, 9)
    assert track.buckets == {"upbeat": "sounds like your 'Dance' tracks → upbeat"}
    assert track.music is True and 0 <= track.energy <= 1 and track.tempo == pytest.approx(128, abs=3)


def test_cancel_stops_the_analysis_and_keeps_nothing_half_done(tmp_path):
    music = tmp_path / "music"
    for n in range(8):
        untagged(music / str(n), DEMO["upbeat"])
    cancel = threading.Event()
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, music)
        result = analyse_library(store, music, progress=lambda done, total: done >= 2 and cancel.set(),
                                 cancel=cancel)
        assert result.cancelled and result.analysed == 2 and result.assigned == 0
        assert all(t.buckets == {} for t in store.tracks())
        again = analyse_library(store, music)
        assert (again.cached, again.analysed, again.cancelled) == (2, 6, False)


def synth(path, bpm: float, loud: float, drums: float, seed: int) -> None:
    """10 s of tuned notes, one per beat, over noise-burst drums: enough to measure, fast to make."""
    rate, rng = 22050, np.random.default_rng(seed)
    t = np.arange(rate * 10) / rate
    beat = 60 / bpm
    notes = 220 * 2 ** (rng.integers(0, 12, int(10 / beat) + 2) / 12)
    tone = sum(np.sin(2 * np.pi * notes[(t // beat).astype(int)] * k * t) / k for k in (1, 2, 3))
    hits = rng.standard_normal(len(t)) * np.exp(-(t % beat) * 40) * drums
    sf.write(path, (loud * (0.3 * tone + hits) / 2).astype(np.float32), rate)


@pytest.mark.parametrize("kind", ["metal-heavy", "classical-heavy"])
def test_every_library_gets_both_upbeat_and_calm(tmp_path, kind):
    music = tmp_path / kind
    music.mkdir()
    fast = kind == "metal-heavy"
    for n in range(8):
        bpm = (150 + 5 * n) if fast else (60 + 5 * n)
        synth(music / f"{n}.wav", bpm, loud=0.9 if fast else 0.2, drums=1.0 if fast else 0.05 * n, seed=n)
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, music)
        analyse_library(store, music)
        tracks = store.tracks()
    buckets = [next(iter(t.buckets)) for t in tracks]
    assert sorted(buckets) == ["calm"] * 4 + ["upbeat"] * 4, [t.buckets for t in tracks]
    energies = sorted(t.energy for t in tracks)
    assert energies[0] == 0 and energies[-1] == 1
