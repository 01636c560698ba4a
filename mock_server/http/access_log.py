"""The access log: one JSON line per request, on the ``mock_server.access`` logger or a stream.

Structured so that a log pipeline (or ``jq``) can filter on it: time, method, path, status,
duration, request id, app key and outcome. Never the signature, a body or any secret. Every
line has a status: a request answered with none has nginx's 444 (the mock closed the
connection: a drop fault) or 499 (the client left first).

By default the line is a record of the ``mock_server.access`` logger (what tests capture and
an embedding application configures). The command line writes it to stdout through
``LineWriter`` instead: the same line, held and written within 50 ms, without a logging
record and a flush per line, which were a tenth of the mock's time per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import select
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO, Final, Protocol

import orjson

from mock_server.http.record import RequestRecord
from mock_server.model.outcome import Outcome

__all__ = ["ACCESS_LOGGER", "PIPE_BUF", "AccessLog", "LineWriter", "Lines"]

ACCESS_LOGGER: Final = "mock_server.access"
#: The status of a request that got no answer, as nginx writes it: the mock closed the
#: connection (a drop fault), or the client left before the answer.
CLOSED_BY_MOCK: Final = 444
CLOSED_BY_CLIENT: Final = 499
#: How long a line may wait in ``LineWriter``'s buffer before it is flushed.
FLUSH_DELAY: Final = 0.05
#: Bytes ``LineWriter`` holds at most; more are written at once (a flood cannot grow it).
HELD_BYTES: Final = 64 * 1024
#: Bytes a pipe takes in one write, never interleaved with another writer's (POSIX: >= 512).
PIPE_BUF: Final = getattr(select, "PIPE_BUF", 512)


class Lines(Protocol):
    """Where finished lines go (``LineWriter``)."""

    def write_line(self, line: bytes) -> None:
        """Write one line (without its newline)."""

    def flush(self) -> None:
        """Write what is held."""


class LineWriter:
    """Lines into a binary stream, written together on a timer of the running event loop
    (or at once when there is none, or past ``HELD_BYTES``), and when flushed.

    The lines are held here, not in the stream's buffer: with ``PYTHONUNBUFFERED`` set (as
    in many container images) ``sys.stdout.buffer`` is a raw file, and every line would be
    a system call of its own. They are written in pieces of whole lines of at most
    ``PIPE_BUF`` bytes, which a pipe takes at once: the workers of ``--workers N`` share
    stdout, and their lines must never interleave.
    """

    def __init__(self, stream: BinaryIO, delay: float = FLUSH_DELAY) -> None:
        self._stream = stream
        self._delay = delay
        self._held: list[bytes] = []
        self._held_bytes = 0
        self._flush_pending = False

    def write_line(self, line: bytes) -> None:
        self._held.append(line + b"\n")
        self._held_bytes += len(line) + 1
        if self._held_bytes > HELD_BYTES:
            self.flush()
            return
        if self._flush_pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._flush_pending = True
        loop.call_later(self._delay, self.flush)

    def flush(self) -> None:
        """Write what is held (the app's shutdown calls it too)."""
        self._flush_pending = False
        held, self._held, self._held_bytes = self._held, [], 0
        with contextlib.suppress(OSError, ValueError):  # stdout closed: nothing left to tell
            for piece in _pieces(held):
                self._write(piece)
            self._stream.flush()

    def _write(self, data: bytes) -> None:
        """All of ``data``: a raw file may take less than it is given."""
        view = memoryview(data)
        while view:
            written = self._stream.write(view)
            if not written:  # None: a non-blocking stream is full; the rest is dropped
                return
            view = view[written:]


def _pieces(lines: list[bytes]) -> Iterator[bytes]:
    """``lines`` joined into pieces of at most ``PIPE_BUF`` bytes (a longer line alone)."""
    piece: list[bytes] = []
    size = 0
    for line in lines:
        if piece and size + len(line) > PIPE_BUF:
            yield b"".join(piece)
            piece, size = [], 0
        piece.append(line)
        size += len(line)
    if piece:
        yield b"".join(piece)


class AccessLog:
    """Writes the line when a request is over; callers skip it when the log is off."""

    def __init__(self, logger: logging.Logger | None = None, lines: Lines | None = None) -> None:
        self._logger = logger or logging.getLogger(ACCESS_LOGGER)
        self._lines = lines

    @property
    def enabled(self) -> bool:
        return self._logger.isEnabledFor(logging.INFO)

    def flush(self) -> None:
        """Write the lines held (the app calls it when it shuts down)."""
        if self._lines is not None:
            self._lines.flush()

    def write(self, record: RequestRecord, duration_ms: float) -> None:
        """Log the request; ``duration_ms`` is measured on a monotonic clock by the caller."""
        line = orjson.dumps(
            {
                "time": datetime.fromtimestamp(record.started, UTC).isoformat(
                    timespec="milliseconds"
                ),
                "method": record.method,
                "path": record.path,
                "status": _status(record),
                "durationMs": round(duration_ms, 3),
                "requestId": record.request_id,
                "appKey": record.app_key,
                "outcome": record.outcome.value,
            }
        )
        if self._lines is not None:
            self._lines.write_line(line)
            return
        # makeRecord + handle instead of info(): the same record and handlers, without the
        # stack walk logging does to find the caller.
        logger = self._logger
        log_record = logger.makeRecord(
            logger.name, logging.INFO, __file__, 0, line.decode(), (), None
        )
        logger.handle(log_record)


def _status(record: RequestRecord) -> int:
    """The status sent, or the one that says why none was (every line has a status)."""
    if record.status is not None:
        return record.status
    return CLOSED_BY_MOCK if record.outcome is Outcome.FAULT_DROP else CLOSED_BY_CLIENT
