"""The access log: one JSON line per request, on the ``mock_server.access`` logger or a stream.

Structured so that a log pipeline (or ``jq``) can filter on it: time, method, path, status,
duration, request id, app key and outcome. Never the signature, a body or any secret.

By default the line is a record of the ``mock_server.access`` logger (what tests capture and
an embedding application configures). The command line writes it to stdout through
``LineWriter`` instead: the same line, held and written within 50 ms, without a logging
record and a flush per line, which were a tenth of the mock's time per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import BinaryIO, Final, Protocol

import orjson

from mock_server.http.record import RequestRecord

__all__ = ["ACCESS_LOGGER", "AccessLog", "LineWriter", "Lines"]

ACCESS_LOGGER: Final = "mock_server.access"
#: How long a line may wait in ``LineWriter``'s buffer before it is flushed.
FLUSH_DELAY: Final = 0.05
#: Bytes ``LineWriter`` holds at most; more are written at once (a flood cannot grow it).
HELD_BYTES: Final = 64 * 1024


class Lines(Protocol):
    """Where finished lines go (``LineWriter``)."""

    def write_line(self, line: bytes) -> None:
        """Write one line (without its newline)."""


class LineWriter:
    """Lines into a binary stream, written together on a timer of the running event loop
    (or at once when there is none, or past ``HELD_BYTES``), and when flushed.

    The lines are held here, not in the stream's buffer: with ``PYTHONUNBUFFERED`` set (as
    in many container images) ``sys.stdout.buffer`` is a raw file, and every line would be
    a system call of its own.
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
        """Write what is held, in one write (also at exit: ``main`` registers it)."""
        self._flush_pending = False
        held, self._held, self._held_bytes = self._held, [], 0
        with contextlib.suppress(OSError, ValueError):  # stdout closed: nothing left to tell
            if held:
                self._stream.write(b"".join(held))
            self._stream.flush()


class AccessLog:
    """Writes the line when a request is over; callers skip it when the log is off."""

    def __init__(self, logger: logging.Logger | None = None, lines: Lines | None = None) -> None:
        self._logger = logger or logging.getLogger(ACCESS_LOGGER)
        self._lines = lines

    @property
    def enabled(self) -> bool:
        return self._logger.isEnabledFor(logging.INFO)

    def write(self, record: RequestRecord, duration_ms: float) -> None:
        """Log the request; ``duration_ms`` is measured on a monotonic clock by the caller."""
        line = orjson.dumps(
            {
                "time": datetime.fromtimestamp(record.started, UTC).isoformat(
                    timespec="milliseconds"
                ),
                "method": record.method,
                "path": record.path,
                "status": record.status,
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
