"""The accounts created while the mock runs, in Redis (``m7:accounts``), for every worker.

One hash: app key -> the account's entry (``RuntimeAccount.entry``: its secret and the serial
of its creation, small, since every request naming the account reads it). The account's
marker (``AccountKeys.made``, a hash in its own slot) holds the same serial and the starting
scenario (read only when the entry changed); a create that fails after its entry takes the
entry back. Adding is one script, so two workers cannot both take one app key or
pass the limit together; the account's marker (``AccountKeys.made``, in its own hash slot)
follows. Removing an account removes its marker first, then every key of it, so nothing of it
is left in Redis, and a request in flight on another worker cannot seed it again.
"""

from __future__ import annotations

import contextlib
from typing import Final

import redis.asyncio

from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.keys import ACCOUNTS, AccountKeys
from mock_server.redis_store.replay import unlink_replay_keys

__all__ = ["RedisAccountRegistry"]

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

    async def add(
        self, app_key: str, entry: bytes, serial: str, scenario: bytes, limit: int
    ) -> str:
        try:
            added = await self._client.eval(_ADD, 1, ACCOUNTS, app_key, entry, limit)
        except LOST as exc:
            raise lost(self._where, exc) from None
        added = added.decode() if isinstance(added, bytes) else str(added)
        if added != "ok":
            return added
        try:  # the marker, in the account's own slot: what its guarded writes check
            await self._client.hset(
                AccountKeys(app_key).made, mapping={"serial": serial, "scenario": scenario}
            )
        except BaseException as exc:
            with contextlib.suppress(Exception):  # not half made: the entry goes too
                await self._client.hdel(ACCOUNTS, app_key)
            if isinstance(exc, LOST):
                raise lost(self._where, exc) from None
            raise
        return added

    async def entry(self, app_key: str) -> bytes | None:
        try:
            entry = await self._client.hget(ACCOUNTS, app_key)
        except LOST as exc:
            raise lost(self._where, exc) from None
        return entry.encode() if isinstance(entry, str) else entry

    async def scenario(self, app_key: str, serial: str) -> bytes | None:
        try:
            held, scenario = await self._client.hmget(
                AccountKeys(app_key).made, ["serial", "scenario"]
            )
        except LOST as exc:
            raise lost(self._where, exc) from None
        if (held.decode() if isinstance(held, bytes) else held) != serial:
            return None  # being made, removed or made again meanwhile
        return scenario.encode() if isinstance(scenario, str) else scenario

    async def remove(self, app_key: str) -> bool:
        keys = AccountKeys(app_key)
        try:
            await self._client.delete(keys.made)  # first: nothing seeds it from now on
            existed = bool(await self._client.hdel(ACCOUNTS, app_key))
            await unlink_replay_keys(
                self._client,
                keys,
                keys.center,
                keys.scenario,
                keys.faults,
                keys.journal,
                keys.clock,
                keys.fence,
            )
        except LOST as exc:
            raise lost(self._where, exc) from None
        return existed
