"""The mock server as a process, for a run that names no target (``m7-contract`` alone).

The mock comes with the same wheel (``python -m mock_server`` of this interpreter), on a free
port of 127.0.0.1 with its demo account and scenario. It is stopped at the end of the block
(SIGTERM to its process group, SIGKILL if it lingers), also when the run fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

__all__ = ["LocalMockError", "local_mock"]

_START_SECONDS = 60.0
_STOP_GRACE = 5.0


class LocalMockError(RuntimeError):
    """The mock did not start; the message has the end of its output."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=_STOP_GRACE)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=_STOP_GRACE)


@contextmanager
def local_mock() -> Iterator[str]:
    """``python -m mock_server`` on a free port until the block ends; yields its base URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("M7_MOCK_")}
    env.update({"NO_COLOR": "1", "M7_MOCK_LOG_LEVEL": "warning"})
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            argv,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own process group: stopping it stops its children
        )
        try:
            deadline = time.monotonic() + _START_SECONDS
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    output.seek(0)
                    tail = output.read().decode("utf-8", "replace")[-4000:]
                    raise LocalMockError(f"the mock did not start on {base_url}:\n{tail}")
                try:
                    if httpx.get(f"{base_url}/__mock/health", timeout=1.0).is_success:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            yield base_url
        finally:
            _stop(process)
