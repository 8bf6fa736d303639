"""The soak: the real app (window offscreen, a looping face video as the camera, the demo
library playing through libVLC on a silent output) runs in a child process for MINUTES while
its resident memory and CPU time are read from /proc every few seconds.

A child process, not the window in this one: the numbers are those of `moodplayer` as started
from a desktop, nothing of the benchmark's own memory is in them, and this module stays Qt-free.
Its data lives in a temporary XDG tree, so the user's library and settings are not touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from moodplayer.config import DEMO_LIBRARY, PROJECT_ROOT

DEFAULT_VIDEO = PROJECT_ROOT / "tests" / "data" / "astronaut.mp4"
PAGE_KB = os.sysconf("SC_PAGESIZE") / 1024
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    t: float  # seconds since the child started
    rss_mb: float
    cpu_s: float  # user + system seconds so far


@dataclass
class SoakResult:
    minutes: float
    interval_s: float
    samples: list[Sample] = field(default_factory=list)
    exit_code: int | None = None  # None: still running when the soak ended (the normal case)
    play_events: dict[str, int] = field(default_factory=dict)  # what the app recorded meanwhile
    log_tail: str = ""

    @property
    def rss_slope_mb_per_min(self) -> float | None:
        """Least-squares slope of RSS over the second half of the samples (the first half
        holds start-up: models, caches, the first scan)."""
        half = self.samples[len(self.samples) // 2:]
        return slope([s.t / 60 for s in half], [s.rss_mb for s in half])

    @property
    def cpu_share(self) -> float | None:
        """CPU time over wall time across the second half: 1.0 = one core busy."""
        half = self.samples[len(self.samples) // 2:]
        if len(half) < 2 or half[-1].t <= half[0].t:
            return None
        return (half[-1].cpu_s - half[0].cpu_s) / (half[-1].t - half[0].t)

    def to_dict(self) -> dict:
        slope_value, share = self.rss_slope_mb_per_min, self.cpu_share
        return {"minutes": self.minutes, "interval_s": self.interval_s,
                "samples": [[round(s.t, 1), round(s.rss_mb, 2), round(s.cpu_s, 2)] for s in self.samples],
                "rss_start_mb": round(self.samples[0].rss_mb, 2) if self.samples else None,
                "rss_end_mb": round(self.samples[-1].rss_mb, 2) if self.samples else None,
                "rss_slope_mb_per_min": None if slope_value is None else round(slope_value, 4),
                "cpu_share_of_one_core": None if share is None else round(share, 3),
                "exit_code": self.exit_code, "play_events": self.play_events}


def slope(xs: list[float], ys: list[float]) -> float | None:
    """Ordinary least squares dy/dx; None for fewer than two distinct x."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var


def read_proc(pid: int) -> tuple[float, float]:
    """(RSS in MB, user + system CPU seconds) of a live process, from /proc."""
    with open(f"/proc/{pid}/statm") as statm:
        rss_pages = int(statm.read().split()[1])
    with open(f"/proc/{pid}/stat") as stat:
        # Fields after the command name, which may hold spaces and is closed by the last ')'.
        rest = stat.read().rsplit(")", 1)[1].split()
    utime, stime = int(rest[11]), int(rest[12])
    return rss_pages * PAGE_KB / 1024, (utime + stime) / TICKS


def soak(minutes: float, interval_s: float = 10.0, video: Path = DEFAULT_VIDEO,
         music_dir: Path = DEMO_LIBRARY, on_sample=None) -> SoakResult:
    """Run the app for `minutes`, sampling every `interval_s`; on_sample(Sample) hears each."""
    result = SoakResult(minutes=minutes, interval_s=interval_s)
    with tempfile.TemporaryDirectory(prefix="moodplayer-soak-") as tmp:
        env = _child_env(Path(tmp))
        log_path = Path(tmp) / "app.log"
        command = [sys.executable, "-m", "moodplayer", "--video", str(video), "--music-dir", str(music_dir)]
        with open(log_path, "wb") as log:
            child = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     cwd=PROJECT_ROOT)
            try:
                _sample_until(child, result, time.monotonic() + minutes * 60, interval_s, on_sample)
            finally:
                result.exit_code = child.poll()
                _stop(child)
        result.log_tail = log_path.read_text(errors="backslashreplace")[-2000:]
        result.play_events = _play_events(Path(env["XDG_DATA_HOME"]) / "moodplayer" / "library.sqlite3")
    return result


def _sample_until(child, result: SoakResult, deadline: float, interval_s: float, on_sample) -> None:
    started = time.monotonic()
    time.sleep(min(interval_s, deadline - started))  # a sample at 0 s would be of the bare interpreter
    while child.poll() is None:
        try:
            rss, cpu = read_proc(child.pid)
        except (OSError, IndexError, ValueError):
            break  # it ended between poll() and the read
        sample = Sample(time.monotonic() - started, rss, cpu)
        result.samples.append(sample)
        if on_sample is not None:
            on_sample(sample)
        now = time.monotonic()
        if now >= deadline:
            return
        time.sleep(min(interval_s, deadline - now))


def _play_events(database: Path) -> dict[str, int]:
    """event -> count in the child's library: proof that music played during the soak."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            return dict(conn.execute("SELECT event, COUNT(*) FROM play_events GROUP BY event"))
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def _child_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        (root / sub).mkdir()
        env[var] = str(root / sub)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("MOODPLAYER_VLC_ARGS", "--intf=dummy --aout=adummy --no-video")
    return env


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(15)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
