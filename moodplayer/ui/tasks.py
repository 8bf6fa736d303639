"""The one way to run work off the GUI thread and get the answer back on it.

`run_in_background(task, on_done)` runs `task` on a small thread pool; `on_done`
(and `on_error`, `on_progress`) are called later in the GUI thread. The task must
not touch widgets: it computes, the callbacks show. With `supersede=key` only the
latest job of that key delivers: an older one that finishes later is dropped.
`QtRunner` is the same for the Qt-free core (moods.runner.Runner).
"""

from __future__ import annotations

import itertools
import logging
import traceback
import weakref
from collections.abc import Callable
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

_pool = QThreadPool()
_pool.setMaxThreadCount(2)
_running: dict[int, Job] = {}  # job id -> the job, until its result is delivered
_latest: dict[str, Job | None] = {}  # supersede key -> the one job of that key still wanted
_ids = itertools.count(1)


class _Courier(QObject):
    """The one QObject that carries results from the pool to the GUI thread, by job id.

    One, made at import in the GUI thread and never deleted: a QObject per job was
    sometimes freed on the pool thread (the runnable's reference dropped last, after
    delivery), while the GUI thread connected the next one's signals: a segfault.
    Pool threads now hold only ids and plain functions.
    """

    progress = Signal(object, object)
    finished = Signal(object, bool, object)

    def __init__(self) -> None:
        super().__init__()
        self.progress.connect(self._show_progress)
        self.finished.connect(self._deliver)

    def _show_progress(self, job_id: int, value: Any) -> None:
        job = _running.get(job_id)
        if job is not None:
            job.show_progress(value)

    def _deliver(self, job_id: int, ok: bool, value: Any) -> None:
        job = _running.pop(job_id, None)
        if job is not None:
            job.deliver(ok, value)


_courier = _Courier()


class Job:
    """One task's callbacks, kept in the GUI thread until its result is delivered; when its
    context goes first, or a newer job of its key started, it delivers nothing."""

    def __init__(self, on_done, on_error, on_progress, context: QObject | None = None,
                 supersede: str | None = None):
        self.id = next(_ids)
        self._key = supersede
        self._on_done, self._on_error, self._on_progress = on_done, on_error, on_progress
        self._context = weakref.ref(context) if context is not None else None
        # Thread-safe, and holds no reference to the job: what a task calls with progress.
        self.report = partial(_courier.progress.emit, self.id)

    def _wanted(self) -> bool:
        """Whether its context (if it has one) is still there to be told."""
        if self._key is not None and _latest.get(self._key) is not self:
            return False  # a newer job of the same key was started, or the key was dropped
        if self._context is None:
            return True
        context = self._context()
        return context is not None and shiboken6.isValid(context)

    def show_progress(self, value: Any) -> None:
        if self._on_progress is not None and self._wanted():
            self._on_progress(value)

    def deliver(self, ok: bool, value: Any) -> None:
        if not self._wanted():
            return
        if self._key is not None:
            _latest.pop(self._key, None)
        callback = self._on_done if ok else self._on_error
        if callback is not None:
            callback(value)
        elif not ok:
            log.error("Background task failed: %s", value)


class _Runnable(QRunnable):
    def __init__(self, job_id: int, task: Callable[[], Any]):
        super().__init__()
        self._job_id, self._task = job_id, task

    def run(self) -> None:
        try:
            result = self._task()
        except Exception as exc:  # reported in the GUI thread, never lost
            log.debug("background task raised:\n%s", traceback.format_exc())
            _courier.finished.emit(self._job_id, False, exc)
        else:
            _courier.finished.emit(self._job_id, True, result)
        self._task = None  # the task's references go here, not with the runnable later


def run_in_background(task: Callable[..., Any], on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[Exception], None] | None = None,
                      on_progress: Callable[[Any], None] | None = None,
                      context: QObject | None = None, supersede: str | None = None) -> Job:
    """Run `task()` on the pool; with `on_progress`, run `task(job.report)` instead.

    With a `context` (usually the widget that shows the result) nothing is
    delivered once the context has been deleted; with `supersede`, nothing once
    a newer job of that key started (or `drop(key)` was called).
    """
    job = Job(on_done, on_error, on_progress, context, supersede)
    if supersede is not None:
        _latest[supersede] = job
    _running[job.id] = job
    call = partial(task, job.report) if on_progress is not None else task
    _pool.start(_Runnable(job.id, call))
    return job


def drop(key: str) -> None:
    """The job of `key` in flight, if any, delivers nothing."""
    _latest[key] = None


def in_flight() -> int:
    """Jobs started and not yet delivered (for --screenshot's settling)."""
    return len(_running)


class QtRunner:
    """moods.runner.Runner on the pool: the core's queue builds and store writes, answered in
    the GUI thread; jobs with a key are latest-wins. Keys are namespaced by runner."""

    def __init__(self, context: QObject | None = None):
        self._context = context
        self._prefix = f"{id(self)}:"
        self._closed = False

    def run(self, work, on_done=None, on_error=None, key: str | None = None) -> None:
        if self._closed:
            return
        run_in_background(work, self._unless_closed(on_done), self._unless_closed(on_error),
                          context=self._context, supersede=None if key is None else self._prefix + key)

    def close(self) -> None:
        """At quit: what is still in flight delivers nothing (the player is gone)."""
        self._closed = True

    def _unless_closed(self, callback):
        if callback is None:
            return None
        return lambda value: None if self._closed else callback(value)

    def drop(self, key: str) -> None:
        drop(self._prefix + key)


def wait_for_background(timeout_ms: int = 5000) -> bool:
    """Block until queued tasks finish (used at quit). True when all finished."""
    return _pool.waitForDone(timeout_ms)
