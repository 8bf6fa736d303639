"""Regenerate the screenshots in this folder (offscreen, no display needed).

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshots/make_screenshots.py [OUT_DIR]

Uses the bundled demo library, and tests/data/astronaut.mp4 as the camera. Runs in
throw-away settings/data dirs so the user's own library is untouched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VIDEO = REPO / "tests" / "data" / "astronaut.mp4"
PHOTO = REPO / "tests" / "data" / "astronaut.png"


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("MOODPLAYER_VLC_ARGS", "--intf=dummy --aout=adummy --no-video")
    scratch = Path(tempfile.mkdtemp(prefix="moodplayer-shots-"))
    from moodplayer import app as app_module
    from moodplayer.config import DEMO_LIBRARY, Settings
    from moodplayer.emotions import Emotion

    application = app_module.make_application()

    def window_for(**options):
        fresh = Path(tempfile.mkdtemp(dir=scratch))  # each picture starts from a first run
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            os.environ[var] = str(fresh / var.lower())
        Settings(welcomed=True, music_dir=str(DEMO_LIBRARY)).save()
        values = {"music_dir": None, "camera": None, "video": None, "no_camera": False, "screenshot": None}
        window = app_module.create_window(argparse.Namespace(**{**values, **options}))
        window.show()
        window.app.start()
        return window

    def wait(seconds: float, until=None) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (until and until()):
            application.processEvents()
            time.sleep(0.01)

    def save(widget, name: str) -> None:
        wait(0.3)  # let layouts catch up with the last change
        path = out / name
        widget.grab().save(str(path))
        print(path)

    for theme in ("light", "dark"):
        window = window_for(video=str(VIDEO))
        window.set_theme(theme)
        wait(15, lambda w=window: w.bridge.mood.camera == Emotion.HAPPY)
        wait(3)
        save(window, f"main-{theme}.png")
        if theme == "light":
            window.tabs.setCurrentWidget(window.library_view)
            wait(0.5)
            save(window, "library.png")
            window.tabs.setCurrentIndex(0)
            window.override_bar.buttons[Emotion.FEAR].click()
            wait(0.5)
            save(window, "override-fear.png")
            dialog = window.analyse_photo_dialog(str(PHOTO))
            wait(10, lambda d=dialog: "Face 1" in d.summary.text())
            save(dialog, "analyse-photo.png")
            dialog.close()
        window.quit()

    window = window_for(camera=97)
    window.set_theme("light")
    wait(6, lambda: "No camera" in window.camera_view.message)
    save(window, "no-camera.png")
    window.quit()

    big = scratch / "big library"
    big.mkdir()
    tracks = sorted(DEMO_LIBRARY.glob("*.ogg"))
    for n in range(20000):  # hard links: a big folder at no disk cost
        os.link(tracks[n % len(tracks)], big / f"{n:05d} - {tracks[n % len(tracks)].name}")
    window = window_for(music_dir=str(big), no_camera=True)
    window.set_theme("light")
    window.tabs.setCurrentWidget(window.library_view)
    wait(60, lambda: window.library_view.progress.value() > 3000)
    save(window, "scanning.png")
    window.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
