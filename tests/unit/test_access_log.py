"""The access log's line writer: buffered, but never holding a line longer than its delay."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

from mock_server.http.access_log import HELD_BYTES, AccessLog, LineWriter
from mock_server.http.record import RequestRecord
from mock_server.model.outcome import Outcome


class Stream(io.BytesIO):
    """A binary stream that counts its writes and flushes (unbuffered, like stdout's binary
    layer under ``PYTHONUNBUFFERED``: every write is a system call)."""

    flushes = 0
    writes = 0

    def flush(self) -> None:
        self.flushes += 1
        super().flush()

    def write(self, data: Any) -> int:
        self.writes += 1
        return super().write(data)


def record() -> RequestRecord:
    async def send(message: object) -> None:
        del message

    return RequestRecord(
        request_id="0" * 32,
        method="POST",
        path="/openapi/v1/call/listen",
        headers={"m7-sign": "not-to-be-logged"},
        started=1_767_600_000.0,
        raw_send=send,
        app_key="2100147",
        outcome=Outcome.AUTH_REPLAY,
        status=401,
    )


async def test_lines_are_flushed_once_within_the_delay() -> None:
    stream = Stream()
    writer = LineWriter(stream, delay=0.01)
    for n in range(100):
        writer.write_line(b'{"n":%d}' % n)
    assert (stream.writes, stream.flushes) == (0, 0)
    await asyncio.sleep(0.05)
    assert (stream.writes, stream.flushes) == (1, 1)
    assert stream.getvalue().splitlines() == [b'{"n":%d}' % n for n in range(100)]


async def test_a_flood_of_lines_is_written_before_the_delay_past_the_bound() -> None:
    stream = Stream()
    writer = LineWriter(stream, delay=60)
    line = b"x" * 1023  # with its newline, 1 KiB
    for _ in range(HELD_BYTES // 1024 + 1):
        writer.write_line(line)
    assert stream.writes == 1
    assert stream.getvalue() == (line + b"\n") * (HELD_BYTES // 1024 + 1)


def test_without_an_event_loop_every_line_is_flushed_at_once() -> None:
    stream = Stream()
    LineWriter(stream).write_line(b"{}")
    assert (stream.flushes, stream.getvalue()) == (1, b"{}\n")


def test_the_written_line_is_the_logged_line() -> None:
    stream = Stream()
    AccessLog(lines=LineWriter(stream)).write(record(), 1.23456)
    assert json.loads(stream.getvalue()) == {
        "time": "2026-01-05T08:00:00.000+00:00",
        "method": "POST",
        "path": "/openapi/v1/call/listen",
        "status": 401,
        "durationMs": 1.235,
        "requestId": "0" * 32,
        "appKey": "2100147",
        "outcome": "auth:replay",
    }
    assert b"not-to-be-logged" not in stream.getvalue()
