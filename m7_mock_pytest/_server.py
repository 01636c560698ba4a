"""The session's mock server: one the plugin starts, or one already running.

Started here, it is ``python -m mock_server`` (``m7-mock``) of this same interpreter, in a
process of its own on a port the system picks (``--port 0``; its banner says which), so
that it is exactly the installed mock, its event loop and logging stay out of the tests'
process, and parallel pytest-xdist workers, each starting its own, never race for a port.
Its environment has no ``M7_MOCK_*`` variable: a setting meant for another mock (a port,
a scenario, an authentication mode) must not change the one the tests rely on. On Linux it
gets SIGTERM when the tests' process dies, so a killed run leaves no mock behind.

Given by ``--m7-mock-url`` or ``M7_MOCK_URL`` (a CI service, a mock shared by several
jobs), it is used as it is: the tests create accounts on it and delete them, nothing else.

Every wait is bounded: the start (``START_TIMEOUT``), the stop, each admin request.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx

from m7_mock_admin.api.accounts import create_account
from m7_mock_admin.models import NewAccount
from m7_mock_pytest._account import MockAccount
from m7_mock_pytest._admin import ADMIN_PREFIX, AdminApi

__all__ = ["MockServer", "MockStartError", "running_mock", "started_mock"]

#: Seconds the mock has to start (import, build the app, listen) or a given one to answer.
START_TIMEOUT: Final = 60.0
#: Seconds between SIGTERM and SIGKILL when the session's mock is stopped.
STOP_GRACE: Final = 10.0
#: The banner's line naming the address (``  API         http://127.0.0.1:40123``).
_API_LINE: Final = re.compile(r"^\s*API\s+(?P<url>https?://\S+)\s*$", re.MULTILINE)
_PR_SET_PDEATHSIG: Final = 1
# Loaded here, in the parent: the child must not load a library between fork and exec.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


class MockStartError(RuntimeError):
    """The mock could not be started or reached; the message says why (its output's end)."""


class MockServer:
    """The mock of the session (the ``m7_mock`` fixture): its address and its accounts."""

    def __init__(self, base_url: str, admin_token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._admin = AdminApi(self.base_url, admin_token)

    def __repr__(self) -> str:
        return f"MockServer(base_url={self.base_url!r})"

    def create_account(self, scenario: dict[str, Any] | None = None) -> MockAccount:
        """A new account with a made-up app key and secret (delete it when done), starting
        from ``scenario`` or from the mock's start-up call center (the demo's)."""
        body = NewAccount.from_dict({"scenario": scenario} if scenario is not None else {})
        created = self._admin.answer(
            "createAccount",
            lambda: create_account.sync_detailed(client=self._admin.client, body=body),
            expect=201,
        )
        return MockAccount(self._admin, created.app_key, created.secret)

    @contextlib.contextmanager
    def account(self, scenario: dict[str, Any] | None = None) -> Iterator[MockAccount]:
        """An account for the ``with`` block, deleted when it ends (a module's, a class's)."""
        created = self.create_account(scenario)
        try:
            yield created
        finally:
            created.delete()

    def close(self) -> None:
        self._admin.close()


def _wait_until_ready(
    base_url: str, deadline: float, process: subprocess.Popen[bytes] | None, log: Path | None
) -> None:
    """Until ``/__mock/health`` answers 200; :class:`MockStartError` past ``deadline``."""
    health = f"{base_url}{ADMIN_PREFIX}/health"
    last = "no answer"
    while True:
        if process is not None and process.poll() is not None:
            raise MockStartError(
                f"the mock exited with status {process.returncode} before it was ready:\n"
                f"{_tail(log)}"
            )
        try:
            response = httpx.get(health, timeout=2.0)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        except httpx.TransportError as exc:
            last = type(exc).__name__
        if time.monotonic() > deadline:
            raise MockStartError(
                f"the mock at {base_url} did not answer {ADMIN_PREFIX}/health within "
                f"{START_TIMEOUT:.0f} s (last: {last})" + (f":\n{_tail(log)}" if log else "")
            )
        time.sleep(0.1)


@contextlib.contextmanager
def running_mock(base_url: str, admin_token: str | None = None) -> Iterator[MockServer]:
    """A mock already running at ``base_url`` (ready within ``START_TIMEOUT``)."""
    _wait_until_ready(base_url.rstrip("/"), time.monotonic() + START_TIMEOUT, None, None)
    server = MockServer(base_url, admin_token)
    try:
        yield server
    finally:
        server.close()


@contextlib.contextmanager
def started_mock() -> Iterator[MockServer]:
    """``python -m mock_server`` on a free loopback port until the block ends."""
    argv = [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", "0"]
    argv += ["--log-level", "warning"]  # no access line per request: its output stays small
    env = {k: v for k, v in os.environ.items() if not k.startswith("M7_MOCK_")}
    env["NO_COLOR"] = "1"
    with tempfile.NamedTemporaryFile(prefix="m7-mock-pytest-", suffix=".log") as output:
        log = Path(output.name)
        process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed options
            argv,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own process group: stopped with all it started
            preexec_fn=_die_with_parent,
        )
        try:
            base_url = _announced_url(process, log, time.monotonic() + START_TIMEOUT)
            _wait_until_ready(base_url, time.monotonic() + START_TIMEOUT, process, log)
            server = MockServer(base_url)
            try:
                yield server
            finally:
                server.close()
        finally:
            _stop(process)


def _announced_url(process: subprocess.Popen[bytes], log: Path, deadline: float) -> str:
    """The address in the mock's banner (printed once it listens)."""
    while True:
        found = _API_LINE.search(log.read_text(encoding="utf-8", errors="replace"))
        if found is not None:
            return found["url"]
        if process.poll() is not None:
            raise MockStartError(
                f"the mock exited with status {process.returncode} before it listened:\n"
                f"{_tail(log)}"
            )
        if time.monotonic() > deadline:
            raise MockStartError(
                f"the mock did not listen within {START_TIMEOUT:.0f} s:\n{_tail(log)}"
            )
        time.sleep(0.05)


def _tail(log: Path | None, lines: int = 30) -> str:
    if log is None:
        return ""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


def _die_with_parent() -> None:
    """In the child, before exec (Linux): SIGTERM when the tests' process dies, so that a
    run killed from outside (a CI timeout) leaves no mock behind."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the mock's process group, SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_GRACE)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_GRACE)
