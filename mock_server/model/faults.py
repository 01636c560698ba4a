"""The fault plan: latency, forced error statuses and dropped connections, and its decisions.

Set through ``PUT /__mock/faults`` so that a client's timeouts, retries and error paths can
be exercised against the mock (``mock_server.http.faults`` applies the decisions to the
vendor API's requests). For each request, in order: the latency is waited; a pending drop
closes the connection without a response; a forced status answers with the error envelope
of that status instead of processing the request.

``FaultStore`` is the interface; its methods are async so that a shared backend can keep
the counts (a Redis backend: one script per decision). The in-memory ``Faults`` publishes a
``faults`` event whenever the plan changes, including when a count is used up.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final, Protocol

from mock_server.model.events import EventFeed
from mock_server.model.field_error import FieldError

__all__ = [
    "NO_FAULT",
    "Decision",
    "DropFault",
    "FaultPlan",
    "FaultStore",
    "Faults",
    "FaultsError",
    "LatencyFault",
    "StatusFault",
]

MAX_LATENCY_MS: Final = 60_000


class FaultsError(ValueError):
    """An impossible fault plan; ``errors`` name each field at fault."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class LatencyFault:
    """Wait ``min_ms`` to ``max_ms`` (uniformly; equal for a fixed delay) before answering."""

    min_ms: int
    max_ms: int


@dataclass(frozen=True, slots=True)
class StatusFault:
    """Answer ``status`` for the next ``remaining`` requests, or for a ``ratio`` of them."""

    status: int
    remaining: int | None = None
    ratio: float | None = None


@dataclass(frozen=True, slots=True)
class DropFault:
    """Close the connection without a response, for the next ``remaining`` requests."""

    remaining: int


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """The faults in force; all ``None``: none."""

    latency: LatencyFault | None = None
    status: StatusFault | None = None
    drop: DropFault | None = None

    def to_dict(self) -> dict[str, Any]:
        """The admin API's ``Faults`` shape (counts are what remains)."""
        data: dict[str, Any] = {}
        if self.latency is not None:
            low, high = self.latency.min_ms, self.latency.max_ms
            data["latency"] = {"fixedMs": low} if low == high else {"minMs": low, "maxMs": high}
        if self.status is not None:
            status: dict[str, Any] = {"status": self.status.status}
            if self.status.remaining is not None:
                status["count"] = self.status.remaining
            if self.status.ratio is not None:
                status["ratio"] = self.status.ratio
            data["status"] = status
        if self.drop is not None:
            data["drop"] = {"count": self.drop.remaining}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultPlan:
        """Build from the admin API's (schema-valid) ``Faults``; raise ``FaultsError`` on
        combinations a schema cannot express (fixed vs. range, count vs. ratio)."""
        errors: list[FieldError] = []
        latency = _latency(data.get("latency"), errors)
        status = _status(data.get("status"), errors)
        drop = DropFault(int(data["drop"]["count"])) if "drop" in data else None
        if errors:
            raise FaultsError(errors)
        return cls(latency=latency, status=status, drop=drop)


def _latency(data: Mapping[str, Any] | None, errors: list[FieldError]) -> LatencyFault | None:
    if data is None:
        return None
    if "fixedMs" in data:
        if "minMs" in data or "maxMs" in data:
            errors.append(FieldError("body.latency", "give fixedMs, or minMs and maxMs, not both"))
            return None
        return LatencyFault(int(data["fixedMs"]), int(data["fixedMs"]))
    if "minMs" not in data or "maxMs" not in data:
        errors.append(FieldError("body.latency", "give fixedMs, or both minMs and maxMs"))
        return None
    low, high = int(data["minMs"]), int(data["maxMs"])
    if low > high:
        errors.append(FieldError("body.latency.minMs", f"{low} is more than maxMs {high}"))
        return None
    return LatencyFault(low, high)


def _status(data: Mapping[str, Any] | None, errors: list[FieldError]) -> StatusFault | None:
    if data is None:
        return None
    if ("count" in data) == ("ratio" in data):
        errors.append(FieldError("body.status", "give exactly one of count and ratio"))
        return None
    if "count" in data:
        return StatusFault(int(data["status"]), remaining=int(data["count"]))
    return StatusFault(int(data["status"]), ratio=float(data["ratio"]))


@dataclass(frozen=True, slots=True)
class Decision:
    """What the plan does to one request: wait ``delay`` seconds, then drop it, or answer
    ``status``, or (neither) serve it."""

    delay: float = 0.0
    drop: bool = False
    status: int | None = None


NO_FAULT: Final = Decision()


class FaultStore(Protocol):
    """The fault plan in force, and the decision it makes for each request."""

    async def plan(self) -> FaultPlan:
        """The plan in force (counts are what remains)."""

    async def set(self, plan: FaultPlan) -> None:
        """Replace the plan."""

    async def clear(self) -> None:
        """No faults."""

    async def decide(self) -> Decision:
        """The decision for one request, using up one of a count when it fires."""


class Faults:
    """The in-memory ``FaultStore``."""

    def __init__(self, rng: random.Random, events: EventFeed) -> None:
        self._rng = rng
        self._events = events
        self._plan = FaultPlan()

    async def plan(self) -> FaultPlan:
        return self._plan

    async def set(self, plan: FaultPlan) -> None:
        self._plan = plan
        await self._changed()

    async def clear(self) -> None:
        self._plan = FaultPlan()
        await self._changed()

    async def decide(self) -> Decision:
        plan = self._plan
        if plan.latency is None and plan.drop is None and plan.status is None:
            return NO_FAULT
        delay = self._delay_seconds()
        if self._take_drop():
            decision = Decision(delay, drop=True)
        else:
            decision = Decision(delay, status=self._take_status())
        if self._plan is not plan:
            await self._changed()
        return decision

    async def _changed(self) -> None:
        await self._events.publish("faults", self._plan.to_dict())

    def _delay_seconds(self) -> float:
        latency = self._plan.latency
        if latency is None:
            return 0.0
        return self._rng.randint(latency.min_ms, latency.max_ms) / 1000

    def _take_drop(self) -> bool:
        """Whether this request is dropped (consuming one of the count)."""
        drop = self._plan.drop
        if drop is None:
            return False
        left = drop.remaining - 1
        self._plan = replace(self._plan, drop=DropFault(left) if left > 0 else None)
        return True

    def _take_status(self) -> int | None:
        """The status forced on this request, if any (consuming one of the count)."""
        forced = self._plan.status
        if forced is None:
            return None
        if forced.ratio is not None:
            return forced.status if self._rng.random() < forced.ratio else None
        left = (forced.remaining or 1) - 1
        kept = replace(forced, remaining=left) if left > 0 else None
        self._plan = replace(self._plan, status=kept)
        return forced.status
