"""Noticing that Redis lost its data, and fencing what it can no longer judge.

A Redis that keeps nothing on disk comes back from a restart empty: the replay memory and
every admin change are gone. Every worker counts itself in ``m7:nodes`` when it starts
(``state.worker_node``), so that key exists for as long as the data the workers wrote does;
an account's call center found missing while ``m7:nodes`` is missing too means the store was
emptied since a worker started, whichever worker notices and whichever account it was
serving. Then every account of the mock gets a fence (``m7:{K}:fence``: the time, for one
window), before anything is seeded again: a request signed before it is refused as a possible
replay by the request script. ``m7:nodes`` is set again last, and the worker that sets it says
so in one log line; a worker that finds it set already leaves the fences to the one that did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import redis.asyncio

from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.keys import NODES, AccountKeys

__all__ = ["StoreLoss"]

logger = logging.getLogger("mock_server")


class StoreLoss:
    """Tells a first start from a loss, for every account of one mock on one Redis."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        accounts: Sequence[AccountKeys],
        *,
        window: int,
        clock: Callable[[], float],
        where: str,
    ) -> None:
        self._client = client
        self._accounts = tuple(accounts)
        self._window = window
        self._clock = clock
        self._where = where

    async def check(self) -> bool:
        """Called when an account's call center is missing: whether the store lost its data
        (then every account is fenced, and one worker logs it) or this is a first start."""
        try:
            if await self._client.exists(NODES):
                return False
            now = self._clock()
            pipe = self._client.pipeline(transaction=False)
            for keys in self._accounts:
                pipe.set(keys.fence, f"{now:.3f}", ex=self._window + 1)
            pipe.set(NODES, 0, nx=True)
            *_, marked = await pipe.execute()
        except LOST as exc:
            raise lost(self._where, exc) from None
        if marked:
            since = datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")
            logger.warning(
                "state store %s lost its data (the replay memory and every change made through "
                "the admin API, of %d account(s)): each starts again from its scenario, and "
                "requests signed before %s are refused as possible replays for %d s",
                self._where,
                len(self._accounts),
                since,
                self._window,
            )
        return True
