"""What the console at ``/__mock/console/`` reads besides the admin API's state, journal and
faults: its configuration (``GET /__mock/config``) and the event stream
(``GET /__mock/events``), both behind the admin guard.

The event stream is the state's change feed (``EventFeed``) as server-sent events: it
consumes nothing but ``EventFeed.subscribe``, so it serves every change whichever worker
made it once the feed is shared (a Redis backend feeds each subscription from pub/sub).
It is a pure ASGI layer rather than a handler because a stream must notice the client
going away (``http.disconnect`` on ``receive``): uvicorn's ``send`` stays silent after a
disconnect, so a stream that only sends would hold its subscription forever.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.http.envelope import json_answer, send_error
from mock_server.http.event_stream import event_block, event_stream
from mock_server.http.pages import signing_config
from mock_server.http.record import RequestRecord, record_of
from mock_server.model.callcenter import CallStateError
from mock_server.model.events import Event, EventFeed, TooManySubscribers
from mock_server.settings import Settings

__all__ = ["KEEP_ALIVE_SECONDS", "ConsoleSupport", "console_config"]

#: A comment line this often keeps idle proxies and browsers from closing the stream.
KEEP_ALIVE_SECONDS: Final = 15.0
_NO_STORE: Final = (b"cache-control", b"no-store")
_STREAM_HEADERS: Final = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    _NO_STORE,
    (b"x-accel-buffering", b"no"),  # a buffering proxy in front would hold the events back
]


def console_config(
    settings: Settings,
    operations: Sequence[Mapping[str, str]],
    credentials: Mapping[str, str] | None = None,
    *,
    mode: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The body of ``GET /__mock/config``: auth mode, in-page signing (with ``credentials``,
    the selected account's; the settings' when omitted), the five operations, and how vendor
    requests are answered (``mode``: simulated, proxied, replayed; the settings' when
    omitted)."""
    return {
        "authMode": settings.auth_mode,
        "signing": signing_config(settings, credentials),
        "operations": [dict(op) for op in operations],
        "mode": dict(mode) if mode is not None else settings.mode.describe(),
    }


def _encode(event: Event) -> bytes:
    return event_block(event.kind, event.payload)


class ConsoleSupport:
    """Answers ``GET <admin>/config`` and ``GET <admin>/events``, each for the account the
    request names (``config_of``, ``events_of`` raise ``CallStateError`` for an unknown one);
    passes everything else."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        config_of: Callable[[RequestRecord], Mapping[str, Any]],
        events_of: Callable[[RequestRecord], EventFeed],
        admin_prefix: str,
        keep_alive_seconds: float = KEEP_ALIVE_SECONDS,
    ) -> None:
        self.app = app
        self._config_of = config_of
        self._events_of = events_of
        self._config_path = admin_prefix + "/config"
        self._events_path = admin_prefix + "/events"
        self._keep_alive = keep_alive_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            if scope["path"] == self._config_path:
                record = record_of(scope)
                try:
                    config = self._config_of(record)
                except CallStateError as unknown:
                    await send_error(send, record, 404, unknown.message, code=unknown.code)
                    return
                await json_answer(200, config, [_NO_STORE]).send(send)
                return
            if scope["path"] == self._events_path:
                await self._stream(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _stream(self, scope: Scope, receive: Receive, send: Send) -> None:
        record = record_of(scope)
        try:
            events = self._events_of(record)
        except CallStateError as unknown:
            await send_error(send, record, 404, unknown.message, code=unknown.code)
            return
        try:
            subscription = events.subscribe()
        except TooManySubscribers as refused:
            await send_error(
                send, record, 503, f"events: {refused}", headers=[(b"retry-after", b"5")]
            )
            return
        await send({"type": "http.response.start", "status": 200, "headers": _STREAM_HEADERS})
        stream = event_stream(subscription, _encode, hello={}, keep_alive_seconds=self._keep_alive)

        async def pump() -> None:
            async for block in stream:
                await send({"type": "http.response.body", "body": block, "more_body": True})

        async def until_disconnect() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        tasks = [asyncio.ensure_future(pump()), asyncio.ensure_future(until_disconnect())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await stream.aclose()  # closes the subscription (a cancelled pump may not have)
