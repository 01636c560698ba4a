"""The replay cache (``mock_server.model.replay``): its window, and a memory bound that
never forgets a live entry (it refuses instead)."""

from __future__ import annotations

import base64
import tracemalloc

import pytest

from mock_server.model.replay import ENTRY_BYTES, ReplayCache, StoreUnavailable
from tests.support.clock import Clock


async def test_the_replay_cache_never_forgets_a_live_key_when_full() -> None:
    clock = Clock()
    cache = ReplayCache(window=300, max_bytes=50 * ENTRY_BYTES, clock=clock)
    for n in range(50):
        assert await cache.check_and_add(f"key-{n}") is False
    clock.advance(10)
    with pytest.raises(StoreUnavailable) as caught:
        await cache.check_and_add("key-50")
    assert caught.value.retry_after == 290  # when key-0 expires
    assert len(cache) == 50
    assert cache.refused == 1
    assert await cache.check_and_add("key-0") is True  # still a replay, however full
    clock.advance(291)
    assert await cache.check_and_add("key-50") is False  # room again once they expired


async def test_the_replay_cache_expires_after_the_window() -> None:
    clock = Clock()
    cache = ReplayCache(window=300, max_bytes=10 * ENTRY_BYTES, clock=clock)
    assert await cache.check_and_add("a") is False
    clock.advance(100)
    assert await cache.check_and_add("b") is False
    clock.advance(199.999)  # "a" is a moment short of 300 s old: still a replay
    assert await cache.check_and_add("a") is True
    clock.advance(0.001)  # 300 s: it lived its window (as a Redis key with EX 300 does)
    assert await cache.check_and_add("a") is False
    assert len(cache) == 2  # "a" again and "b"
    clock.advance(400)
    assert await cache.check_and_add("c") is False
    assert len(cache) == 1


def test_a_replay_cache_needs_room_for_one() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        ReplayCache(max_bytes=ENTRY_BYTES - 1)


async def test_a_full_cache_holds_no_more_memory_than_its_bound() -> None:
    """The bound counts what is really held: filled to capacity with keys shaped like the
    mock's (44 characters of ``m7-sign`` and a 6-digit nonce), each with its own time, the
    cache's memory (keys included, measured by tracemalloc) stays within ``max_bytes``."""
    max_bytes = 16 * 1024 * 1024
    clock = Clock(1_000.0, tick=0.0001)
    tracemalloc.start()
    try:
        cache = ReplayCache(max_bytes=max_bytes, clock=clock)
        before = tracemalloc.get_traced_memory()[0]
        for i in range(cache.capacity):
            sign = base64.b64encode(i.to_bytes(32, "big")).decode()
            assert not await cache.check_and_add(f"{sign}{i % 10**6:06d}")
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(cache) == cache.capacity
    assert held <= max_bytes, f"{held / cache.capacity:.0f} bytes per entry, over {ENTRY_BYTES}"
