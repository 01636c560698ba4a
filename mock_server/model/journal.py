"""The request journal: the last requests to the vendor API, for ``GET /__mock/journal``.

A frontend developer asking "what did my app actually send?" reads it. It is bounded in
entries and in bytes (the oldest entries fall off first), a header value or body longer
than ``value_chars`` is kept cut and marked ``…[cut]``, and reading it never fails: a
body nested too deep to serialise is shown as text. Recording is cheap: an entry keeps references to what the
request context already holds, and is turned into JSON (body decoded, ``m7-sign`` and other
credentials redacted) only when someone reads the journal.

``JournalStore`` is the interface (async, for a shared backend); the in-memory ``Journal``
publishes a ``journal`` event per entry. Which requests are recorded is the HTTP layer's
choice (``mock_server.http.lifecycle``), not the store's.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import orjson

from mock_server.model.defaults import JOURNAL_MAX_BYTES, JOURNAL_VALUE_CHARS, MAX_HEADER_COUNT
from mock_server.model.events import EventFeed
from mock_server.model.journal_filter import JournalFilter
from mock_server.model.json_depth import nests_deeper_than
from mock_server.model.outcome import Outcome

__all__ = ["LONGEST_BODY", "REDACTED", "Journal", "JournalEntry", "JournalStore", "kept_entry"]

REDACTED: Final = "[redacted]"
#: Headers whose values are never shown: the signature and any other credential.
_SECRET_HEADERS: Final = frozenset({"m7-sign", "authorization", "cookie", "proxy-authorization"})
#: Bodies longer than this are shown as text, cut here (so no more need be kept).
LONGEST_BODY: Final = 8 * 1024
#: The mark after a value the journal kept only the start of.
CUT: Final = "…[cut]"
#: Bodies nested deeper are shown as text (orjson writes at most 255 levels).
_DEEPEST_SHOWN: Final = 64
#: What an entry costs besides its headers and body (the object, times, ids), roughly.
_ENTRY_OVERHEAD: Final = 400


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
    #: Where an answer from the upstream or a recording disagrees with the document (each
    #: as ``mock_server.upstream.drift.Disagreement`` writes it); empty when simulated.
    drift: tuple[str, ...] = ()

    def matches(self, selection: JournalFilter) -> bool:
        return selection.matches(
            operation=self.operation,
            path=self.path,
            status=self.status,
            outcome=self.outcome.value,
            app_key=self.app_key,
        )

    def redacted_headers(self) -> dict[str, str]:
        """The headers with every credential's value replaced (what may be shown or kept)."""
        return {
            name: REDACTED if name in _SECRET_HEADERS else value
            for name, value in self.headers.items()
        }

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
            "headers": self.redacted_headers(),
            "body": _shown_body(self.body),
            "operation": self.operation,
            "responseBody": _shown_body(self.response_body),
            **({"drift": list(self.drift)} if self.drift else {}),
        }


def _shown_body(body: bytes | None) -> Any:
    """The body as JSON when it is JSON, else as (cut) text; ``None`` when not read."""
    if body is None or not body:
        return None
    if len(body) <= LONGEST_BODY and not nests_deeper_than(body, _DEEPEST_SHOWN):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    text = body[:LONGEST_BODY].decode("utf-8", "replace")
    return text if len(body) <= LONGEST_BODY else text + CUT


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[:limit] + CUT


def _kept_body(body: bytes | None) -> bytes | None:
    """``body``, or its start when longer than shown (still "longer than shown": shown cut)."""
    if body is not None and len(body) > LONGEST_BODY:
        return body[: LONGEST_BODY + 1]
    return body


def kept_entry(
    entry: JournalEntry,
    *,
    value_chars: int = JOURNAL_VALUE_CHARS,
    max_headers: int = MAX_HEADER_COUNT,
) -> JournalEntry:
    """``entry`` as a journal keeps it: over-long values cut, at most ``max_headers``
    headers, bodies no longer than shown (a copy only when something was cut)."""
    limit = value_chars
    headers = entry.headers
    if len(headers) > max_headers or any(len(v) > limit for v in headers.values()):
        kept = list(headers.items())[:max_headers]  # the document's limit
        headers = {name: _cut(value, limit) for name, value in kept}
    body, response_body = _kept_body(entry.body), _kept_body(entry.response_body)
    path = _cut(entry.path, limit)
    if (
        headers is entry.headers
        and body is entry.body
        and response_body is entry.response_body
        and path is entry.path
    ):
        return entry
    return dataclasses.replace(
        entry, headers=headers, body=body, response_body=response_body, path=path
    )


def _size(entry: JournalEntry) -> int:
    """About how many bytes ``entry`` holds."""
    headers = sum(len(name) + len(value) for name, value in entry.headers.items())
    bodies = len(entry.body or b"") + len(entry.response_body or b"")
    return _ENTRY_OVERHEAD + len(entry.path) + headers + bodies


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
    """The in-memory ``JournalStore``: at most ``capacity`` entries and ``max_bytes``."""

    def __init__(
        self,
        capacity: int,
        events: EventFeed,
        *,
        max_bytes: int = JOURNAL_MAX_BYTES,
        value_chars: int = JOURNAL_VALUE_CHARS,
        max_headers: int = 100,
    ) -> None:
        self._entries: deque[tuple[JournalEntry, int]] = deque()
        self._capacity = capacity
        self._events = events
        self._max_bytes = max_bytes
        self._value_chars = value_chars
        self._max_headers = max_headers
        self._bytes = 0

    def _kept(self, entry: JournalEntry) -> JournalEntry:
        return kept_entry(entry, value_chars=self._value_chars, max_headers=self._max_headers)

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def size(self) -> int:
        """About how many bytes the entries hold (at most ``max_bytes``)."""
        return self._bytes

    async def record(self, entry: JournalEntry) -> None:
        entry = self._kept(entry)
        size = _size(entry)
        self._entries.append((entry, size))
        self._bytes += size
        while self._entries and (
            len(self._entries) > self._capacity or self._bytes > self._max_bytes
        ):
            self._bytes -= self._entries.popleft()[1]
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
            return [entry.to_dict() for entry, _ in self._entries]
        kept = [entry for entry, _ in self._entries if entry.matches(selection)]
        return [entry.to_dict() for entry in selection.newest(kept)]

    async def clear(self) -> int:
        count = len(self._entries)
        self._entries.clear()
        self._bytes = 0
        await self._events.publish("journal", {"cleared": count})
        return count
