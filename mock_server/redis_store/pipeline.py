"""The request path's commands to Redis, auto-pipelined on one connection of this worker's.

A worker serves many requests at once, and on Redis each of them costs a command or two (the
action's script, a journal entry). Sent the usual way, every command pays redis-py's fixed
cost: a connection taken from the pool and given back, a timer task per write and per read,
a pipeline object; on this machine that was more than the command itself (about 100-200 µs
of CPU against 20-40 µs). So the commands of the request path go through ``AutoPipeline``:
what the requests of one event-loop turn ask is written at once, in one write, on one
connection kept for it, while the replies of an earlier write are still coming (two writes
out at most: later commands wait and go together); one reader hands the replies back in
order (Redis answers a connection's commands in order). A request
alone still costs one round trip. This is the auto-pipelining some Redis clients have
(ioredis, Lettuce); redis-py has none, so it is written here, on redis-py's own connection,
packing and parser.

Time is bounded as the pool's commands are: a reply that takes longer than the timeout, a
write that cannot go out, or a lost connection fails every command waiting on that
connection with ``StateStoreUnavailable`` (never retried: the command may have run), and the
next command connects anew. Scripts go by ``EVALSHA``; one the server does not know
(restarted, flushed) is loaded with ``SCRIPT LOAD`` and called again.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from typing import Any, Final

import redis.asyncio
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import NoScriptError, ResponseError

from mock_server.redis_store.connection import LOST, TIMEOUT_SECONDS, lost, own_connection

__all__ = ["AutoPipeline"]

#: Commands per write at most (what one write holds in memory and on the wire).
MAX_WRITE: Final = 256
#: Writes whose replies are still coming, at most: more commands wait for the next write,
#: so that under load they go together (one write more than one keeps the connection busy
#: while the replies of the other come back).
MAX_WRITES_OUT: Final = 2

Argument = str | bytes | int | float


class AutoPipeline:
    """``await pipeline.execute(*command)``; ``await pipeline.script(source, keys, args)``."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        *,
        where: str = "redis",
        timeout: float = TIMEOUT_SECONDS,
        max_writes_out: int = MAX_WRITES_OUT,
    ) -> None:
        self._client = client  # its connection settings (the timeout is this class's)
        self._where = where
        self._timeout = timeout
        self._connection: AbstractConnection | None = None
        self._unsent: list[tuple[tuple[Argument, ...], asyncio.Future[Any]]] = []
        #: Futures of the commands written, in order, each with whether it ends its write.
        self._unanswered: deque[tuple[asyncio.Future[Any], bool]] = deque()
        self._writes_out = 0
        self._max_writes_out = max_writes_out
        self._writer: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._shas: dict[str, str] = {}

    async def execute(self, *command: Argument) -> Any:
        """The reply of ``command``; a Redis error reply raises (``ResponseError``)."""
        return await self._queue(command)

    async def execute_all(self, *commands: tuple[Argument, ...]) -> list[Any]:
        """The replies of ``commands``, written together; the first error raises."""
        futures = [self._queue(command) for command in commands]
        for future in futures:
            future.add_done_callback(_retrieved)
        return [await future for future in futures]

    def _queue(self, command: tuple[Argument, ...]) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._unsent.append((command, future))
        if self._writer is None and self._writes_out < self._max_writes_out:
            self._writer = loop.create_task(self._write())
        return future

    async def script(self, source: str, keys: list[str], args: list[Argument]) -> Any:
        """``EVALSHA`` of ``source`` (loaded first when the server does not know it)."""
        sha = self._shas.get(source)
        if sha is None:
            sha = self._shas[source] = hashlib.sha1(
                source.encode(), usedforsecurity=False
            ).hexdigest()
        try:
            return await self.execute("EVALSHA", sha, len(keys), *keys, *args)
        except NoScriptError:
            await self.execute("SCRIPT", "LOAD", source)
            return await self.execute("EVALSHA", sha, len(keys), *keys, *args)

    async def aclose(self) -> None:
        """Close the connection (commands still waiting fail)."""
        await self._drop(ConnectionError("closed"), self._connection)

    async def _write(self) -> None:
        """Write what the requests asked, a write per loop turn, until nothing is left."""
        try:
            while self._unsent and self._writes_out < self._max_writes_out:
                connection = self._connection
                if connection is None:
                    connection = own_connection(self._client)
                    async with asyncio.timeout(self._timeout):
                        await connection.connect()  # type: ignore[no-untyped-call]
                    self._connection = connection
                batch = self._unsent[:MAX_WRITE]
                del self._unsent[:MAX_WRITE]
                packed = connection.pack_commands([command for command, _ in batch])
                self._unanswered.extend((future, False) for _, future in batch[:-1])
                self._unanswered.append((batch[-1][1], True))
                self._writes_out += 1
                if self._reader is None:
                    self._reader = asyncio.get_running_loop().create_task(self._read(connection))
                async with asyncio.timeout(self._timeout):
                    await connection.send_packed_command(packed, check_health=False)
                await asyncio.sleep(0)  # let this turn's requests join the next write
        except (*LOST, TimeoutError) as exc:
            await self._drop(exc, self._connection)
        finally:
            self._writer = None

    async def _read(self, connection: AbstractConnection) -> None:
        """Hand each reply to its command, in order, while replies are owed."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(None) as deadline:
                while self._unanswered and self._connection is connection:
                    deadline.reschedule(loop.time() + self._timeout)
                    try:
                        reply: Any = await connection.read_response(disconnect_on_error=False)
                    except ResponseError as error:
                        reply = error
                    future, ends_write = self._unanswered.popleft()
                    if ends_write:
                        self._writes_out -= 1
                        if self._unsent and self._writer is None:
                            self._writer = loop.create_task(self._write())
                    if future.done():  # its request was cancelled (the client went away)
                        continue
                    if isinstance(reply, ResponseError):
                        future.set_exception(reply)
                    else:
                        future.set_result(reply)
        except (*LOST, TimeoutError) as exc:
            await self._drop(exc, connection)
        finally:
            if self._reader is asyncio.current_task():
                self._reader = None

    async def _drop(self, exc: BaseException, connection: AbstractConnection | None) -> None:
        """Fail every command of ``connection`` (the current one: a reader of a connection
        dropped before has nothing left to fail) and close it; the next command reconnects."""
        if connection is not self._connection:
            return
        self._connection = None
        self._reader = None  # a reader of the next connection starts with it
        failed = [*(future for future, _ in self._unanswered), *(f for _, f in self._unsent)]
        self._unanswered.clear()
        self._writes_out = 0
        self._unsent.clear()
        for future in failed:
            if not future.done():
                future.set_exception(lost(self._where, exc))
        if connection is not None:
            await connection.disconnect(nowait=True)


def _retrieved(future: asyncio.Future[Any]) -> None:
    """Mark an error as seen (``execute_all`` raises only the first)."""
    if not future.cancelled():
        future.exception()
