"""The faults layer: applies the fault plan's decisions to the vendor API's requests.

Faults apply to the vendor API paths only, never to the admin API (which must stay usable
to lift them). See ``mock_server.model.faults`` for the plan and the order of its effects.

A drop must look like a network failure, not an HTTP error: raising inside the app would
make uvicorn send a 500. So the connection's transport is aborted directly (uvicorn's
``send`` is a method of its request cycle, which holds the transport) and the app returns
with nothing sent; uvicorn sees a disconnected client and sends nothing. This is the mock's
only coupling to uvicorn (duck-typed: uvicorn is not imported), and it lives here. Under a
server where no transport can be found (an in-process test client), ``ConnectionDropped``
is raised instead, which such clients surface as a transport error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.http.envelope import send_error
from mock_server.http.record import record_of
from mock_server.model.faults import FaultStore
from mock_server.model.outcome import Outcome

__all__ = ["ConnectionDropped", "FaultsMiddleware", "drop_connection"]

#: Statuses declared with a ``Retry-After`` header in the document.
_RETRY_AFTER_STATUSES: Final = frozenset({429, 503})


class ConnectionDropped(Exception):
    """A drop fault fired where the connection could not be closed directly."""


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
        faults: FaultStore,
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
        decision = await self._faults.decide(operation)
        if decision.delay:
            await self._sleep(decision.delay)
        record = record_of(scope)
        if decision.drop:
            record.outcome = Outcome.FAULT_DROP
            if not await drop_connection(record.raw_send):
                raise ConnectionDropped("drop fault: connection closed without a response")
            return
        status = decision.status
        if status is not None:
            headers = [(b"retry-after", b"1")] if status in _RETRY_AFTER_STATUSES else []
            code = decision.code or str(status)
            what = f"status {status}" if code == str(status) else f"status {status}, code {code}"
            await send_error(
                send,
                record,
                status,
                f"fault injected: {what} forced",
                code=code,
                outcome=Outcome.fault(status),
                headers=headers,
            )
            return
        await self.app(scope, receive, send)
