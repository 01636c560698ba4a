"""An account's clock in Redis, shared by every worker (``m7:{K}:clock``).

The setting is one string (the snapshot's ``ClockSetting`` JSON; none: the real time). Each
worker keeps the last one it saw, so reading the clock costs nothing; the request path's
script compares that copy with the stored one and answers ``clock`` when another worker
changed it, and the worker takes the new setting and runs the script again
(``RedisCallCenter``). Admin operations read the setting afresh first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import redis.asyncio

from mock_server.model.clock import REAL_TIME, ClockSetting
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.guard import Guard, set_or_delete
from mock_server.redis_store.keys import AccountKeys
from mock_server.redis_store.messages import event_message
from mock_server.redis_store.transaction import optimistic

__all__ = ["RedisClock"]


class RedisClock:
    """``AccountClock`` on the state every worker shares."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        keys: AccountKeys,
        *,
        real: Callable[[], float],
        where: str = "redis",
        guard: Guard | None = None,
    ) -> None:
        self.real = real
        #: An account made at run time: a change is written only to its creation (``guard``).
        self._guard = guard
        self._client = client
        self._keys = keys
        self._where = where
        #: The stored setting as this worker last saw it (``b""``: none, the real time).
        self.seen = b""
        self._setting = REAL_TIME

    def __call__(self) -> float:
        return self._setting.at(self.real())

    def at(self, real: float) -> float:
        return self._setting.at(real)

    def saw(self, stored: bytes) -> None:
        """Take ``stored`` (what the store holds now) as the setting in force."""
        if stored != self.seen:
            self._setting = ClockSetting.from_dict(orjson.loads(stored)) if stored else REAL_TIME
            self.seen = stored

    async def setting(self) -> ClockSetting:
        try:
            stored = await self._client.get(self._keys.clock)
        except LOST as exc:
            raise lost(self._where, exc) from None
        self.saw(stored.encode() if isinstance(stored, str) else stored or b"")
        return self._setting

    async def set(self, setting: ClockSetting) -> ClockSetting:
        stored = b"" if setting == REAL_TIME else orjson.dumps(setting.to_dict())
        await set_or_delete(
            self._client,
            self._keys,
            self._keys.clock,
            stored,
            event_message("callcenter", {"action": "clock"}),
            self._guard,
            where=self._where,
        )
        self.saw(stored)
        return setting

    async def change(self, how: Callable[[ClockSetting, float], ClockSetting]) -> ClockSetting:
        """One optimistic transaction (``transaction``): read the setting, apply ``how``,
        write it; again when another worker changed it meanwhile."""
        keys = self._keys

        async def step(pipe: Any) -> ClockSetting:
            await pipe.watch(keys.clock)
            stored = await pipe.get(keys.clock)
            self.saw(stored.encode() if isinstance(stored, str) else stored or b"")
            setting = how(self._setting, self.real())
            written = b"" if setting == REAL_TIME else orjson.dumps(setting.to_dict())
            pipe.multi()
            if written:
                pipe.set(keys.clock, written)
            else:
                pipe.delete(keys.clock)
            pipe.publish(keys.events, event_message("callcenter", {"action": "clock"}))
            await pipe.execute()
            self.saw(written)
            return setting

        return await optimistic(
            self._client,
            step,
            guard=self._guard,
            account=keys.account,
            what="clock",
            where=self._where,
        )
