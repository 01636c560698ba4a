"""Which journal entries ``GET /__mock/journal`` answers: its query parameters as one value.

Every parameter narrows the answer (they combine with "and"); ``limit`` keeps the newest
matching entries, still oldest first, so a console can ask for "the last 100 refused
listens" without reading the whole journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

__all__ = ["JournalFilter"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class JournalFilter:
    """The journal's query; ``None`` leaves a field unrestricted."""

    #: The vendor operation (``listen``, ``hangupChannel``, ...).
    operation: str | None = None
    #: The path exactly as received.
    path: str | None = None
    status: int | None = None
    #: An outcome (``40903``, ``fault:503``), or its kind alone (``auth``, ``fault``), which
    #: matches every outcome of that kind (``auth:replay``, ``auth:signature``, ...).
    outcome: str | None = None
    app_key: str | None = None
    #: At most this many entries, the newest.
    limit: int | None = None

    def is_everything(self) -> bool:
        """Whether nothing is restricted."""
        return self == JournalFilter()

    def matches(
        self,
        *,
        operation: str | None,
        path: str,
        status: int | None,
        outcome: str,
        app_key: str | None,
    ) -> bool:
        """Whether a journal entry with these fields passes every restriction."""
        if self.operation is not None and operation != self.operation:
            return False
        if self.path is not None and path != self.path:
            return False
        if self.status is not None and status != self.status:
            return False
        if self.app_key is not None and app_key != self.app_key:
            return False
        if self.outcome is not None:
            return outcome == self.outcome or outcome.startswith(self.outcome + ":")
        return True

    def newest(self, entries: list[T]) -> list[T]:
        """The last ``limit`` of ``entries`` (already matching, oldest first)."""
        if self.limit is None:
            return entries
        return entries[-self.limit :] if self.limit > 0 else []
