"""The stateful suite runs against both backends: the in-memory state and Redis.

``mock`` overrides the shared in-process fixture with one mock per backend; the Redis one
uses database 1 of the session's real ``redis-server``, emptied first. The differential tests
drive both states from one event loop in a thread (``portal_and_client``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import redis
from anyio.from_thread import BlockingPortal, start_blocking_portal
from redis.asyncio import Redis

from mock_server.redis_store.connection import connect
from mock_server.settings import Settings
from tests.support.inprocess import InProcessMock, in_process_mock
from tests.support.redis_server import RedisServer


@pytest.fixture(scope="module", params=["memory", "redis"])
def mock(request: pytest.FixtureRequest, next_nonce: Callable[[], str]) -> Iterator[InProcessMock]:
    settings = None
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_service")
        url = server.url(db=1)
        with redis.Redis.from_url(url) as connection:
            connection.flushdb()
        settings = Settings(state=url)
    with in_process_mock(settings) as running:
        yield running


@pytest.fixture
def portal_and_client(redis_url: str) -> Iterator[tuple[BlockingPortal, Redis]]:
    """One event loop in a thread and one client on the session's Redis, for the whole test."""
    with start_blocking_portal() as portal:
        client = connect(redis_url)
        try:
            yield portal, client
        finally:
            portal.call(client.aclose)
