"""The access log's line writer: buffered, but never holding a line longer than its delay."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

from mock_server.http.access_log import HELD_BYTES, PIPE_BUF, AccessLog, LineWriter
from mock_server.http.record import RequestRecord
from mock_server.model.outcome import Outcome


class Stream(io.BytesIO):
    """A binary stream that counts its writes and flushes (unbuffered, like stdout's binary
    layer under ``PYTHONUNBUFFERED``: every write is a system call)."""

    flushes = 0
    writes = 0

    def __init__(self, takes: int | None = None) -> None:
        super().__init__()
        self.pieces: list[bytes] = []
        self._takes = takes  # at most so many bytes a write (a raw file may take less)

    def flush(self) -> None:
        self.flushes += 1
        super().flush()

    def write(self, data: Any) -> int:
        self.writes += 1
        piece = bytes(data)[: self._takes]
        self.pieces.append(piece)
        return super().write(piece)


def record() -> RequestRecord:
    async def send(message: object) -> None:
        del message

    return RequestRecord(
        request_id="0" * 32,
        method="POST",
        path="/openapi/v1/call/listen",
        headers={"m7-sign": "not-to-be-logged"},
        started=1_767_600_000.0,
        drop=None,
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
    assert stream.getvalue() == (line + b"\n") * (HELD_BYTES // 1024 + 1)
    assert stream.writes == (HELD_BYTES // 1024 + 1 + 3) // 4  # PIPE_BUF is 4 KiB on Linux


async def test_writes_are_whole_lines_a_pipe_takes_at_once() -> None:
    """Workers share stdout: a write of at most PIPE_BUF bytes is never interleaved."""
    stream = Stream()
    writer = LineWriter(stream, delay=60)
    short = [b"%d:" % n + b"y" * (n * 37 % 900) for n in range(60)]
    lines = [*short[:30], b"z" * (3 * PIPE_BUF), *short[30:]]
    long_line = lines[30]
    for line in lines:
        writer.write_line(line)
    writer.flush()
    assert stream.getvalue().splitlines() == lines
    for piece in stream.pieces:
        assert piece.endswith(b"\n")
        assert len(piece) <= PIPE_BUF or piece == long_line + b"\n"
    assert len(stream.pieces) < len(lines) / 2


def test_a_file_that_takes_less_than_it_is_given_still_gets_every_line() -> None:
    stream = Stream(takes=100)
    writer = LineWriter(stream)
    for n in range(50):
        writer.write_line(b'{"n":%d,"pad":"%s"}' % (n, b"p" * 180))
    assert [json.loads(x)["n"] for x in stream.getvalue().splitlines()] == list(range(50))


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
