"""Server-sent events (``text/event-stream``) from an async iterator of changes.

``GET /__mock/events`` turns a subscription to the state's change feed into this stream, so
the console learns of every change without polling. The format is the WHATWG one: blocks of
``event:`` and ``data:`` lines ended by a blank line; a line starting with ``:`` is a comment,
sent as a keep-alive so that idle proxies and browsers keep the connection.

Every stream starts with ``hello``: a client (re)connecting may have missed changes, so it
reads the state afresh on ``hello``. The number of streams and each one's queue are bounded
by the change feed (``mock_server.model.events``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any, Final, TypeVar

import orjson

__all__ = ["KEEP_ALIVE", "event_block", "event_stream"]

E = TypeVar("E")

KEEP_ALIVE: Final = b": keep-alive\n\n"


def event_block(name: str, data: Any) -> bytes:
    """One event: its name and its data as one line of JSON."""
    return b"event: " + name.encode("ascii") + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def event_stream(
    changes: AsyncIterator[E],
    encode: Callable[[E], bytes | None],
    *,
    hello: Any,
    keep_alive_seconds: float,
    on_close: Callable[[], None] = lambda: None,
) -> AsyncGenerator[bytes, None]:
    """``hello``, then each change as ``encode`` writes it (``None``: not sent), with a
    keep-alive comment after every ``keep_alive_seconds`` without a change.

    The next change is awaited in a task of its own, so that a keep-alive does not cancel
    (and so end) the subscription's iterator. ``on_close`` runs however the stream ends.
    """
    waiting: asyncio.Future[E] | None = None
    try:
        yield event_block("hello", hello)
        while True:
            if waiting is None:
                waiting = asyncio.ensure_future(anext(changes))
            done, _ = await asyncio.wait({waiting}, timeout=keep_alive_seconds)
            if not done:
                yield KEEP_ALIVE
                continue
            finished, waiting = waiting, None
            try:
                change = finished.result()
            except StopAsyncIteration:
                return
            block = encode(change)
            if block is not None:
                yield block
    finally:
        if waiting is not None:
            waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await waiting
        closer = getattr(changes, "aclose", None)
        if closer is not None:
            with contextlib.suppress(Exception):
                await closer()
        on_close()
