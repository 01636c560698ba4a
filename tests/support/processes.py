"""Real processes for the tests that need a socket: the mock server and Prism.

Each helper is a context manager that starts the process on a free port, waits until it
answers HTTP, yields its base URL, and always stops it (SIGTERM to the process group it
created, then SIGKILL after a grace period), also when the test fails. A process that exits
early or never answers fails the test with the tail of its output, not with a timeout.

Prism comes from ``node_modules`` (installed by ``make setup``, which ``make test`` runs
through ``make lint``). When it is missing the Prism tests fail with that instruction rather
than being skipped: a referee that silently does not run is no referee.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.document import CALL_MONITOR, ROOT

__all__ = [
    "PRISM",
    "free_port",
    "mock_process",
    "prism_binary",
    "prism_mock",
    "prism_proxy",
    "running",
]

PRISM = ROOT / "node_modules" / ".bin" / "prism"
_START_TIMEOUT = 60.0
_PR_SET_PDEATHSIG = 1
_STOP_GRACE = 5.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(log: Path, lines: int = 40) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


# Loaded here, in the parent: the child must not dlopen between fork and exec.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, get SIGTERM when the test process dies.

    A test run killed from outside (a CI timeout, ``timeout``, a closed terminal) never runs
    its fixtures' teardown; without this its servers would outlive it as orphans.
    """
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group we created, SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=_STOP_GRACE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=_STOP_GRACE)


@contextmanager
def running(
    name: str,
    argv: Sequence[str],
    *,
    ready_url: str,
    env: dict[str, str] | None = None,
    timeout: float = _START_TIMEOUT,
    cwd: Path = ROOT,
) -> Iterator[Path]:
    """Run ``argv`` in ``cwd`` until the block ends; ready when ``ready_url`` answers any HTTP
    status.

    Yields the path of the process's combined stdout/stderr log.
    """
    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in the finally below
        prefix=f"m7-{name}-", suffix=".log", delete=False
    )
    log = Path(log_file.name)
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # its own process group, so that stopping it stops its children
        preexec_fn=_die_with_parent,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"{name} exited with status {process.returncode} before answering "
                    f"{ready_url}:\n{_tail(log)}"
                )
            try:
                httpx.get(ready_url, timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"{name} did not answer {ready_url} within {timeout:.0f} s:\n{_tail(log)}"
                    )
                time.sleep(0.1)
        yield log
    finally:
        _stop(process)
        log_file.close()
        log.unlink(missing_ok=True)


@contextmanager
def mock_process(*extra_args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """The mock server as a real process (``python -m mock_server``, ``env`` added to its
    environment); yields its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", str(port)]
    with running(
        "mock",
        [*argv, *extra_args],
        ready_url=f"{base_url}/__mock/state",
        env={"NO_COLOR": "1", **(env or {})},
    ):
        yield base_url


def prism_binary() -> Path:
    """Prism from node_modules; fail (never skip) with the fix when it is not installed."""
    if not PRISM.exists():
        pytest.fail(
            f"Prism is not installed ({PRISM.relative_to(ROOT)} is missing). "
            "Run `make setup` (it runs `npm ci` from package-lock.json), then re-run the tests.",
            pytrace=False,
        )
    return PRISM


@contextmanager
def _prism(command: str, *args: str, document: Path = CALL_MONITOR) -> Iterator[str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    argv = [
        str(prism_binary()),
        command,
        str(document),
        *args,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    # Any HTTP answer means Prism listens; the root path is not in the document.
    with running(f"prism-{command}", argv, ready_url=f"{base_url}/"):
        yield base_url


@contextmanager
def prism_mock(document: Path = CALL_MONITOR) -> Iterator[str]:
    """``prism mock`` serving the document's examples; yields its base URL."""
    with _prism("mock", document=document) as base_url:
        yield base_url


@contextmanager
def prism_proxy(upstream: str, document: Path = CALL_MONITOR) -> Iterator[str]:
    """``prism proxy`` validating traffic to ``upstream`` against the document.

    Without ``--errors`` Prism forwards every request, valid or not, and reports what it
    found wrong in the ``sl-violations`` response header (a JSON list, each item with a
    ``location`` starting with ``request`` or ``response``).
    """
    with _prism("proxy", upstream, document=document) as base_url:
        yield base_url
