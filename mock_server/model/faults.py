"""The fault plan: latency, forced error statuses and dropped connections, and its decisions.

Set through ``PUT /__mock/faults`` so that a client's timeouts, retries and error paths can
be exercised against the mock (``mock_server.http.faults`` applies the decisions to the
vendor API's requests). For each request, in order: the latency is waited; a pending drop
closes the connection without a response; a forced status answers with the error envelope
of that status (and business code, when one is given) instead of processing the request.
A plan may also hold faults for one operation (``operations``): for a request to that
operation, each of its parts (latency, status, drop) takes the place of the plan's own part
of the same kind, with its own count.

``FaultStore`` is the interface; its methods are async so that a shared backend can keep
the counts (a Redis backend: one script per decision). The in-memory ``Faults`` publishes a
``faults`` event whenever the plan changes, including when a count is used up.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
    "seeded_draw",
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
    """Answer ``status`` for the next ``remaining`` requests, or for a ``ratio`` of them;
    the envelope's ``code`` is the status unless a business code (``40903``) is given."""

    status: int
    remaining: int | None = None
    ratio: float | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class DropFault:
    """Close the connection without a response, for the next ``remaining`` requests."""

    remaining: int


#: The kinds of fault, each a field of ``FaultPlan``.
_KINDS: Final = ("latency", "status", "drop")


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """The faults in force; all ``None`` and no operation: none.

    ``operations`` holds, by operationId, plans for one operation (without operations of
    their own); their parts take precedence over this plan's.
    """

    latency: LatencyFault | None = None
    status: StatusFault | None = None
    drop: DropFault | None = None
    operations: Mapping[str, FaultPlan] = field(default_factory=dict)
    #: With a seed, what chance decides (a latency in a range, a status by ratio) is drawn
    #: from ``draws`` (``SeededDraws``): the same requests fault in every run, on every
    #: backend. ``draw_state`` is where the draws are (not shown; ``None``: at the seed).
    seed: int | None = None
    draw_state: int | None = None

    def part(self, kind: str, operation: str | None) -> tuple[Any, str | None]:
        """The fault of ``kind`` for a request to ``operation``, and whose it is (the
        operation, or ``None`` for this plan's own)."""
        own = self.operations.get(operation) if operation is not None else None
        if own is not None and getattr(own, kind) is not None:
            return getattr(own, kind), operation
        return getattr(self, kind), None

    def with_part(self, kind: str, owner: str | None, value: Any) -> FaultPlan:
        """This plan with the part of ``kind`` of ``owner`` (see ``part``) set to ``value``;
        an operation left without faults is dropped."""
        if owner is None:
            return replace(self, **{kind: value})
        operations = dict(self.operations)
        changed = replace(operations[owner], **{kind: value})
        if changed.is_empty():
            del operations[owner]
        else:
            operations[owner] = changed
        return replace(self, operations=operations)

    def is_empty(self) -> bool:
        return all(getattr(self, kind) is None for kind in _KINDS) and not self.operations

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
            if self.status.code is not None:
                status["code"] = self.status.code
            data["status"] = status
        if self.drop is not None:
            data["drop"] = {"count": self.drop.remaining}
        if self.operations:
            data["operations"] = {op: plan.to_dict() for op, plan in self.operations.items()}
        if self.seed is not None:
            data["seed"] = self.seed
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, at: str = "body") -> FaultPlan:
        """Build from the admin API's (schema-valid) ``Faults``; raise ``FaultsError`` on
        combinations a schema cannot express (fixed vs. range, count vs. ratio)."""
        errors: list[FieldError] = []
        plan = cls._parse(data, at, errors)
        operations: dict[str, FaultPlan] = {}
        for operation, part in data.get("operations", {}).items():
            parsed = cls._parse(part, f"{at}.operations.{operation}", errors)
            if not parsed.is_empty():
                operations[operation] = parsed
        if errors:
            raise FaultsError(errors)
        seed = int(data["seed"]) if data.get("seed") is not None else None
        state = int(data["drawState"]) if data.get("drawState") is not None else None
        return replace(plan, operations=operations, seed=seed, draw_state=state)

    @classmethod
    def _parse(cls, data: Mapping[str, Any], at: str, errors: list[FieldError]) -> FaultPlan:
        latency = _latency(data.get("latency"), errors, at)
        status = _status(data.get("status"), errors, at)
        drop = DropFault(int(data["drop"]["count"])) if "drop" in data else None
        return cls(latency=latency, status=status, drop=drop)


