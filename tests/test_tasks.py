"""ui/tasks.py: what the pool thread may hold while a job runs."""

import gc
import threading
import weakref

from moodplayer.ui import tasks
from moodplayer.ui.tasks import run_in_background, wait_for_background


def test_the_pool_thread_holds_no_reference_to_a_job(qtbot):
    # If it did, its last reference could drop there after delivery, freeing the job (and the
    # widgets its callbacks are bound to) off the GUI thread while that thread connects the next
    # job: the segfault seen under load. Only the GUI thread's table of jobs in flight holds it.
    started, release, done, progress = threading.Event(), threading.Event(), [], []

    def work(report):
        started.set()
        release.wait(5)
        report("half")
        return "whole"

    job = run_in_background(work, done.append, on_progress=progress.append)
    ref = weakref.ref(job)
    del job
    assert started.wait(5)
    gc.collect()
    assert gc.get_referrers(ref()) == [tasks._running]
    release.set()
    qtbot.waitUntil(lambda: done == ["whole"], timeout=5000)
    assert progress == ["half"] and wait_for_background(5000)
    gc.collect()
    assert ref() is None
