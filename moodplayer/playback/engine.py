"""The one libVLC instance of the app, the clear error when libVLC cannot be had, and the
two ways around libVLC's threads: EventPump (events off VLC's thread) and stop_within."""

from __future__ import annotations

import logging
import os
import queue as queues
import shlex
import threading
from collections.abc import Callable

from moodplayer.playback.output import choose_output

log = logging.getLogger(__name__)

DEFAULT_ARGS = ("--no-video", "--quiet", "--verbose=-1")
INSTALL_HINT = ("install libVLC: `sudo apt-get install libvlc5 vlc-plugin-base libvlc-bin` on "
                "Debian/Ubuntu; on Windows or macOS install VLC from https://www.videolan.org "
                "(64-bit VLC for 64-bit Python)")

_lock = threading.Lock()
_shared = None


class PlaybackUnavailable(RuntimeError):
    """libVLC is missing or would not start; the message says how to fix it."""


class EventPump:
    """Carries libVLC events from VLC's thread to whichever thread calls `pump`."""

    def __init__(self) -> None:
        self._queue: queues.SimpleQueue = queues.SimpleQueue()

    def put(self, kind: str, payload: dict) -> None:
        self._queue.put((kind, payload))

    def pump(self, handler: Callable[[str, dict], None], timeout: float = 0.0) -> int:
        """Hand every waiting event to handler(kind, payload) in this thread, waiting up to
        `timeout` seconds for the first. Returns how many were handled."""
        handled = 0
        try:
            item = self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait()
            while True:
                handler(*item)
                handled += 1
                item = self._queue.get_nowait()
        except queues.Empty:
            return handled


def load_vlc():
    """The python-vlc module, or PlaybackUnavailable."""
    try:
        import vlc
    # python-vlc raises OSError / NotImplementedError when it finds no libVLC, and even
    # SystemExit when PYTHON_VLC_LIB_PATH points nowhere.
    except (ImportError, OSError, NotImplementedError, KeyError, SystemExit) as exc:
        # SystemExit(1) says nothing: name what python-vlc was looking for.
        why = "python-vlc found no libVLC" if isinstance(exc, SystemExit) else (exc or type(exc).__name__)
        raise PlaybackUnavailable(f"libVLC could not be loaded ({why}); {INSTALL_HINT}") from exc
    return vlc


def vlc_args() -> list[str]:
    """From MOODPLAYER_VLC_ARGS when set (tests: "--intf=dummy --aout=adummy"), else the
    defaults with the audio output chosen by playback.output."""
    configured = os.environ.get("MOODPLAYER_VLC_ARGS")
    if configured is not None:
        return shlex.split(configured)
    return [*DEFAULT_ARGS, *choose_output().args]


def output_problem() -> str | None:
    """Why nothing will be heard, when the output was chosen here and there is none."""
    return None if os.environ.get("MOODPLAYER_VLC_ARGS") is not None else choose_output().problem


def new_instance(args: list[str] | None = None):
    """A fresh vlc.Instance; prefer shared_instance(), libVLC wants one per process."""
    vlc = load_vlc()
    args = vlc_args() if args is None else args
    try:
        instance = vlc.Instance(args)
    except (OSError, NameError, AttributeError) as exc:
        raise PlaybackUnavailable(f"libVLC failed to start ({exc}); {INSTALL_HINT}") from exc
    if instance is None:
        # libVLC returns NULL for a bad option or when its plugins are missing.
        raise PlaybackUnavailable(f"libVLC failed to start with options {' '.join(args) or '(none)'} "
                                  f"(a wrong option, or its plugins are missing); {INSTALL_HINT}")
    log.debug("libVLC %s started with %s", vlc.libvlc_get_version().decode(errors="replace"), args)
    return instance


def stop_within(media_player, seconds: float) -> bool:
    """media_player.stop() on a helper thread, waiting at most `seconds`.

    libVLC's stop() joins the thread that plays the media, so it never returns while that
    thread is stuck (inside an event callback, or in a demuxer on some broken file); the owner
    must not freeze with it. False when it did not return in time: the helper thread then
    releases that media player once (if ever) stop() returns, and the caller must drop it."""
    done, decided = threading.Event(), threading.Lock()
    abandoned = []

    def stop() -> None:
        media_player.stop()
        with decided:
            done.set()
            if abandoned:
                media_player.release()

    threading.Thread(target=stop, name="vlc-stop", daemon=True).start()
    if done.wait(seconds):
        return True
    with decided:
        if done.is_set():
            return True
        abandoned.append(True)
    log.warning("libVLC's stop() has not returned after %.1f s; leaving that media player behind", seconds)
    return False


def shared_instance():
    """The app's one vlc.Instance, made on first use."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = new_instance()
        return _shared
