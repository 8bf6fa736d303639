"""Files, folders and playlists dropped on the window or the queue are added to the queue.

`install_drops(bridge, window, queue_view)` is the one line the window needs: it turns on drops
for those widgets and filters their drag events; drags that carry no local files (the queue's
own reordering) go on to the widget untouched."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea

from moodplayer.library.tags import AUDIO_EXTENSIONS
from moodplayer.playback.playlists import expand

DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)


def local_paths(mime) -> list[str]:
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class DropFilter(QObject):
    def __init__(self, bridge, parent: QObject | None = None):
        super().__init__(parent)
        self.bridge = bridge

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() not in DRAG_EVENTS:
            return False
        paths = local_paths(event.mimeData())
        if not paths:
            return False  # not ours: an internal move, text, a web link
        event.acceptProposedAction()
        if event.type() == QEvent.Type.Drop:
            hand_to(self.bridge, paths, play=False)
        return True


def hand_to(bridge, paths: list[str], play: bool) -> list[str]:
    """Folders and playlists opened up, then the files played now (play=True: the command line,
    a second launch) or queued (a drop); problems shown in the banner. Returns the files."""
    files, problems = expand(paths, AUDIO_EXTENSIONS)
    if files:
        (bridge.play_files if play else bridge.enqueue_files)(files)
    if problems:
        bridge.message.emit("warning", "; ".join(problems[:3]) + (" …" if len(problems) > 3 else ""))
    return files


def install_drops(bridge, *widgets) -> DropFilter:
    """Accept drops on each widget (a scroll area's viewport too); returns the filter."""
    drop_filter = DropFilter(bridge, widgets[0] if widgets else None)
    for widget in widgets:
        targets = [widget] + ([widget.viewport()] if isinstance(widget, QAbstractScrollArea) else [])
        for target in targets:
            target.setAcceptDrops(True)
            target.installEventFilter(drop_filter)
    return drop_filter
