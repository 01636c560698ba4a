"""The body guard: content type and size, checked before anything reads a body.

On the vendor operations the body must be ``application/json`` (415 otherwise) and at most
64 KiB (413): a declared ``content-length`` over the limit is refused without reading, and a
body streamed without one is counted while it is read and refused as soon as it passes the
limit, so a client cannot make the mock buffer more than the limit. The admin API gets the
size check with its own (larger) limit; connexion checks its content types.

Before a 413 the rest of the body is read and thrown away, up to ``drain_limit`` bytes
(memory stays at one chunk): a client that sends its whole body before reading the answer
(no ``Expect: 100-continue``, e.g. Python's urllib) would otherwise see the connection
reset, since closing a socket with unread data makes the kernel send a reset, not the
answer. A client that did send ``Expect: 100-continue`` has sent no body yet and is
answered at once. The 413 closes the connection either way.

A body nested deeper than ``max_json_depth`` is refused (400) here, before the validator,
whose recursion has a limit of its own (``mock_server.model.json_depth``).

The body read here is kept in the request record (for the journal) and replayed to the
layers below, so it is read from the network once.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.http.envelope import JSON_CONTENT_TYPE, send_error
from mock_server.http.record import RequestRecord, record_of
from mock_server.model.json_depth import nests_deeper_than
from mock_server.model.outcome import Outcome

__all__ = ["BodyGuard", "is_json"]

_LONGEST_SHOWN: Final = 60


class _TooLarge(Exception):
    """The body passed the limit while being read."""


class _ClientGone(Exception):
    """The client disconnected before its body ended: there is no one to answer."""


class BodyGuard:
    """Refuses wrong content types (vendor operations) and oversized bodies."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        json_routes: frozenset[tuple[str, str]],
        limit: int,
        admin_prefix: str,
        admin_limit: int,
        drain_limit: int = 64 * 1024 * 1024,
        max_json_depth: int = 32,
    ) -> None:
        self.app = app
        self._json_routes = json_routes
        self._limit = limit
        self._admin_prefix = admin_prefix + "/"
        self._admin_limit = admin_limit
        self._drain_limit = drain_limit
        self._max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if (scope["method"], path) in self._json_routes:
            limit = self._limit
            record = record_of(scope)
            if not is_json(record.headers.get("content-type")):
                await self._refuse(send, record, 415, _media_type_message(record))
                return
        elif path.startswith(self._admin_prefix):
            limit = self._admin_limit
            record = record_of(scope)
        else:
            await self.app(scope, receive, send)
            return

        declared = record.headers.get("content-length", "")
        try:
            if declared.isdigit() and int(declared) > limit:
                await self._too_large(send, receive, record, limit, int(declared))
                return
            try:
                body = await _read_body(receive, limit)
            except _TooLarge:
                await self._too_large(send, receive, record, limit, None)
                return
        except _ClientGone:
            return
        record.body = body
        if nests_deeper_than(body, self._max_json_depth):
            message = f"body: nested deeper than {self._max_json_depth} levels"
            await send_error(send, record, 400, message, outcome=Outcome.JSON)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(
        self, send: Send, receive: Receive, record: RequestRecord, limit: int, declared: int | None
    ) -> None:
        """413, after reading the rest of the body when the client is sending it anyway."""
        waits_for_us = record.headers.get("expect", "").lower() == "100-continue"
        if not waits_for_us and (declared is None or declared <= self._drain_limit):
            await _drain(receive, self._drain_limit)
        message = f"body: larger than {limit} bytes"
        await send_error(send, record, 413, message, headers=[(b"connection", b"close")])

    @staticmethod
    async def _refuse(send: Send, record: RequestRecord, status: int, message: str) -> None:
        await send_error(send, record, status, message)


def is_json(content_type: str | None) -> bool:
    """``application/json``, parameters (``; charset=utf-8``) allowed, any letter case."""
    if content_type is None:
        return False
    return content_type.partition(";")[0].strip().lower() == JSON_CONTENT_TYPE


def _media_type_message(record: RequestRecord) -> str:
    sent = record.headers.get("content-type")
    if sent is None:
        return "content-type: expected application/json, got none"
    shown = sent if len(sent) <= _LONGEST_SHOWN else sent[:_LONGEST_SHOWN] + "…"
    return f"content-type: expected application/json, got {shown!r}"


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The whole body, or ``_TooLarge`` as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _drain(receive: Receive, limit: int) -> None:
    """Read and forget the rest of the body, at most ``limit`` bytes of it."""
    drained = 0
    while drained <= limit:
        message = await receive()
        if message["type"] != "http.request":
            raise _ClientGone
        drained += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that delivers ``body`` once, then defers to the real one."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
