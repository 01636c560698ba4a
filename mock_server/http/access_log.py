"""The access log: one JSON line per request on the ``mock_server.access`` logger.

Structured so that a log pipeline (or ``jq``) can filter on it: time, method, path, status,
duration, request id, app key and outcome. Never the signature, a body or any secret.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Final

import orjson

from mock_server.http.record import RequestRecord

__all__ = ["ACCESS_LOGGER", "AccessLog"]

ACCESS_LOGGER: Final = "mock_server.access"


class AccessLog:
    """Writes the line when a request is over; callers skip it when INFO is off."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._logger = logger or logging.getLogger(ACCESS_LOGGER)

    @property
    def enabled(self) -> bool:
        return self._logger.isEnabledFor(logging.INFO)

    def write(self, record: RequestRecord, duration_ms: float) -> None:
        """Log the request; ``duration_ms`` is measured on a monotonic clock by the caller."""
        line = {
            "time": datetime.fromtimestamp(record.started, UTC).isoformat(timespec="milliseconds"),
            "method": record.method,
            "path": record.path,
            "status": record.status,
            "durationMs": round(duration_ms, 3),
            "requestId": record.request_id,
            "appKey": record.app_key,
            "outcome": record.outcome.value,
        }
        # makeRecord + handle instead of info(): the same record and handlers, without the
        # stack walk logging does to find the caller (a third of the cost of a line).
        logger = self._logger
        log_record = logger.makeRecord(
            logger.name, logging.INFO, __file__, 0, orjson.dumps(line).decode(), (), None
        )
        logger.handle(log_record)
