"""The Redis fixtures (loaded by tests/conftest.py as a plugin): one real server per session.

``redis_service`` starts ``redis-server`` the first time a test asks for it and stops it when
the session ends; ``redis_url`` hands each test an emptied database on it, so tests never see
each other's keys.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import redis
import redis.asyncio

from mock_server.redis_store.connection import connect
from tests.support.redis_server import RedisServer, redis_server


@pytest.fixture(scope="session")
def redis_service() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@pytest.fixture
def redis_url(redis_service: RedisServer) -> str:
    """``redis://127.0.0.1:<port>/0``, emptied for this test."""
    url = redis_service.url()
    with redis.Redis.from_url(url) as connection:
        connection.flushall()
    return url


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    """The mock's asyncio client (``redis_store.connection.connect``) on ``redis_url``."""
    client = connect(redis_url)
    try:
        yield client
    finally:
        await client.aclose()
