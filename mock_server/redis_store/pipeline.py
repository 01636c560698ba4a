"""The request path's commands to Redis, auto-pipelined on one connection of this worker's.

A worker serves many requests at once, and on Redis each of them costs a command or two (the
action's script, a journal entry). Sent the usual way, every command pays redis-py's fixed
cost: a connection taken from the pool and given back, a timer task per write and per read,
a pipeline object; on this machine that was more than the command itself (about 100-200 µs
of CPU against 20-40 µs). So the commands of the request path go through ``AutoPipeline``:
what the requests of one event-loop turn ask is written at once, in one write, on one
connection kept for it, while the replies of an earlier write are still coming (two writes
out at most: later commands wait and go together); the replies are handed back in order as
they arrive (Redis answers a connection's commands in order). A request alone still costs one
round trip. This is the auto-pipelining some Redis clients have (ioredis, Lettuce); redis-py
has none, so it is written here.

Written by hand on purpose, and small: redis-py opens the connection (TLS, a Unix socket,
``AUTH``, ``SELECT``: whatever the URL says), then its socket is read by an asyncio protocol
of this module, with hiredis packing the commands and parsing the replies (both in C). No
task, timer or coroutine runs per command: the Python cost per command was most of what
Redis cost a request (``docs/scaling.md``).

Time is bounded as the pool's commands are: when replies are owed and none has come for the
timeout, or the connection is lost or refused, every command waiting on it fails with
``StateStoreUnavailable`` (never retried: the command may have run), and the next command
connects anew. An error reply fails only its own command: with ``StateStoreUnavailable``
when it says the server cannot serve now (``LOADING``, ``OOM``, ``READONLY``, ...), else
with redis-py's exception for it. Scripts go by ``EVALSHA``; one the server does not know (restarted, flushed) is
loaded with ``SCRIPT LOAD`` and called again.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from typing import Any, Final

import hiredis
import redis.asyncio
import redis.exceptions
from redis._parsers.base import BaseParser  # its mapping of error replies to exceptions
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import NoScriptError, ResponseError

from mock_server.redis_store.connection import TIMEOUT_SECONDS, lost, own_connection

__all__ = ["AutoPipeline"]

#: Commands per write at most (what one write holds in memory and on the wire).
MAX_WRITE: Final = 256
#: Writes whose replies are still coming, at most: more commands wait for the next write,
#: so that under load they go together (one write more than one keeps the connection busy
#: while the replies of the other come back).
MAX_WRITES_OUT: Final = 2

Argument = str | bytes | int | float

#: What the parser returns while a reply is not complete (never a reply itself).
_INCOMPLETE: Final = object()
#: Error replies that mean the server cannot serve now, not that the command was wrong.
_UNAVAILABLE: Final = (
    redis.exceptions.ConnectionError,  # LOADING, NOAUTH, WRONGPASS, max clients
    redis.exceptions.ReadOnlyError,
    redis.exceptions.OutOfMemoryError,
    redis.exceptions.MasterDownError,
    redis.exceptions.TryAgainError,
    redis.exceptions.ClusterDownError,
    redis.exceptions.NoPermissionError,
)


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
        self._max_writes_out = max_writes_out
        self._link: _Link | None = None
        self._connecting: asyncio.Task[None] | None = None
        #: Packed commands not written yet, each with its caller's future.
        self._unsent: list[tuple[bytes, asyncio.Future[Any]]] = []
        #: Futures of the commands written, in order, each with whether it ends its write.
        self._unanswered: deque[tuple[asyncio.Future[Any], bool]] = deque()
        self._writes_out = 0
        self._flush_soon: asyncio.Handle | None = None
        #: When a reply last came (or the first write went out): the timeout runs from it.
        self._progress = 0.0
        self._watchdog: asyncio.TimerHandle | None = None
        self._shas: dict[str, str] = {}

    async def execute(self, *command: Argument) -> Any:
        """The reply of ``command``; an error reply raises (``ResponseError``, or
        ``StateStoreUnavailable`` when the server cannot serve now)."""
        return await self._queue(command)

    async def execute_all(self, *commands: tuple[Argument, ...]) -> list[Any]:
        """The replies of ``commands``, written together; the first error raises."""
        futures = [self._queue(command) for command in commands]
        for future in futures:
            future.add_done_callback(_retrieved)
        return [await future for future in futures]

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
        """Close the connection (commands still waiting fail; a later one reconnects)."""
        connecting, self._connecting = self._connecting, None
        if connecting is not None:
            connecting.cancel()
        self._drop(ConnectionError("closed"))

    # --- writing ----------------------------------------------------------------------------

    def _queue(self, command: tuple[Argument, ...]) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        # hiredis's stub types its argument as a 1-tuple; it takes any tuple of these.
        self._unsent.append((hiredis.pack_command(command), future))  # type: ignore[arg-type]
        if self._flush_soon is None:
            # After this loop turn's callbacks: the commands they ask join this write.
            self._flush_soon = loop.call_soon(self._flush)
        return future

    def _flush(self) -> None:
        """Write what waits, in writes of ``MAX_WRITE`` commands, while fewer are out than
        allowed (the replies of one let the next go)."""
        self._flush_soon = None
        link = self._link
        if link is None:
            if self._connecting is None and self._unsent:
                self._connecting = asyncio.get_running_loop().create_task(self._connect())
            return
        while self._unsent and self._writes_out < self._max_writes_out:
            batch = self._unsent[:MAX_WRITE]
            del self._unsent[:MAX_WRITE]
            if not self._unanswered:
                self._progress = asyncio.get_running_loop().time()
            self._unanswered.extend((future, False) for _, future in batch[:-1])
            self._unanswered.append((batch[-1][1], True))
            self._writes_out += 1
            try:
                self._send(link.transport, b"".join(packed for packed, _ in batch))
            except (RuntimeError, OSError) as exc:  # closing, its loss not told yet
                self._drop(exc)
                return
            self._arm()

    def _send(self, transport: asyncio.WriteTransport, data: bytes) -> None:
        """One write to Redis (the seam where tests and the bench count them)."""
        transport.write(data)

    async def _connect(self) -> None:
        """Open a connection with redis-py (its handshake), then read it here.

        RESP2: the replies are then exactly the answers to the commands, in order (RESP3 may
        interleave push messages, and its boolean false is hiredis's "no reply yet")."""
        connection = own_connection(self._client, protocol=2)
        try:
            async with asyncio.timeout(self._timeout):
                await connection.connect()  # type: ignore[no-untyped-call]
            # redis-py has no public accessor for its stream; the handshake is done on it.
            transport = connection._writer.transport  # type: ignore[union-attr]
        except BaseException as exc:  # lost, refused (AUTH, SELECT) or cancelled (aclose)
            if self._connecting is asyncio.current_task():
                self._connecting = None
                self._drop(exc if isinstance(exc, Exception) else ConnectionError("closed"))
            await connection.disconnect(nowait=True)
            if not isinstance(exc, Exception):
                raise
            return
        if self._connecting is not asyncio.current_task():  # closed meanwhile
            await connection.disconnect(nowait=True)
            return
        link = _Link(self, transport, connection)
        transport.set_protocol(link)
        self._link = link
        self._connecting = None
        if self._flush_soon is None:  # else the flush already asked for writes it
            self._flush()

    # --- reading ----------------------------------------------------------------------------

    def _received(self, link: _Link, data: bytes) -> None:
        """Hand each complete reply in ``data`` to its command, in order."""
        if link is not self._link:
            return
        self._progress = asyncio.get_running_loop().time()
        reader = link.reader
        reader.feed(data)
        unanswered = self._unanswered
        try:
            while (reply := reader.gets()) is not _INCOMPLETE:
                future, ends_write = unanswered.popleft()
                if ends_write:
                    self._writes_out -= 1
                if future.done():  # its request was cancelled (the client went away)
                    continue
                if isinstance(reply, ResponseError):
                    future.set_exception(self._error(reply))
                else:
                    future.set_result(reply)
        except (hiredis.ProtocolError, IndexError) as exc:  # garbage, or a reply unasked
            self._drop(ConnectionError(f"bad reply from Redis ({type(exc).__name__})"))
            return
        if self._unsent and self._flush_soon is None and self._writes_out < self._max_writes_out:
            self._flush_soon = asyncio.get_running_loop().call_soon(self._flush)

    def _error(self, reply: ResponseError) -> Exception:
        """redis-py's exception for an error reply (``NoScriptError`` for ``script``); one
        that says the server cannot serve now (loading, read-only, out of memory, ...) is the
        503 of an unreachable store, as the pool's commands give."""
        error: Exception = BaseParser.parse_error(str(reply))  # type: ignore[no-untyped-call]
        if isinstance(error, _UNAVAILABLE):
            return lost(self._where, error)
        return error

    def _arm(self) -> None:
        if self._watchdog is None and self._unanswered:
            loop = asyncio.get_running_loop()
            self._watchdog = loop.call_at(self._progress + self._timeout, self._check)

    def _check(self) -> None:
        """The deadline: replies owed and none for the timeout fail everything waiting."""
        self._watchdog = None
        if not self._unanswered:
            return
        if asyncio.get_running_loop().time() - self._progress >= self._timeout:
            self._drop(TimeoutError())
        else:
            self._arm()

    def _drop(self, exc: BaseException) -> None:
        """Fail every command waiting (written or not) and close the connection; the next
        command reconnects."""
        link, self._link = self._link, None
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        failed = [*(future for future, _ in self._unanswered), *(f for _, f in self._unsent)]
        self._unanswered.clear()
        self._unsent.clear()
        self._writes_out = 0
        for future in failed:
            if not future.done():
                future.set_exception(lost(self._where, exc))
        if link is not None:
            link.transport.abort()
            link.opener._close()  # type: ignore[no-untyped-call]  # else redis-py warns when freed


class _Link(asyncio.Protocol):
    """One connection's bytes to the pipeline; its own parser, so that a dropped
    connection's half-read reply can never be taken for the next connection's."""

    def __init__(
        self, pipeline: AutoPipeline, transport: asyncio.WriteTransport, opener: AbstractConnection
    ) -> None:
        self.pipeline = pipeline
        self.transport = transport
        #: Kept while the link lives: redis-py closes the socket when its connection is freed.
        self.opener = opener
        self.reader = hiredis.Reader(replyError=ResponseError, notEnoughData=_INCOMPLETE)

    def data_received(self, data: bytes) -> None:
        self.pipeline._received(self, data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.pipeline._link is self:
            self.pipeline._drop(exc or ConnectionError("closed by Redis"))


def _retrieved(future: asyncio.Future[Any]) -> None:
    """Mark an error as seen (``execute_all`` raises only the first)."""
    if not future.cancelled():
        future.exception()
