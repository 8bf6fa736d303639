"""The one libVLC instance of the app, and the clear error when libVLC cannot be had."""

from __future__ import annotations

import logging
import os
import shlex
import threading

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


def shared_instance():
    """The app's one vlc.Instance, made on first use."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = new_instance()
        return _shared
