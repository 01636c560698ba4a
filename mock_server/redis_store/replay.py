"""The replay cache in Redis, as the vendor keeps it: one key per ``sign + nonce`` for the
window.

The key holds until when (the account's clock, in ms) it is remembered, and expires after the
window in real time too: so a clock moved forward forgets it as the vendor would after that
long, and Redis never holds it longer than the window. One Lua function is the whole rule
(``replay.lua``, in this module's script and the request path's, ``act.lua``): it records the
key and says whether it was there already. No live key is ever dropped early (memory is Redis's to bound, unlike the capped
in-memory cache), and every worker of the mock sees every other's keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import redis.asyncio

from mock_server.model.defaults import REPLAY_WINDOW_SECONDS
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.keys import AccountKeys

__all__ = ["REPLAYED", "RedisReplay", "unlink_replay_keys"]

_SCAN_BATCH = 500

#: The rule (``replay.lua``), also prepended to the request path's script (``act.lua``).
REPLAYED: Final = Path(__file__).with_name("replay.lua").read_text(encoding="utf-8")

#: KEYS[1] the replay key; ARGV[1] now (ms, the account's clock), ARGV[2] the window (s).
#: Returns 1 for a replay, else records the key and returns 0.
_CHECK_AND_ADD: Final = (
    REPLAYED + "return replayed(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])) and 1 or 0\n"
)


async def unlink_replay_keys(client: redis.asyncio.Redis, keys: AccountKeys, *also: str) -> None:
    """Remove every replay key of the account, and ``also`` those keys, a batch at a time
    (``LOST`` propagates to the caller)."""
    batch: list[bytes | str] = list(also)
    async for name in client.scan_iter(match=keys.replay_pattern, count=_SCAN_BATCH):
        batch.append(name)
        if len(batch) >= _SCAN_BATCH:
            await client.unlink(*batch)
            batch.clear()
    if batch:
        await client.unlink(*batch)


class RedisReplay:
    """``ReplayCache``'s methods, async, on the keys of one account."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        keys: AccountKeys,
        *,
        window: int = REPLAY_WINDOW_SECONDS,
        where: str = "redis",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._client = client
        self._keys = keys
        self._window = window
        self._where = where

    async def check_and_add(self, key: str) -> bool:
        """Record ``key``; True if it was already recorded within the window (a replay)."""
        now = round(self._clock() * 1000)
        try:
            replayed = await self._client.eval(
                _CHECK_AND_ADD, 1, self._keys.replay(key), now, self._window
            )
        except LOST as exc:
            raise lost(self._where, exc) from None
        return bool(replayed)

    async def clear(self) -> None:
        """Forget the account's keys, and its fence after a loss (a reset lets recordings
        be resent)."""
        try:
            await unlink_replay_keys(self._client, self._keys, self._keys.fence)
        except LOST as exc:
            raise lost(self._where, exc) from None
