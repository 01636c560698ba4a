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

from dataclasses import dataclass
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.http.envelope import JSON_CONTENT_TYPE, Answer, error_answer
from mock_server.http.record import RequestRecord, record_of
from mock_server.model.defaults import MAX_DRAIN_BYTES, MAX_JSON_DEPTH
from mock_server.model.json_depth import nests_deeper_than
from mock_server.model.outcome import Outcome

__all__ = ["BodyGuard", "BodyLimits", "ClientGone", "is_json", "read_body"]

_LONGEST_SHOWN: Final = 60


class _TooLarge(Exception):
    """The body passed the limit while being read; ``ended``: its last part was read."""

    def __init__(self, *, ended: bool) -> None:
        super().__init__("body over the limit")
        self.ended = ended


class ClientGone(Exception):
    """The client disconnected before its body ended: there is no one to answer."""


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """What a body may be: at most ``limit`` bytes (``drain_limit`` read and thrown away
    before a 413) and JSON nested at most ``max_json_depth`` deep."""

    limit: int
    drain_limit: int = MAX_DRAIN_BYTES
    max_json_depth: int = MAX_JSON_DEPTH


async def read_body(
    record: RequestRecord, receive: Receive, limits: BodyLimits, *, json_only: bool
) -> Answer | None:
    """Read the body into ``record.body``: ``None`` when it passes, else the refusal
    (415 when ``json_only`` and it is not JSON, 413, 400 too deep); ``ClientGone`` when
    there is no one to answer."""
    if json_only and not is_json(record.headers.get("content-type")):
        return error_answer(record, 415, _media_type_message(record))
    declared = record.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.limit:
        return await _too_large(receive, record, limits, int(declared))
    try:
        body = await _read_body(receive, limits.limit)
    except _TooLarge as over:
        # A body whose last part passed the limit has nothing left to drain: waiting for
        # more would wait for ever (the client waits for the answer).
        return await _too_large(receive, record, limits, None, drain=not over.ended)
    record.body = body
    if nests_deeper_than(body, limits.max_json_depth):
        message = f"body: nested deeper than {limits.max_json_depth} levels"
        return error_answer(record, 400, message, outcome=Outcome.JSON)
    return None


async def _too_large(
    receive: Receive,
    record: RequestRecord,
    limits: BodyLimits,
    declared: int | None,
    *,
    drain: bool = True,
) -> Answer:
    """413, after reading the rest of the body when the client is sending it anyway."""
    waits_for_us = record.headers.get("expect", "").lower() == "100-continue"
    if drain and not waits_for_us and (declared is None or declared <= limits.drain_limit):
        await _drain(receive, limits.drain_limit)
    message = f"body: larger than {limits.limit} bytes"
    return error_answer(record, 413, message, headers=[(b"connection", b"close")])


class BodyGuard:
    """The admin API's body size and depth, checked before connexion reads the body (the
    vendor operations read theirs in ``mock_server.http.vendor_endpoint``)."""

    def __init__(self, app: ASGIApp, *, limits: BodyLimits) -> None:
        self.app = app
        self._limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = record_of(scope)
        try:
            refusal = await read_body(record, receive, self._limits, json_only=False)
        except ClientGone:
            return
        if refusal is not None:
            await refusal.send(send)
            return
        await self.app(scope, _replay(record.body or b"", receive), send)


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
            raise ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge(ended=not message.get("more_body", False))
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
            raise ClientGone
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
