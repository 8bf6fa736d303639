"""The one way to run work off the GUI thread and get the answer back on it.

`run_in_background(task, on_done)` runs `task` on a small thread pool; `on_done`
(and `on_error`, `on_progress`) are called later in the GUI thread. The task must
not touch widgets: it computes, the callbacks show.
"""

from __future__ import annotations

import logging
import traceback
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

_pool = QThreadPool()
_pool.setMaxThreadCount(2)
_running: set[Job] = set()


class Job(QObject):
    """Carries one task's progress and result from the pool back to the GUI thread.

    Lives, unparented, until its result is delivered, so the pool thread never
    emits on a deleted object; when its context goes first it delivers nothing.
    """

    _progress = Signal(object)
    _finished = Signal(bool, object)

    def __init__(self, on_done, on_error, on_progress, context: QObject | None = None):
        super().__init__()  # created in the GUI thread, so its slots run there
        self._on_done, self._on_error, self._on_progress = on_done, on_error, on_progress
        # A weak reference, checked at delivery; not a slot on context.destroyed: PySide
        # can crash (SIGBUS) calling Python from a Python-defined QObject's destructor.
        self._context = weakref.ref(context) if context is not None else None
        self._progress.connect(self._show_progress)
        self._finished.connect(self._deliver)

    def report(self, value: Any) -> None:
        """Thread-safe: call from the task to send progress to the GUI thread."""
        self._progress.emit(value)

    def _wanted(self) -> bool:
        """Whether its context (if it has one) is still there to be told."""
        if self._context is None:
            return True
        context = self._context()
        return context is not None and shiboken6.isValid(context)

    def _show_progress(self, value: Any) -> None:
        if self._on_progress is not None and self._wanted():
            self._on_progress(value)

    def _deliver(self, ok: bool, value: Any) -> None:
        _running.discard(self)
        if not self._wanted():
            return
        callback = self._on_done if ok else self._on_error
        if callback is not None:
            callback(value)
        elif not ok:
            log.error("Background task failed: %s", value)


class _Runnable(QRunnable):
    def __init__(self, job: Job, task: Callable[[], Any]):
        super().__init__()
        self._job, self._task = job, task

    def run(self) -> None:
        try:
            result = self._task()
        except Exception as exc:  # reported in the GUI thread, never lost
            log.debug("background task raised:\n%s", traceback.format_exc())
            self._job._finished.emit(False, exc)
        else:
            self._job._finished.emit(True, result)


def run_in_background(task: Callable[..., Any], on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[Exception], None] | None = None,
                      on_progress: Callable[[Any], None] | None = None,
                      context: QObject | None = None) -> Job:
    """Run `task()` on the pool; with `on_progress`, run `task(job.report)` instead.

    With a `context` (usually the widget that shows the result) nothing is
    delivered once the context has been deleted.
    """
    job = Job(on_done, on_error, on_progress, context)
    _running.add(job)
    call = (lambda: task(job.report)) if on_progress is not None else task
    _pool.start(_Runnable(job, call))
    return job


def wait_for_background(timeout_ms: int = 5000) -> bool:
    """Block until queued tasks finish (used at quit). True when all finished."""
    return _pool.waitForDone(timeout_ms)
