"""A real ``redis-server`` for the tests: started by the test session, stopped at its end.

The Redis backend of the mock is tested against the real server (Debian's ``redis-server``,
which ``make test`` installs through ``make system-packages``), never only against a fake:
Lua scripting, ``WATCH``/``MULTI`` and expiry are exactly what must be right. When the binary
is missing the tests fail with the one line that says how to install it; they never skip.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.processes import _die_with_parent, _stop, _tail, free_port

__all__ = ["INSTALL_HINT", "RedisServer", "redis_server"]

INSTALL_HINT = (
    "redis-server is not installed: run `make system-packages` "
    "(or `sudo apt-get install redis-server`), then re-run the tests"
)
_START_TIMEOUT = 20.0


class RedisServer:
    """A running server: its port, its URL, and a way to stop and restart it (outage tests)."""

    def __init__(self, binary: str, port: int, log: Path) -> None:
        self.binary = binary
        self.port = port
        self.log = log
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        argv = [
            self.binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + _START_TIMEOUT
        while not _answers_ping(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {self.port}:\n{_tail(self.log)}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._process is not None:
            _stop(self._process)
            self._process = None


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    """Start ``redis-server`` on a free loopback port (no persistence); stop it at the end."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - removed in the finally below
        prefix="m7-redis-", suffix=".log", delete=False
    )
    log_file.close()
    server = RedisServer(binary, free_port(), Path(log_file.name))
    try:
        server.start()
        yield server
    finally:
        server.stop()
        server.log.unlink(missing_ok=True)
