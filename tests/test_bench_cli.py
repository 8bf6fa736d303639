"""moodplayer bench: the vision numbers on a real face video, and the library part."""

from __future__ import annotations

import json
from pathlib import Path

from moodplayer.cli import main
from moodplayer.commands import bench

DATA = Path(__file__).parent / "data"
KEYS = ("detect_ms_p50", "detect_ms_p95", "classify_ms_p50", "classify_ms_p95",
        "frame_ms_p50", "frame_ms_p95", "fps_sustained", "gui_frame_ms_p50", "gui_frame_ms_p95")


def test_bench_json_has_the_contract_keys(capsys):
    assert main(["bench", "--json", "--frames", "30", "--no-library"]) == 0
    payload = json.loads(capsys.readouterr().out)
    for key in KEYS:
        assert isinstance(payload[key], float) and payload[key] > 0, key
    for name in ("detect", "classify", "frame", "gui_frame"):
        assert payload[f"{name}_ms_p95"] >= payload[f"{name}_ms_p50"]
    assert payload["frame_ms_p50"] >= payload["detect_ms_p50"]
    assert payload["frames"] == 30 and payload["frames_with_face"] == 30
    assert payload["frame_size"] == [640, 480] and payload["threads"] == 1
    assert payload["library"] == "skipped"


def test_bench_reads_the_video_it_is_given(capsys):
    assert main(["bench", "--json", "--frames", "5", "--no-library",
                 "--video", str(DATA / "noface.mp4")]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["video"].endswith("noface.mp4") and payload["frames_with_face"] == 0
    assert payload["classify_ms_p50"] is None and payload["detect_ms_p50"] > 0


def test_bench_takes_the_global_video_option(capsys):
    assert main(["--video", str(DATA / "noface.mp4"), "bench", "--frames", "3", "--no-library"]) == 0
    out = capsys.readouterr().out
    assert "noface.mp4" in out and "classify  no face found" in out and "library: skipped" in out


def test_missing_video_is_a_clear_error(capsys, tmp_path):
    assert main(["bench", "--video", str(tmp_path / "none.mp4")]) == 1
    assert "no face video" in capsys.readouterr().err


def test_gui_benchmark_paints_every_frame(qtbot):
    from moodplayer.vision.pipeline import VisionPipeline
    from moodplayer.vision.sources import CaptureSource

    source = CaptureSource(DATA / "astronaut.mp4", pace=False)
    source.open()
    pipeline = VisionPipeline()
    results = [pipeline.process(source.read(), i / 10) for i in range(5)]
    source.close()
    times = bench.gui_benchmark(results)
    assert len(times) == 5 and all(t > 0 for t in times)


def test_library_failure_does_not_hide_the_vision_numbers(monkeypatch):
    import moodplayer.library.bench as library_bench

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(library_bench, "scan_benchmark", broken)
    assert bench.library_benchmark() == {"error": "OSError: disk full"}


def test_slope_is_least_squares():
    from moodplayer.bench.soak import slope

    assert slope([0, 1, 2, 3], [10, 12, 14, 16]) == 2.0
    assert slope([0, 1, 2, 3], [5, 5, 5, 5]) == 0.0
    assert slope([1], [3]) is None and slope([2, 2], [1, 3]) is None


def test_soak_samples_the_running_app(capsys):
    """The real app (offscreen window, looping face video, demo library on adummy) for 12 s."""
    assert main(["bench", "--soak", "0.2", "--interval", "2", "--json"]) == 0, capsys.readouterr().err
    payload = json.loads(capsys.readouterr().out)
    samples = payload["samples"]
    assert len(samples) >= 4 and payload["exit_code"] is None  # still running when the soak ended
    times = [s[0] for s in samples]
    assert times == sorted(times) and times[-1] >= 10
    assert all(50 < s[1] < 2000 for s in samples)  # RSS in MB of a live Qt + TFLite process
    assert samples[-1][2] > samples[0][2]  # it used CPU meanwhile
    assert isinstance(payload["rss_slope_mb_per_min"], float)
    assert 0 < payload["cpu_share_of_one_core"] < 2


def test_soak_refuses_nonsense_lengths(capsys):
    assert main(["bench", "--soak", "-1"]) == 1
    assert "--soak takes" in capsys.readouterr().err
