"""The server runner: the mock under uvicorn, with every connection resource bounded.

uvicorn (httptools) gives the idle keep-alive timeout, the bounded graceful shutdown and
the worker processes; it has no header-read timeout, no body-read timeout and no limit on
the size of a request head. ``BoundedHttpToolsProtocol`` adds those to uvicorn's own
protocol, because they can only be enforced where the bytes arrive (an ASGI app sees a
request only once its head is complete). Every refusal it sends is the error envelope.
``TurnWrites`` sends a response's head and body, which uvicorn writes apart, as one write.
A drop fault closes the connection through the scope's ``DROP_EXTENSION``, offered here.
Why uvicorn and not hypercorn or granian: docs/benchmarks.md, "Server choice"; the limits
and their options: docs/mock-server.md, "Limits".

This is the only module that knows uvicorn's internals (the attributes of its httptools
protocol); ``uvicorn`` is pinned in requirements.lock and tests/api/test_server_limits.py
drives every hook over a real socket.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
from collections.abc import Callable
from typing import Any, Final, cast

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from mock_server.http.envelope import dumps, error_body
from mock_server.http.record import DROP_EXTENSION, SERVER_STATUS_KEY
from mock_server.model.ids import new_request_id
from mock_server.settings import ServerLimits

__all__ = ["BoundedHttpToolsProtocol", "serve"]

#: Seconds a refused client is asked to wait before connecting again.
_BUSY_RETRY_AFTER: Final = "1"
#: Bytes ``TurnWrites`` holds at most before it sends them (streamed bodies stay bounded).
_HELD_BYTES: Final = 64 * 1024


class TurnWrites(asyncio.Transport):
    """A connection's transport that sends what one turn of the event loop wrote as one
    write. uvicorn writes a response's head and its body apart: two system calls, and on
    loopback two segments that wake the client twice; held until the turn ends (or past
    ``_HELD_BYTES``), they go as one. Everything but writing is the real transport's."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._held_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._held:
            self._loop.call_soon(self._send)
        self._held.append(bytes(data))
        self._held_bytes += len(data)
        if self._held_bytes > _HELD_BYTES:
            self._send()

    def _send(self) -> None:
        held, self._held, self._held_bytes = self._held, [], 0
        if held and not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self._send()
        self._transport.close()

    def abort(self) -> None:
        self._held, self._held_bytes = [], 0
        self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def get_write_buffer_size(self) -> int:
        return self._held_bytes + self._transport.get_write_buffer_size()


def _refusal(status: int, message: str, *, extra: bytes = b"") -> bytes:
    """A whole HTTP response: the error envelope, then the connection is closed."""
    body = dumps(error_body(str(status), message, new_request_id()))
    return b"".join(
        [
            STATUS_LINE[status],
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            extra,
            b"connection: close\r\n\r\n",
            body,
        ]
    )


