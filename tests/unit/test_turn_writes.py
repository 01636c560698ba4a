"""A response's head and body leave in one write (``TurnWrites``), and nothing held is lost."""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.server import ServerState

from mock_server.server import BoundedHttpToolsProtocol, TurnWrites
from mock_server.settings import ServerLimits


class Recorded(asyncio.Transport):
    """A transport that keeps what is written to it, and whether it was closed or aborted."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data) if not self.closed else b"<written after close>")

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 4010)}.get(
            name, default
        )

    def get_write_buffer_size(self) -> int:
        return 0

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


async def a_turn() -> None:
    """Let the event loop finish its current turn (and run what it scheduled)."""
    await asyncio.sleep(0)
    await asyncio.sleep(0)


async def test_the_writes_of_one_turn_go_as_one_write() -> None:
    real = Recorded()
    transport = TurnWrites(real, asyncio.get_running_loop())
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b"")
    transport.write(memoryview(b'{"success":true}'))
    assert real.writes == []
    assert transport.get_write_buffer_size() == 35
    await a_turn()
    assert real.writes == [b'HTTP/1.1 200 OK\r\n\r\n{"success":true}']
    transport.write(b"next")
    await a_turn()
    assert real.writes[1:] == [b"next"]


async def test_close_sends_what_is_held_first_and_abort_drops_it() -> None:
    real = Recorded()
    transport = TurnWrites(real, asyncio.get_running_loop())
    transport.write(b"408 refusal")
    transport.close()
    assert (real.writes, real.closed) == ([b"408 refusal"], True)
    await a_turn()  # the scheduled send finds nothing more, and never writes after close
    assert real.writes == [b"408 refusal"]

    real = Recorded()
    transport = TurnWrites(real, asyncio.get_running_loop())
    transport.write(b"never sent")
    transport.abort()
    assert transport.get_write_buffer_size() == 0
    await a_turn()
    assert (real.writes, real.aborted) == ([], True)


async def test_nothing_is_written_once_the_connection_is_gone() -> None:
    real = Recorded()
    transport = TurnWrites(real, asyncio.get_running_loop())
    transport.write(b"a response")
    real.closed = True  # the client went away within the turn
    await a_turn()
    assert real.writes == []


async def test_a_large_body_is_sent_at_once_not_held() -> None:
    real = Recorded()
    transport = TurnWrites(real, asyncio.get_running_loop())
    chunk = b"x" * 40_000
    transport.write(chunk)
    transport.write(chunk)  # past 64 KiB held: sent now, so the real flow control sees it
    assert real.writes == [chunk * 2]
    assert transport.get_write_buffer_size() == 0


async def test_a_response_of_the_server_protocol_is_one_write() -> None:
    """The protocol ``serve`` runs, fed a request: uvicorn writes head and body apart, the
    connection's socket gets them together."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"16")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"success":true}'})

    config = uvicorn.Config(app, lifespan="off", log_level="warning")
    config.load()
    protocol = BoundedHttpToolsProtocol(
        config=config, server_state=ServerState(), app_state={}, limits=ServerLimits()
    )
    real = Recorded()
    protocol.connection_made(real)
    protocol.data_received(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
    for _ in range(10):
        await a_turn()
        if real.writes:
            break
    assert len(real.writes) == 1, real.writes
    head, _, body = real.writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert body == b'{"success":true}'
    protocol.connection_lost(None)
