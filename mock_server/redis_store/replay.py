"""The replay cache in Redis, as the vendor keeps it: ``SET <key> 1 NX EX <window>``.

One command is the whole rule: it records the key and says whether it was there already. No
live key is ever dropped early (memory is Redis's to bound, unlike the capped in-memory
cache), and every worker of the mock sees every other's keys.
"""

from __future__ import annotations

import redis.asyncio

from mock_server.model.defaults import REPLAY_WINDOW_SECONDS
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.keys import AccountKeys

__all__ = ["RedisReplay"]

_SCAN_BATCH = 500


class RedisReplay:
    """``ReplayCache``'s methods, async, on the keys of one account."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        keys: AccountKeys,
        *,
        window: int = REPLAY_WINDOW_SECONDS,
        where: str = "redis",
    ) -> None:
        self._client = client
        self._keys = keys
        self._window = window
        self._where = where

    async def check_and_add(self, key: str) -> bool:
        """Record ``key``; True if it was already recorded within the window (a replay)."""
        try:
            added = await self._client.set(self._keys.replay(key), b"1", nx=True, ex=self._window)
        except LOST as exc:
            raise lost(self._where, exc) from None
        return added is None

    async def clear(self) -> None:
        """Forget the account's keys, and its fence after a loss (a reset lets recordings
        be resent)."""
        try:
            batch: list[bytes] = [self._keys.fence.encode()]
            async for name in self._client.scan_iter(
                match=self._keys.replay_prefix + "*", count=_SCAN_BATCH
            ):
                batch.append(name)
                if len(batch) >= _SCAN_BATCH:
                    await self._client.unlink(*batch)
                    batch.clear()
            if batch:
                await self._client.unlink(*batch)
        except LOST as exc:
            raise lost(self._where, exc) from None