class _AnsweredRefusals(logging.Filter):
    """Drops uvicorn's warning for each request its parser refused: the client got the
    envelope saying why, and a hostile client must not be able to flood the log. And a
    request still in flight when the shutdown's time is up, which uvicorn cancels and logs
    with the traceback of the ``CancelledError``, becomes one line: nothing went wrong."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError):
            record.msg, record.args = _CANCELLED_AT_SHUTDOWN, ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            return True
        return record.getMessage() != "Invalid HTTP request received."


_CANCELLED_AT_SHUTDOWN: Final = (
    "a request still in flight when --shutdown-timeout ran out was cancelled "
    "(a slow or silent client)"
)


class _Refused(Exception):
    """Raised in a parser callback: httptools stops, uvicorn calls ``send_400_response``."""


async def _busy(scope: Scope, receive: Receive, send: Send) -> None:
    """The app of a connection over ``max_connections``: 503, then the connection closes."""
    body = dumps(error_body("503", "server: too many open connections", new_request_id()))
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", _BUSY_RETRY_AFTER.encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with deadlines and size limits on each request."""

    def __init__(self, *args: Any, limits: ServerLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limits = limits
        self._deadline: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._header_count = 0
        self._refusal: bytes | None = None
        #: While a head is read: its bytes so far, fed to the parser in pieces up to the limit.
        self._reading_head = True
        self._head_received = 0
        # The raw head may hold the request line and the separators besides what
        # ``max_head_bytes`` counts (names and values): past this it is over the limit surely.
        self._raw_head_limit = limits.max_head_bytes + limits.max_url_bytes + 1024

    # Deadlines -----------------------------------------------------------------------------

    def _arm(self, seconds: float, callback: Any) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, callback)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _head_timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:
            seconds = self._limits.header_read_timeout
            message = f"request: headers not received within {seconds:g} s"
            self.transport.write(_refusal(408, message))
        self.transport.close()

    def _body_timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_started:
            seconds = self._limits.body_read_timeout
            self.transport.write(_refusal(408, f"body: not received within {seconds:g} s"))
            scope = cast(dict[str, Any], cycle.scope)
            scope[SERVER_STATUS_KEY] = 408  # the app, left waiting, answers nothing
        if cycle is not None:  # the app's receive() answers http.disconnect, its send() no-ops
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()

    # uvicorn's protocol hooks -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = TurnWrites(transport, self.loop)
        if self._over_client_share():
            # Refused at once, not held open until it asks: a held refusal would still count
            # against the global bound, which is what the share protects.
            message = "server: too many open connections from this client"
            retry = b"retry-after: " + _BUSY_RETRY_AFTER.encode() + b"\r\n"
            self.transport.write(_refusal(503, message, extra=retry))
            self.transport.close()
            return
        if len(self.connections) > self._limits.max_connections:
            self.app = _busy
        self._arm(self._limits.header_read_timeout, self._head_timed_out)

    def data_received(self, data: bytes) -> None:
        """Feed the parser; while a head is read, in pieces that stop at the limit. httptools
        holds a header until its end, so fed whole a 64 MiB header would be read (and held)
        whole before the 431: cut here, it is refused once the limit is passed."""
        while data and self._reading_head and not self.transport.is_closing():
            room = self._raw_head_limit + 1 - self._head_received
            piece, data = data[:room], data[room:]
            self._head_received += len(piece)
            super().data_received(piece)
            if self._reading_head and self._head_received > self._raw_head_limit:
                self._disarm()
                self._refusal = _refusal(
                    431, f"headers: larger than {self._limits.max_head_bytes} bytes"
                )
                self.send_400_response("head over the limit")
                return
        if data and not self.transport.is_closing():
            super().data_received(data)

    def _over_client_share(self) -> bool:
        """Whether this connection's address holds more than its share of the connections.
        Counted over the open connections (at most ``max_connections`` and the few refused
        ones), so nothing is kept per address: the memory is the connections'."""
        host = self.client[0] if self.client else None
        if host is None:
            return False
        share = self._limits.max_connections_per_client
        held = sum(
            1 for other in self.connections if (getattr(other, "client", None) or ("",))[0] == host
        )
        return held > share

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._header_count = 0
        if self._deadline is None:  # the first byte after a keep-alive pause
            self._arm(self._limits.header_read_timeout, self._head_timed_out)

    def on_url(self, url: bytes) -> None:
        self._head_bytes += len(url)
        if len(self.url) + len(url) > self._limits.max_url_bytes:
            self._refuse(414, f"url: longer than {self._limits.max_url_bytes} bytes")
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._head_bytes += len(name) + len(value) + 4
        if self._header_count > self._limits.max_header_count:
            self._refuse(431, f"headers: more than {self._limits.max_header_count}")
        if self._head_bytes > self._limits.max_head_bytes:
            self._refuse(431, f"headers: larger than {self._limits.max_head_bytes} bytes")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._arm(self._limits.body_read_timeout, self._body_timed_out)
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None:  # the app runs later: its scope offers the drop (a fault's)
            extensions = cast(dict[str, Any], cycle.scope.setdefault("extensions", {}))
            extensions[DROP_EXTENSION] = functools.partial(self._drop, cycle)

    async def _drop(self, cycle: Any) -> None:
        """Close the connection without an answer (a drop fault), then wait until uvicorn
        has seen the client go (``connection_lost`` runs on a later turn of the loop), so
        that it sends nothing when the app returns without a response."""
        self.transport.abort()
        for _ in range(20):
            if cycle.disconnected:
                return
            await asyncio.sleep(0)

    def on_message_complete(self) -> None:
        self._reading_head, self._head_received = True, 0  # the next request's head
        self._disarm()
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        """A request the parser refused: our refusal, or 400, as the envelope (not text)."""
        self._disarm()
        refusal, self._refusal = self._refusal, None
        if refusal is None:
            refusal = _refusal(400, "request: not a valid HTTP/1.1 request")
        if not self.transport.is_closing():
            self.transport.write(refusal)
            self.transport.close()

    def _refuse(self, status: int, message: str) -> None:
        self._refusal = _refusal(status, message)
        raise _Refused(message)


def serve(
    app: ASGIApp | str,
    *,
    host: str,
    port: int,
    log_level: str,
    limits: ServerLimits,
    workers: int = 1,
    listening: socket.socket | None = None,
    on_ready: Callable[[], None] | None = None,
) -> bool:
    """Run ``app`` until SIGINT/SIGTERM; returns once the shutdown is over, whether it started.

    ``app`` is the ASGI app, or with ``workers`` above 1 an import string of a factory
    (uvicorn starts each worker process from it). ``listening`` is a socket already bound
    (``m7-mock`` binds it first, so that a taken port fails before anything else); then
    ``on_ready`` is called once the server listens on it and the app has started, the moment
    a request is answered (``m7-mock`` prints its banner then).
    """
    if workers > 1 and not isinstance(app, str):
        raise ValueError("workers > 1 needs the app as an import string of a factory")
    if workers > 1 and listening is not None:
        raise ValueError("a socket bound beforehand serves one worker only")
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    logging_config = {
        **LOGGING_CONFIG,
        "filters": {"answered": {"()": _AnsweredRefusals}},
        "handlers": {
            name: {**handler, "filters": ["answered"]}
            for name, handler in LOGGING_CONFIG["handlers"].items()
        },
    }
    options: dict[str, Any] = {
        "log_config": logging_config,
        "factory": isinstance(app, str),
        "host": host,
        "port": port,
        "workers": workers if workers > 1 else None,
        "http": functools.partial(BoundedHttpToolsProtocol, limits=limits),
        "log_level": log_level,
        "access_log": False,  # the mock writes its own structured access line
        # No X-Forwarded-* rewriting (the mock is not deployed behind a proxy) and no
        # `server` header: together about 10% more requests per second.
        "proxy_headers": False,
        "server_header": False,
        "timeout_keep_alive": int(limits.keep_alive_timeout) or 1,
        "timeout_graceful_shutdown": int(limits.shutdown_timeout) or 1,
        # The connection bound is the protocol's (a 503 envelope, not uvicorn's plain text).
        "limit_concurrency": None,
    }
    if listening is None:
        uvicorn.run(app, **options)
        return True

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and on_ready is not None:  # listening, the app started
                on_ready()

    server = _Server(uvicorn.Config(app, **options))
    server.run(sockets=[listening])
    return server.started
