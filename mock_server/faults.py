"""Fault injection on the vendor API: latency, forced error statuses and dropped connections.

Set through ``PUT /__mock/faults`` so that a client's timeouts, retries and error paths can
be exercised against the mock. Faults apply to the vendor API paths only, never to the admin
API (which must stay usable to lift them). For each request, in order: the latency is
waited; a pending drop closes the connection without a response; a forced status answers
with the error envelope of that status (and business code, when one is given) instead of
processing the request. A plan may also hold faults for one operation (``operations``): for
a request to that operation, each of its parts (latency, status, drop) takes the place of
the plan's own part of the same kind, with its own count.

A drop must look like a network failure, not an HTTP error: raising inside the app would
make uvicorn send a 500. So the connection's transport is aborted directly (uvicorn's
``send`` is a method of its request cycle, which holds the transport) and the app returns
with nothing sent; uvicorn sees a disconnected client and sends nothing. Under a server
where no transport can be found (an in-process test client), ``ConnectionDropped`` is
raised instead, which such clients surface as a transport error.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.context import context_of
from mock_server.envelope import FieldError, error_body, send_json

__all__ = [
    "ConnectionDropped",
    "DropFault",
    "FaultPlan",
    "Faults",
    "FaultsError",
    "FaultsMiddleware",
    "LatencyFault",
    "StatusFault",
    "drop_connection",
]

MAX_LATENCY_MS: Final = 60_000
#: Statuses declared with a ``Retry-After`` header in the document.
_RETRY_AFTER_STATUSES: Final = frozenset({429, 503})


class ConnectionDropped(Exception):
    """A drop fault fired where the connection could not be closed directly."""


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
        return replace(plan, operations=operations)

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


class Faults:
    """The plan in force and the decisions it makes, one request at a time."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self.plan = FaultPlan()

    def set(self, plan: FaultPlan) -> None:
        self.plan = plan

    def clear(self) -> None:
        self.plan = FaultPlan()

    def delay_seconds(self, operation: str | None = None) -> float:
        latency, _ = self.plan.part("latency", operation)
        if latency is None:
            return 0.0
        return self._rng.randint(latency.min_ms, latency.max_ms) / 1000

    def take_drop(self, operation: str | None = None) -> bool:
        """Whether this request is dropped (consuming one of the count)."""
        drop, owner = self.plan.part("drop", operation)
        if drop is None:
            return False
        left = drop.remaining - 1
        self.plan = self.plan.with_part("drop", owner, DropFault(left) if left > 0 else None)
        return True

    def take_status(self, operation: str | None = None) -> StatusFault | None:
        """The status (and code) forced on this request, if any (consuming one of the count)."""
        found, owner = self.plan.part("status", operation)
        forced: StatusFault | None = found
        if forced is None:
            return None
        if forced.ratio is not None:
            return forced if self._rng.random() < forced.ratio else None
        left = (forced.remaining or 1) - 1
        kept = replace(forced, remaining=left) if left > 0 else None
        self.plan = self.plan.with_part("status", owner, kept)
        return forced


async def drop_connection(send: Send) -> bool:
    """Abort the connection under ``send`` (uvicorn); False if no transport was found."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    abort = getattr(transport, "abort", None)
    if not callable(abort):
        return False
    abort()
    # connection_lost runs on a later loop iteration; once it has, uvicorn marks the cycle
    # disconnected and sends nothing when the app returns without a response.
    for _ in range(20):
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0)
    return True


class FaultsMiddleware:
    """Applies the fault plan to requests on the vendor API paths."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        faults: Faults,
        operations: Mapping[str, str],
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self.app = app
        self._faults = faults
        self._operations = operations  # path -> operationId
        self._sleep = sleep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        operation = self._operations.get(scope["path"]) if scope["type"] == "http" else None
        if operation is None:
            await self.app(scope, receive, send)
            return
        faults = self._faults
        delay = faults.delay_seconds(operation)
        if delay:
            await self._sleep(delay)
        context = context_of(scope)
        if faults.take_drop(operation):
            context.outcome = "fault:drop"
            if not await drop_connection(context.raw_send):
                raise ConnectionDropped("drop fault: connection closed without a response")
            return
        forced = faults.take_status(operation)
        if forced is not None:
            status = forced.status
            code = forced.code or str(status)
            context.outcome = f"fault:{status}"
            what = f"status {status}" if forced.code is None else f"status {status}, code {code}"
            body = error_body(code, f"fault injected: {what} forced", context.request_id)
            headers = [(b"retry-after", b"1")] if status in _RETRY_AFTER_STATUSES else []
            await send_json(send, status, body, headers)
            return
        await self.app(scope, receive, send)
