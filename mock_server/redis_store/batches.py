"""One Lua script run for many concurrent requests, several calls to one pipeline.

A worker of the mock serves many requests at once, and on Redis each of them costs one
script call. Sent one by one, every call pays redis-py's fixed cost (a connection taken from
the pool and given back, a timeout armed, a write and a read), which was most of a request's
time on the Redis backend. So calls made while another batch is on its way wait for it and
then go together in one pipeline (``transaction=False``: each script is atomic by itself,
and nothing orders the calls of different requests anyway). A request alone still goes at
once, in one round trip. This is auto-pipelining as some Redis clients have it; redis-py
does not, so it is written here (one small class).

``EVALSHA`` is used, and a server that does not know the script (restarted, flushed) gets it
with ``SCRIPT LOAD`` before the calls that failed for it are sent again.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import Any, Final

import redis.asyncio
from redis.exceptions import NoScriptError

from mock_server.redis_store.connection import LOST, lost

__all__ = ["ScriptBatches"]

#: Calls per pipeline at most (a bound on what one batch holds in memory and on the wire).
MAX_BATCH: Final = 128

Arguments = Sequence[str | bytes | int | float]


class _Call:
    __slots__ = ("args", "future", "keys")

    def __init__(self, keys: Arguments, args: Arguments, future: asyncio.Future[Any]) -> None:
        self.keys = keys
        self.args = args
        self.future = future


class ScriptBatches:
    """``await batches(keys, args)``: the script's reply, as ``EVALSHA`` would give it."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        source: str,
        *,
        where: str = "redis",
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._client = client
        self._source = source
        self._sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()
        self._where = where
        self._max_batch = max_batch
        self._waiting: list[_Call] = []
        self._sender: asyncio.Task[None] | None = None

    async def __call__(self, keys: Arguments, args: Arguments) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Call(keys, args, future))
        if self._sender is None:
            self._sender = asyncio.get_running_loop().create_task(self._send())
        return await future

    async def _send(self) -> None:
        """Send what waits, a batch at a time, until nothing does."""
        try:
            while self._waiting:
                batch = self._waiting[: self._max_batch]
                del self._waiting[: self._max_batch]
                await self._run(batch)
        finally:
            self._sender = None

    async def _run(self, batch: list[_Call]) -> None:
        """One pipeline for ``batch``; every call's future gets its reply or its error."""
        try:
            replies = await self._pipeline(batch)
            unknown = [i for i, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
            if unknown:
                await self._client.script_load(self._source)
                again = await self._pipeline([batch[i] for i in unknown])
                for i, reply in zip(unknown, again, strict=True):
                    replies[i] = reply
        except LOST as exc:
            replies = [lost(self._where, exc) for _ in batch]
        except Exception as exc:  # handed to every caller, not swallowed
            replies = [exc] * len(batch)
        for call, reply in zip(batch, replies, strict=True):
            if call.future.done():  # its request was cancelled (the client went away)
                continue
            if isinstance(reply, BaseException):
                call.future.set_exception(reply)
            else:
                call.future.set_result(reply)

    async def _pipeline(self, batch: list[_Call]) -> list[Any]:
        pipe = self._client.pipeline(transaction=False)
        for call in batch:
            pipe.evalsha(self._sha, len(call.keys), *call.keys, *call.args)
        replies: list[Any] = await pipe.execute(raise_on_error=False)
        return replies
