"""The accounts created while the mock runs, in Redis (``m7:accounts``), for every worker.

One hash: app key -> the account's entry (``RuntimeAccount.entry``: its secret and a serial,
small, since every request naming the account reads it); the starting scenario is the
account's marker (``AccountKeys.made``), read only when the entry changed. Adding is one script, so two workers cannot both take one app key or
pass the limit together; the account's marker (``AccountKeys.made``, in its own hash slot)
follows. Removing an account removes its marker first, then every key of it, so nothing of it
is left in Redis, and a request in flight on another worker cannot seed it again.
"""

from __future__ import annotations

from typing import Final

import redis.asyncio

from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.keys import ACCOUNTS, AccountKeys

__all__ = ["RedisAccountRegistry"]

_SCAN_BATCH: Final = 500

#: KEYS[1] the registry; ARGV[1] the app key, ARGV[2] its entry, ARGV[3] the limit.
_ADD: Final = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 'exists' end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 'full' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 'ok'
"""


class RedisAccountRegistry:
    """``AccountRegistry`` on the Redis every worker shares."""

    def __init__(self, client: redis.asyncio.Redis, *, where: str = "redis") -> None:
        self._client = client
        self._where = where

    async def add(self, app_key: str, entry: bytes, scenario: bytes, limit: int) -> str:
        try:
            added = await self._client.eval(_ADD, 1, ACCOUNTS, app_key, entry, limit)
            added = added.decode() if isinstance(added, bytes) else str(added)
            if added == "ok":  # in the account's own slot: what its seed script checks
                await self._client.set(AccountKeys(app_key).made, scenario)
        except LOST as exc:
            raise lost(self._where, exc) from None
        return added

    async def entry(self, app_key: str) -> bytes | None:
        try:
            entry = await self._client.hget(ACCOUNTS, app_key)
        except LOST as exc:
            raise lost(self._where, exc) from None
        return entry.encode() if isinstance(entry, str) else entry

    async def scenario(self, app_key: str) -> bytes | None:
        try:
            scenario = await self._client.get(AccountKeys(app_key).made)
        except LOST as exc:
            raise lost(self._where, exc) from None
        return scenario.encode() if isinstance(scenario, str) else scenario

    async def remove(self, app_key: str) -> bool:
        keys = AccountKeys(app_key)
        try:
            await self._client.delete(keys.made)  # first: nothing seeds it from now on
            existed = bool(await self._client.hdel(ACCOUNTS, app_key))
            doomed = [
                keys.center,
                keys.scenario,
                keys.faults,
                keys.journal,
                keys.clock,
                keys.fence,
            ]
            async for name in self._client.scan_iter(match=keys.replay_pattern, count=_SCAN_BATCH):
                doomed.append(name.decode() if isinstance(name, bytes) else name)
                if len(doomed) >= _SCAN_BATCH:
                    await self._client.unlink(*doomed)
                    doomed.clear()
            if doomed:
                await self._client.unlink(*doomed)
        except LOST as exc:
            raise lost(self._where, exc) from None
        return existed
