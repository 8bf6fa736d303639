"""One window per library: a second `moodplayer FILE...` hands its files to the running one
(which plays them and comes to the front) and exits.

A QLocalServer listens on a socket named after the data folder, so two users, or a test with
its own XDG folders, never meet; the message is one JSON line, {"files": [...]}, answered "ok".
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from moodplayer import config

log = logging.getLogger(__name__)

WAIT_MS = 2000
MAX_MESSAGE = 1 << 20


def socket_name() -> str:
    """A full socket path: per user (the runtime folder) and per data folder (its hash)."""
    digest = hashlib.sha1(str(config.data_dir()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    runtime = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    if not os.path.isdir(runtime) or not os.access(runtime, os.W_OK):
        runtime = tempfile.gettempdir()
    return str(Path(runtime) / f"moodplayer-{os.getuid()}-{digest}.sock")


def hand_over(files: list[str], name: str | None = None) -> bool:
    """True when a running instance took the files (and will show itself); False when there is
    none, or it did not answer, and this process should open its own window."""
    socket = QLocalSocket()
    socket.connectToServer(name or socket_name())
    if not socket.waitForConnected(WAIT_MS):
        return False
    message = json.dumps({"files": [os.path.abspath(os.path.expanduser(f)) for f in files]}) + "\n"
    socket.write(message.encode("utf-8", "surrogateescape"))
    socket.flush()
    answered = socket.waitForReadyRead(WAIT_MS) and bytes(socket.readLine()).strip() == b"ok"
    socket.disconnectFromServer()
    if not answered:
        log.warning("The running MoodPlayer did not answer; opening another window")
    return answered


class InstanceServer(QObject):
    """Emits `files_received(list)` for each later launch (an empty list: just show the window)."""

    files_received = Signal(list)

    def __init__(self, name: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name or socket_name()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        # Probe first: with access options Qt renames its new socket over an existing one
        if hand_over_probe(self.name):
            return False  # another instance is alive and listening
        if self.server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)  # a socket file left by a crash
        if self.server.listen(self.name):
            return True
        log.warning("Single instance is off: cannot listen on %s (%s)", self.name, self.server.errorString())
        return False

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _read(self, socket: QLocalSocket) -> None:
        self._buffers[socket] = self._buffers.get(socket, b"") + bytes(socket.readAll())
        data = self._buffers[socket]
        if b"\n" not in data and len(data) < MAX_MESSAGE:
            return
        line = data.split(b"\n", 1)[0]
        try:
            files = [str(f) for f in json.loads(line.decode("utf-8", "surrogateescape"))["files"]]
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("Ignored a malformed message from another MoodPlayer launch: %s", exc)
            socket.disconnectFromServer()
            return
        socket.write(b"ok\n")
        socket.flush()
        self.files_received.emit(files)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def close(self) -> None:
        self.server.close()


def hand_over_probe(name: str) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(name)
    alive = socket.waitForConnected(WAIT_MS)
    socket.abort()
    return alive


def attach(bridge, window, settings=None) -> InstanceServer | None:
    """Listen for later launches: their files play now, and the window comes to the front."""
    server = InstanceServer(parent=window)
    if not server.listen():
        return None

    def received(files: list) -> None:
        if files:
            from moodplayer.ui.drops import hand_to

            hand_to(bridge, files, play=True)
        window.showNormal() if window.isMinimized() else window.show()
        window.raise_()
        window.activateWindow()

    server.files_received.connect(received)
    return server
