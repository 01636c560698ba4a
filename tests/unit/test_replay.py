"""The replay cache (``mock_server.model.replay``): its window and its hard cap."""

from __future__ import annotations

import pytest

from mock_server.model.replay import ReplayCache
from tests.support.clock import Clock


async def test_the_replay_cache_forgets_the_oldest_when_full() -> None:
    clock = Clock()
    cache = ReplayCache(window=300, capacity=50, clock=clock)
    for n in range(5000):
        assert await cache.check_and_add(f"key-{n}") is False
        assert len(cache) <= 50
    assert cache.evicted == 4950
    assert await cache.check_and_add("key-4999") is True
    assert await cache.check_and_add("key-0") is False  # evicted: forgotten early (the trade-off)


async def test_the_replay_cache_expires_after_the_window() -> None:
    clock = Clock()
    cache = ReplayCache(window=300, capacity=10, clock=clock)
    assert await cache.check_and_add("a") is False
    clock.advance(100)
    assert await cache.check_and_add("b") is False
    clock.advance(200)  # "a" is 300 s old: still a replay
    assert await cache.check_and_add("a") is True
    clock.advance(1)  # 301 s
    assert await cache.check_and_add("a") is False
    assert len(cache) == 2  # "a" again and "b"
    clock.advance(400)
    assert await cache.check_and_add("c") is False
    assert len(cache) == 1


def test_a_replay_cache_needs_room_for_one() -> None:
    with pytest.raises(ValueError, match="capacity"):
        ReplayCache(capacity=0)
