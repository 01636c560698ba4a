"""In-process mock fixtures shared by the property and stateful suites: one mock per module,
unique nonces, the client (loaded by tests/conftest.py as a plugin).

The mock is built once per module (``create_app`` takes ~0.2 s) and reset through its admin
API before each example, which also forgets its replay cache; its clock is the settable
``Clock.real()`` of ``tests/support/clock.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from m7_call_monitor import CallMonitor
from tests.support.inprocess import InProcessMock, in_process_mock
from tests.support.nonces import unique_nonces


@pytest.fixture(scope="module")
def next_nonce() -> Iterator[Callable[[], str]]:
    with unique_nonces() as draw:
        yield draw


@pytest.fixture(scope="module")
def mock(next_nonce: Callable[[], str]) -> Iterator[InProcessMock]:
    with in_process_mock() as running:
        yield running


@pytest.fixture(scope="module")
def monitor(mock: InProcessMock) -> Iterator[CallMonitor]:
    with mock.monitor() as client:
        yield client
