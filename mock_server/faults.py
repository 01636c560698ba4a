"""Fault injection on the vendor API: latency, forced error statuses and dropped connections.

Set through ``PUT /__mock/faults`` so that a client's timeouts, retries and error paths can
be exercised against the mock. Faults apply to the vendor API paths only, never to the admin
API (which must stay usable to lift them). For each request, in order: the latency is
waited; a pending drop closes the connection without a response; a forced status answers
with the error envelope of that status instead of processing the request.

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
from dataclasses import dataclass, replace
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


class Faults:
    """The plan in force and the decisions it makes, one request at a time."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self.plan = FaultPlan()

    def set(self, plan: FaultPlan) -> None:
        self.plan = plan

    def clear(self) -> None:
        self.plan = FaultPlan()

    def delay_seconds(self) -> float:
        latency = self.plan.latency
        if latency is None:
            return 0.0
        return self._rng.randint(latency.min_ms, latency.max_ms) / 1000

    def take_drop(self) -> bool:
        """Whether this request is dropped (consuming one of the count)."""
        drop = self.plan.drop
        if drop is None:
            return False
        left = drop.remaining - 1
        self.plan = replace(self.plan, drop=DropFault(left) if left > 0 else None)
        return True

    def take_status(self) -> int | None:
        """The status forced on this request, if any (consuming one of the count)."""
        forced = self.plan.status
        if forced is None:
            return None
        if forced.ratio is not None:
            return forced.status if self._rng.random() < forced.ratio else None
        left = (forced.remaining or 1) - 1
        kept = replace(forced, remaining=left) if left > 0 else None
        self.plan = replace(self.plan, status=kept)
        return forced.status


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
        paths: frozenset[str],
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self.app = app
        self._faults = faults
        self._paths = paths
        self._sleep = sleep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self._paths:
            await self.app(scope, receive, send)
            return
        faults = self._faults
        delay = faults.delay_seconds()
        if delay:
            await self._sleep(delay)
        context = context_of(scope)
        if faults.take_drop():
            context.outcome = "fault:drop"
            if not await drop_connection(context.raw_send):
                raise ConnectionDropped("drop fault: connection closed without a response")
            return
        status = faults.take_status()
        if status is not None:
            context.outcome = f"fault:{status}"
            body = error_body(
                str(status), f"fault injected: status {status} forced", context.request_id
            )
            headers = [(b"retry-after", b"1")] if status in _RETRY_AFTER_STATUSES else []
            await send_json(send, status, body, headers)
            return
        await self.app(scope, receive, send)
