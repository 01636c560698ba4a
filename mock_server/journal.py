"""The request journal: the last requests to the vendor API, for ``GET /__mock/journal``.

A frontend developer asking "what did my app actually send?" reads it. It is bounded (the
oldest entries fall off) and recording is cheap: an entry keeps references to what the
request context already holds, and is turned into JSON (body decoded, ``m7-sign`` and other
credentials redacted) only when someone reads the journal.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from mock_server.context import RequestContext

__all__ = ["REDACTED", "Journal", "JournalEntry"]

REDACTED: Final = "[redacted]"
#: Headers whose values are never shown: the signature and any other credential.
_SECRET_HEADERS: Final = frozenset({"m7-sign", "authorization", "cookie", "proxy-authorization"})
_DOCS: Final = frozenset({"/openapi.json", "/openapi.yaml", "/ui"})
_DOCS_UI: Final = "/ui/"
#: Bodies longer than this are shown as text, cut here.
_LONGEST_BODY: Final = 8 * 1024


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One request as it ended."""

    time: float
    request_id: str
    method: str
    path: str
    status: int | None
    outcome: str
    app_key: str | None
    headers: Mapping[str, str]
    body: bytes | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, camelCase, secrets redacted."""
        return {
            "time": datetime.fromtimestamp(self.time, UTC).isoformat(timespec="milliseconds"),
            "requestId": self.request_id,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "outcome": self.outcome,
            "appKey": self.app_key,
            "headers": {
                name: REDACTED if name in _SECRET_HEADERS else value
                for name, value in self.headers.items()
            },
            "body": _shown_body(self.body),
        }


def _shown_body(body: bytes | None) -> Any:
    """The body as JSON when it is JSON, else as (cut) text; ``None`` when not read."""
    if body is None or not body:
        return None
    if len(body) <= _LONGEST_BODY:
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    text = body[:_LONGEST_BODY].decode("utf-8", "replace")
    return text if len(body) <= _LONGEST_BODY else text + "…"


class Journal:
    """The last ``capacity`` requests, oldest first.

    Requests to the admin API and to the documentation are not recorded: the journal is
    about what a client sent to the vendor API (and to paths that do not exist).
    """

    def __init__(self, capacity: int = 1000, *, admin_prefix: str = "/__mock") -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)
        self._admin_prefix = admin_prefix

    def wants(self, path: str) -> bool:
        """Whether a request to ``path`` is recorded."""
        if path in _DOCS or path.startswith(_DOCS_UI):
            return False
        return not (path == self._admin_prefix or path.startswith(self._admin_prefix + "/"))

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    def record(self, context: RequestContext) -> None:
        self._entries.append(
            JournalEntry(
                time=context.started,
                request_id=context.request_id,
                method=context.method,
                path=context.path,
                status=context.status,
                outcome=context.outcome,
                app_key=context.app_key,
                headers=context.headers,
                body=context.body,
            )
        )

    def entries(self) -> list[dict[str, Any]]:
        return [entry.to_dict() for entry in self._entries]

    def clear(self) -> int:
        """Forget every entry; returns how many there were."""
        count = len(self._entries)
        self._entries.clear()
        return count
