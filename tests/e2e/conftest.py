"""Real processes for the end-to-end tests: the mock on a socket, Prism in front of it or alone.

Every process is session-scoped (started once, on a free port, when a test first needs it)
and always stopped at the end of the session; see ``tests/support/processes.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.support.inprocess import RecordingTransport
from tests.support.processes import mock_process, prism_mock, prism_proxy


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    """The mock server started as ``python -m mock_server`` on a free port."""
    with mock_process() as base_url:
        yield base_url


@pytest.fixture(scope="session")
def proxy_url(mock_url: str) -> Iterator[str]:
    """``prism proxy`` validating the traffic to ``mock_url`` against the document."""
    with prism_proxy(mock_url) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def prism_mock_url() -> Iterator[str]:
    """``prism mock`` serving the document's examples."""
    with prism_mock() as base_url:
        yield base_url


@pytest.fixture
def reset_mock(mock_url: str) -> Callable[[], None]:
    """Back to the demo scenario (and an empty replay cache) through the admin API."""

    def reset() -> None:
        response = httpx.post(f"{mock_url}/__mock/reset", timeout=5)
        assert response.status_code == 200, response.text

    return reset


@pytest.fixture(scope="module")
def recording() -> Iterator[RecordingTransport]:
    """Every exchange of the e2e clients, for the assertions that read them back."""
    transport = RecordingTransport()
    yield transport
    transport.close()
