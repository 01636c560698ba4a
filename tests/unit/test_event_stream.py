"""``mock_server.http.event_stream``: server-sent events from an async iterator of changes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson

from mock_server.http.event_stream import KEEP_ALIVE, event_block, event_stream


def parse(block: bytes) -> tuple[str, object]:
    """(name, data) of one event block."""
    assert block.endswith(b"\n\n"), block
    fields = dict(line.split(": ", 1) for line in block.decode().strip().split("\n"))
    return fields["event"], orjson.loads(fields["data"])


async def changes_from(queue: asyncio.Queue[str | None]) -> AsyncIterator[str]:
    while (change := await queue.get()) is not None:
        yield change


def encode(change: str) -> bytes | None:
    return None if change == "skip" else event_block(change, {"kind": change})


async def test_hello_first_then_each_change_in_order_and_skipped_ones_left_out() -> None:
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    for change in ("callcenter", "skip", "journal", None):
        queue.put_nowait(change)
    closed: list[bool] = []
    stream = event_stream(
        changes_from(queue),
        encode,
        hello={"authMode": "strict"},
        keep_alive_seconds=10,
        on_close=lambda: closed.append(True),
    )
    blocks = [block async for block in stream]
    assert [parse(block) for block in blocks] == [
        ("hello", {"authMode": "strict"}),
        ("callcenter", {"kind": "callcenter"}),
        ("journal", {"kind": "journal"}),
    ]
    assert closed == [True]


async def test_an_idle_stream_sends_keep_alives_without_losing_the_next_change() -> None:
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    stream = event_stream(changes_from(queue), encode, hello={}, keep_alive_seconds=0.01)
    assert parse(await anext(stream))[0] == "hello"
    assert await anext(stream) == KEEP_ALIVE
    assert await anext(stream) == KEEP_ALIVE
    queue.put_nowait("faults")
    while (block := await anext(stream)) == KEEP_ALIVE:
        pass
    assert parse(block) == ("faults", {"kind": "faults"})
    await stream.aclose()


async def test_a_client_going_away_closes_the_subscription_and_runs_on_close() -> None:
    subscription_closed: list[bool] = []

    async def subscription() -> AsyncIterator[str]:
        try:
            yield "callcenter"
            while True:
                await asyncio.sleep(3600)
                yield "never"
        finally:
            subscription_closed.append(True)

    closed: list[int] = []
    stream = event_stream(
        subscription(), encode, hello={}, keep_alive_seconds=10, on_close=lambda: closed.append(1)
    )
    assert parse(await anext(stream))[0] == "hello"
    assert parse(await anext(stream))[0] == "callcenter"
    await stream.aclose()  # what the server does when the client disconnects
    assert closed == [1]
    assert subscription_closed == [True]
