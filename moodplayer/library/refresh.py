"""Refresh a music folder: scan it (tags), then measure the tracks whose tags say nothing
(library.features.analyse_library), then count the buckets. The one path for the window
and `moodplayer scan`.

`progress(phase, done, total)` is called from the refreshing thread, phase "scan"
then "analyse"; setting `cancel` stops either phase after the current file, keeping
what was stored.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from moodplayer.library.buckets import BUCKETS
from moodplayer.library.features import AnalysisResult, analyse_library
from moodplayer.library.scanner import ScanResult, scan

SCAN, ANALYSE = "scan", "analyse"
Progress = Callable[[str, int, int], None]


@dataclass
class RefreshResult:
    scan: ScanResult
    analysis: AnalysisResult | None = None  # None when not run (asked not to, or cancelled before)
    buckets: dict[str, int] = field(default_factory=dict)  # after the analysis
    seconds: float = 0.0

    @property
    def tracks(self) -> int:
        return self.scan.tracks

    @property
    def errors(self) -> list[tuple[str, str]]:
        return self.scan.errors

    @property
    def cancelled(self) -> bool:
        return self.scan.cancelled or bool(self.analysis and self.analysis.cancelled)


def refresh(store, folder: str | os.PathLike, progress: Progress | None = None,
            cancel: threading.Event | None = None, analyse: bool = True) -> RefreshResult:
    """Raises what scan() raises for a folder that cannot be read (nothing changed then)."""
    started = time.perf_counter()
    scanned = scan(store, folder, progress=_phase(progress, SCAN), cancel=cancel)
    result = RefreshResult(scanned, buckets=dict(scanned.buckets))
    if analyse and not scanned.cancelled:
        result.analysis = analyse_library(store, folder, progress=_phase(progress, ANALYSE), cancel=cancel)
        counts = store.bucket_counts_under(folder)
        result.buckets = {bucket: counts.get(bucket, 0) for bucket in BUCKETS}
    result.seconds = time.perf_counter() - started
    return result


def _phase(progress: Progress | None, phase: str):
    if progress is None:
        return None
    return lambda done, total: progress(phase, done, total)
