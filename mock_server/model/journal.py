"""The request journal: the last requests to the vendor API, for ``GET /__mock/journal``.

A frontend developer asking "what did my app actually send?" reads it. It is bounded (the
oldest entries fall off) and recording is cheap: an entry keeps references to what the
request context already holds, and is turned into JSON (body decoded, ``m7-sign`` and other
credentials redacted) only when someone reads the journal.

``JournalStore`` is the interface (async, for a shared backend); the in-memory ``Journal``
publishes a ``journal`` event per entry. Which requests are recorded is the HTTP layer's
choice (``mock_server.http.lifecycle``), not the store's.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import orjson

from mock_server.model.events import EventFeed
from mock_server.model.journal_filter import JournalFilter
from mock_server.model.outcome import Outcome

__all__ = ["LONGEST_BODY", "REDACTED", "Journal", "JournalEntry", "JournalStore"]

REDACTED: Final = "[redacted]"
#: Headers whose values are never shown: the signature and any other credential.
_SECRET_HEADERS: Final = frozenset({"m7-sign", "authorization", "cookie", "proxy-authorization"})
#: Bodies longer than this are shown as text, cut here (so no more need be kept).
LONGEST_BODY: Final = 8 * 1024


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One request as it ended."""

    time: float
    request_id: str
    method: str
    path: str
    status: int | None
    outcome: Outcome
    app_key: str | None
    headers: Mapping[str, str]
    body: bytes | None
    #: The response body as sent (its first ``LONGEST_BODY`` + 1 bytes); ``None``: no response.
    response_body: bytes | None = None
    #: The vendor operation (``listen``, ...) of the path; ``None`` for any other path.
    operation: str | None = None

    def matches(self, selection: JournalFilter) -> bool:
        return selection.matches(
            operation=self.operation,
            path=self.path,
            status=self.status,
            outcome=self.outcome.value,
            app_key=self.app_key,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, camelCase, secrets redacted."""
        return {
            "time": datetime.fromtimestamp(self.time, UTC).isoformat(timespec="milliseconds"),
            "requestId": self.request_id,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "outcome": self.outcome.value,
            "appKey": self.app_key,
            "headers": {
                name: REDACTED if name in _SECRET_HEADERS else value
                for name, value in self.headers.items()
            },
            "body": _shown_body(self.body),
            "operation": self.operation,
            "responseBody": _shown_body(self.response_body),
        }


def _shown_body(body: bytes | None) -> Any:
    """The body as JSON when it is JSON, else as (cut) text; ``None`` when not read."""
    if body is None or not body:
        return None
    if len(body) <= LONGEST_BODY:
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    text = body[:LONGEST_BODY].decode("utf-8", "replace")
    return text if len(body) <= LONGEST_BODY else text + "…"


class JournalStore(Protocol):
    """The last ``capacity`` requests, oldest first."""

    @property
    def capacity(self) -> int:
        """How many entries are kept at most."""

    async def record(self, entry: JournalEntry) -> None:
        """Append ``entry`` (the oldest falls off when full)."""

    async def entries(self, selection: JournalFilter | None = None) -> list[dict[str, Any]]:
        """The entries ``selection`` keeps (every entry without one), JSON-ready, oldest
        first."""

    async def clear(self) -> int:
        """Forget every entry; returns how many there were."""


class Journal:
    """The in-memory ``JournalStore``."""

    def __init__(self, capacity: int, events: EventFeed) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)
        self._events = events

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    async def record(self, entry: JournalEntry) -> None:
        self._entries.append(entry)
        await self._events.publish(
            "journal",
            {
                "requestId": entry.request_id,
                "method": entry.method,
                "path": entry.path,
                "status": entry.status,
                "outcome": entry.outcome.value,
            },
        )

    async def entries(self, selection: JournalFilter | None = None) -> list[dict[str, Any]]:
        if selection is None:
            return [entry.to_dict() for entry in self._entries]
        kept = [entry for entry in self._entries if entry.matches(selection)]
        return [entry.to_dict() for entry in selection.newest(kept)]

    async def clear(self) -> int:
        count = len(self._entries)
        self._entries.clear()
        await self._events.publish("journal", {"cleared": count})
        return count
