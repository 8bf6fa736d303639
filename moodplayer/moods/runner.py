"""How the core hands off slow work (queue builds, store writes).

The core calls `runner.run(work, on_done, on_error, key)`; `Inline` runs it at once
in the caller's thread (the CLI and the core's tests). The window passes
`ui.tasks.QtRunner`, which runs it on a thread pool and calls back on the GUI
thread, dropping a result when a newer job with the same key was started
(latest wins) or when `drop(key)` said it is no longer wanted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

Done = Callable[[Any], None] | None
Failed = Callable[[Exception], None] | None


class Runner(Protocol):
    def run(self, work: Callable[[], Any], on_done: Done = None, on_error: Failed = None,
            key: str | None = None) -> None: ...

    def drop(self, key: str) -> None: ...

    def close(self) -> None: ...


class Inline:
    """Runs the work now, in this thread."""

    def run(self, work: Callable[[], Any], on_done: Done = None, on_error: Failed = None,
            key: str | None = None) -> None:
        try:
            result = work()
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
            return
        if on_done is not None:
            on_done(result)

    def drop(self, key: str) -> None:
        """Nothing is ever in flight."""

    def close(self) -> None:
        """Nothing to stop."""
