"""A private D-Bus session bus for a test, and real clients run against it while Qt keeps
answering (the object under test lives in the test's own process)."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import time

import pytest

HAVE_DBUS = shutil.which("dbus-daemon") is not None
needs_dbus = pytest.mark.skipif(not HAVE_DBUS, reason="needs dbus-daemon (Debian package dbus-daemon)")
needs_playerctl = pytest.mark.skipif(shutil.which("playerctl") is None, reason="needs playerctl")


def start_bus() -> tuple[str, int]:
    """(address, pid) of a new session bus; stop it with stop_bus(pid)."""
    out = subprocess.run(["dbus-daemon", "--session", "--print-address=1", "--print-pid=1", "--fork",
                          "--nopidfile"], check=True, capture_output=True, text=True, timeout=20).stdout
    address, pid = out.split()[:2]
    atexit.register(stop_bus, int(pid))  # also when a test run is interrupted
    return address, int(pid)


def stop_bus(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def client_env(address: str) -> dict[str, str]:
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address)
    env.pop("DISPLAY", None)  # never autolaunch a bus of its own
    return env


def run_client(qapp, address: str, *command: str, timeout: float = 15) -> subprocess.CompletedProcess:
    """Run a D-Bus client to its end while this process's Qt event loop keeps serving."""
    proc = subprocess.Popen(command, env=client_env(address), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        qapp.processEvents()
        time.sleep(0.005)
        if time.monotonic() > deadline:
            proc.kill()
            raise TimeoutError(f"{command} did not finish in {timeout} s")
    out, err = proc.communicate()
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def pump(qapp, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        qapp.processEvents()
        time.sleep(0.005)


class Lines:
    """Collects a child's stdout lines on a thread, so the test can wait for one while Qt runs."""

    def __init__(self, proc: subprocess.Popen):
        import threading

        self.proc, self.lines = proc, []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, qapp, predicate, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.lines):
            pump(qapp, 0.02)
            if time.monotonic() > deadline:
                raise TimeoutError(f"never saw it; got {self.lines[-5:]}")

    def stop(self) -> str:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self._thread.join(timeout=10)
        return "\n".join(self.lines)
