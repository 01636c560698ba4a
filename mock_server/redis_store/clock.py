"""An account's clock in Redis, shared by every worker (``m7:{K}:clock``).

The setting is one string (the snapshot's ``ClockSetting`` JSON; none: the real time). Each
worker keeps the last one it saw, so reading the clock costs nothing; the request path's
script compares that copy with the stored one and answers ``clock`` when another worker
changed it, and the worker takes the new setting and runs the script again
(``RedisCallCenter``). Admin operations read the setting afresh first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import orjson
import redis.asyncio
from redis.exceptions import WatchError

from mock_server.model.clock import REAL_TIME, ClockSetting
from mock_server.model.store_errors import StateStoreUnavailable
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.guard import REMOVED, SET_OR_DELETE, Guard, removed
from mock_server.redis_store.keys import AccountKeys
from mock_server.redis_store.messages import event_message

__all__ = ["RedisClock"]

#: Optimistic attempts of ``change`` (each retry means another change won a race).
_MAX_ATTEMPTS: Final = 100


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
        keys = [self._keys.clock, self._keys.events]
        args = [stored, event_message("callcenter", {"action": "clock"})]
        if self._guard is not None:
            keys.append(self._guard.marker)
            args.append(self._guard.serial.encode())
        try:
            written = await self._client.eval(SET_OR_DELETE, len(keys), *keys, *args)
        except LOST as exc:
            raise lost(self._where, exc) from None
        if written == REMOVED:
            raise removed(self._keys.account)
        self.saw(stored)
        return setting

    async def change(self, how: Callable[[ClockSetting, float], ClockSetting]) -> ClockSetting:
        """One optimistic transaction: ``WATCH`` the setting (and the account's marker),
        read it, apply ``how``, write it in ``MULTI``/``EXEC``; again when another worker
        changed it meanwhile."""
        keys = self._keys
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                for _ in range(_MAX_ATTEMPTS):
                    try:
                        if self._guard is not None:
                            await self._guard.watch(pipe, keys.account)
                        await pipe.watch(keys.clock)
                        stored = await pipe.get(keys.clock)
                        self.saw(stored.encode() if isinstance(stored, str) else stored or b"")
                        setting = how(self._setting, self.real())
                        written = b"" if setting == REAL_TIME else orjson.dumps(setting.to_dict())
                        pipe.multi()  # type: ignore[no-untyped-call]
                        if written:
                            pipe.set(keys.clock, written)
                        else:
                            pipe.delete(keys.clock)
                        message = event_message("callcenter", {"action": "clock"})
                        pipe.publish(keys.events, message)
                        await pipe.execute()
                        self.saw(written)
                        return setting
                    except WatchError:
                        continue
        except LOST as exc:
            raise lost(self._where, exc) from None
        # Busy, not broken: the lifecycle answers 503 with Retry-After, nothing was written.
        raise StateStoreUnavailable(
            f"clock of {keys.account}: {_MAX_ATTEMPTS} changes by other workers came first; "
            "try again"
        )