def _latency(
    data: Mapping[str, Any] | None, errors: list[FieldError], at: str
) -> LatencyFault | None:
    if data is None:
        return None
    if "fixedMs" in data:
        if "minMs" in data or "maxMs" in data:
            errors.append(FieldError(f"{at}.latency", "give fixedMs, or minMs and maxMs, not both"))
            return None
        return LatencyFault(int(data["fixedMs"]), int(data["fixedMs"]))
    if "minMs" not in data or "maxMs" not in data:
        errors.append(FieldError(f"{at}.latency", "give fixedMs, or both minMs and maxMs"))
        return None
    low, high = int(data["minMs"]), int(data["maxMs"])
    if low > high:
        errors.append(FieldError(f"{at}.latency.minMs", f"{low} is more than maxMs {high}"))
        return None
    return LatencyFault(low, high)


def _status(
    data: Mapping[str, Any] | None, errors: list[FieldError], at: str
) -> StatusFault | None:
    if data is None:
        return None
    if ("count" in data) == ("ratio" in data):
        errors.append(FieldError(f"{at}.status", "give exactly one of count and ratio"))
        return None
    code = str(data["code"]) if "code" in data else None
    if "count" in data:
        return StatusFault(int(data["status"]), remaining=int(data["count"]), code=code)
    return StatusFault(int(data["status"]), ratio=float(data["ratio"]), code=code)


@dataclass(frozen=True, slots=True)
class Decision:
    """What the plan does to one request: wait ``delay`` seconds, then drop it, or answer
    ``status`` (with the envelope's ``code``, the status unless a business code is forced),
    or (neither) serve it."""

    delay: float = 0.0
    drop: bool = False
    status: int | None = None
    code: str | None = None


NO_FAULT: Final = Decision()

#: The seeded draws: Park and Miller's minimal standard generator (multiplier 48271), chosen
#: because the Redis script computes the same sequence exactly in Lua's doubles (a state
#: times the multiplier stays below 2**53). Not for secrets: for faults that fire on the
#: same requests in every run.
_MODULUS: Final = 2**31 - 1
_MULTIPLIER: Final = 48271


def seeded_draw(seed: int, state: int | None) -> tuple[int, float]:
    """The next state after ``state`` (``None``: the seed's start) and its draw in [0, 1)."""
    current = state if state is not None else seed % (_MODULUS - 1) + 1
    following = _MULTIPLIER * current % _MODULUS
    return following, following / _MODULUS


class FaultStore(Protocol):
    """The fault plan in force, and the decision it makes for each request."""

    async def plan(self) -> FaultPlan:
        """The plan in force (counts are what remains)."""

    async def set(self, plan: FaultPlan) -> None:
        """Replace the plan."""

    async def clear(self) -> None:
        """No faults."""

    async def decide(self, operation: str | None = None) -> Decision:
        """The decision for one request to ``operation`` (an operationId), using up one of a
        count when it fires."""


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

    async def decide(self, operation: str | None = None) -> Decision:
        plan = self._plan
        if plan.is_empty():
            return NO_FAULT
        delay = self._delay_seconds(operation)
        if self._take_drop(operation):
            decision = Decision(delay, drop=True)
        elif (forced := self._take_status(operation)) is not None:
            decision = Decision(delay, status=forced.status, code=forced.code or str(forced.status))
        else:
            decision = Decision(delay)
        if self._plan is not plan and replace(self._plan, draw_state=None) != replace(
            plan, draw_state=None
        ):
            await self._changed()  # a count used up (the draws' place is not shown)
        return decision

    def _uniform(self) -> float:
        """A draw in [0, 1): the plan's seeded sequence when it has a seed, else chance."""
        plan = self._plan
        if plan.seed is None:
            return self._rng.random()
        state, drawn = seeded_draw(plan.seed, plan.draw_state)
        self._plan = replace(plan, draw_state=state)
        return drawn

    async def _changed(self) -> None:
        await self._events.publish("faults", self._plan.to_dict())

    def _delay_seconds(self, operation: str | None) -> float:
        latency, _ = self._plan.part("latency", operation)
        if latency is None:
            return 0.0
        low: int = latency.min_ms
        high: int = latency.max_ms
        if self._plan.seed is None:
            return self._rng.randint(low, high) / 1000
        if low == high:
            return low / 1000
        return (low + int(self._uniform() * (high - low + 1))) / 1000

    def _take_drop(self, operation: str | None) -> bool:
        """Whether this request is dropped (consuming one of the count)."""
        drop, owner = self._plan.part("drop", operation)
        if drop is None:
            return False
        left = drop.remaining - 1
        self._plan = self._plan.with_part("drop", owner, DropFault(left) if left > 0 else None)
        return True

    def _take_status(self, operation: str | None) -> StatusFault | None:
        """The status (and code) forced on this request, if any (consuming one of the count)."""
        found, owner = self._plan.part("status", operation)
        forced: StatusFault | None = found
        if forced is None:
            return None
        if forced.ratio is not None:
            return forced if self._uniform() < forced.ratio else None
        left = (forced.remaining or 1) - 1
        kept = replace(forced, remaining=left) if left > 0 else None
        self._plan = self._plan.with_part("status", owner, kept)
        return forced
