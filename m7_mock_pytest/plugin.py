"""The pytest plugin: the fixtures ``m7_mock``, ``m7_account`` and ``m7_client``.

Registered by the ``m7-mock-server`` wheel (entry point ``pytest11``: ``m7_mock``), so a
test suite only names the fixtures. Nothing starts until a test asks for one: a suite that
never does pays for no mock.

Where the mock comes from, first found wins:

1. ``--m7-mock-url URL`` or the environment variable ``M7_MOCK_URL``: a mock already
   running (a CI service), shared by every worker; its admin token, when it needs one, from
   ``M7_MOCK_ADMIN_TOKEN`` (or ``--m7-mock-admin-token``, which other users of the machine
   can see in the process list);
2. otherwise the plugin starts one per test session (per pytest-xdist worker) on a free
   port, and stops it at the end.

Either way each test gets an account of its own, so tests never see each other's calls.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from m7_call_monitor import CallMonitor
    from m7_mock_pytest._account import MockAccount
    from m7_mock_pytest._server import MockServer

URL_VARIABLE = "M7_MOCK_URL"
TOKEN_VARIABLE = "M7_MOCK_ADMIN_TOKEN"  # noqa: S105 - the variable's name, not a secret


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("m7-mock", "the m7 mock server (fixtures m7_mock, m7_account)")
    group.addoption(
        "--m7-mock-url",
        default=None,
        metavar="URL",
        help=f"use the mock running at URL instead of starting one (env {URL_VARIABLE})",
    )
    group.addoption(
        "--m7-mock-admin-token",
        default=None,
        metavar="TOKEN",
        help=(
            f"the admin token of the mock at --m7-mock-url, if it needs one (env "
            f"{TOKEN_VARIABLE}, preferred: a command line is visible to other users)"
        ),
    )


@pytest.fixture(scope="session")
def m7_mock(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """The session's mock server: the one at ``--m7-mock-url``/``M7_MOCK_URL``, else one
    started on a free port for this session (each pytest-xdist worker its own)."""
    from m7_mock_pytest._server import MockStartError, running_mock, started_mock

    url = request.config.getoption("m7_mock_url") or os.environ.get(URL_VARIABLE)
    token = request.config.getoption("m7_mock_admin_token") or os.environ.get(TOKEN_VARIABLE)
    try:
        mock = running_mock(url, token) if url else started_mock()
        with mock as server:
            yield server
    except MockStartError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def m7_account(m7_mock: MockServer) -> Iterator[MockAccount]:
    """A fresh account for this test: its own credentials, call center (the mock's start-up
    one, the demo's by default), journal, faults and clock; deleted when the test ends."""
    account = m7_mock.create_account()
    try:
        yield account
    finally:
        account.delete()


@pytest.fixture
def m7_client(m7_account: MockAccount) -> Iterator[CallMonitor]:
    """A ``m7_call_monitor.CallMonitor`` on the mock, signed with the test's account on the
    account's clock (the client's defaults: its retries included); closed when the test ends."""
    with m7_account.call_monitor() as monitor:
        yield monitor
