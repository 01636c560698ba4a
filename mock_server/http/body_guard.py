"""The body guard: content type and size, checked before anything reads a body.

On the vendor operations the body must be ``application/json`` (415 otherwise) and at most
64 KiB (413): a declared ``content-length`` over the limit is refused without reading, and a
body streamed without one is counted while it is read and refused as soon as it passes the
limit, so a client cannot make the mock buffer more than the limit. The admin API gets the
size check with its own (larger) limit; connexion checks its content types.

The body read here is kept in the request record (for the journal) and replayed to the
layers below, so it is read from the network once.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.http.envelope import JSON_CONTENT_TYPE, send_error
from mock_server.http.record import RequestRecord, record_of

__all__ = ["BodyGuard", "is_json"]

_LONGEST_SHOWN: Final = 60


class _TooLarge(Exception):
    """The body passed the limit while being read."""


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
    ) -> None:
        self.app = app
        self._json_routes = json_routes
        self._limit = limit
        self._admin_prefix = admin_prefix + "/"
        self._admin_limit = admin_limit

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
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(send, record, 413, f"body: larger than {limit} bytes")
            return
        try:
            body = await _read_body(receive, limit)
        except _TooLarge:
            await self._refuse(send, record, 413, f"body: larger than {limit} bytes")
            return
        record.body = body
        await self.app(scope, _replay(body, receive), send)

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
        if message["type"] != "http.request":  # the client went away
            break
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


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
