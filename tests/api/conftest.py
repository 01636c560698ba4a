"""Fixtures of the mock's HTTP tests: a fresh app per test (demo scenario, demo account,
strict authentication) on a settable clock, an injected sleep, a seeded random source, and a
client into the app that checks every response against the documents (see ``helpers``).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from mock_server.app import MockApp, create_app
from mock_server.settings import Settings
from tests.api.helpers import client_for, signed
from tests.support.clock import Clock, Sleeps


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_settings(clock: Clock, sleeps: Sleeps) -> Callable[..., Settings]:
    """Settings on the test's clock and sleep, with a seeded random source; overridable."""

    def make(**changes: Any) -> Settings:
        base = Settings(clock=clock, sleep=sleeps, rng=random.Random(20260105))
        return dataclasses.replace(base, **changes)

    return make


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module lists the state backends its tests run on in ``STATE_BACKENDS`` (default:
    memory only), a test may narrow them with ``@pytest.mark.state_backends(...)`` (a test
    of the in-memory cache's own bounds, of an injected clock's expiry); each test then runs
    once per backend."""
    if "state_backend" in metafunc.fixturenames:
        backends = getattr(metafunc.module, "STATE_BACKENDS", ("memory",))
        marker = metafunc.definition.get_closest_marker("state_backends")
        if marker is not None:
            backends = marker.args
        metafunc.parametrize("state_backend", backends)


@pytest.fixture
def state_setting(state_backend: str, request: pytest.FixtureRequest) -> str:
    """The ``state`` setting of the test's backend (a fresh Redis database for redis)."""
    if state_backend == "memory":
        return "memory"
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
def app(make_settings: Callable[..., Settings], state_setting: str) -> MockApp:
    """A fresh mock: demo scenario, demo account, strict authentication."""
    return create_app(make_settings(state=state_setting))


@pytest.fixture
async def client(app: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as opened:
        yield opened


@pytest.fixture
def headers(clock: Clock) -> Callable[..., dict[str, str]]:
    """``headers()``: freshly signed headers on the test's clock."""

    def make(**kwargs: Any) -> dict[str, str]:
        return signed(clock, **kwargs)

    return make
