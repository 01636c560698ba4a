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

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.http.envelope import Answer, error_answer, send_error
from mock_server.http.record import RequestRecord, record_of
from mock_server.model.faults import Decision, FaultStore
from mock_server.model.outcome import Outcome
from mock_server.model.owed import Owed, Replayed, defers

__all__ = [
    "DROPPED",
    "ConnectionDropped",
    "FaultsMiddleware",
    "apply_decision",
    "drop_connection",
    "fault_answer",
]

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


class _Dropped(Answer):
    """What a dropped request answers: nothing (its connection is closed already)."""

    async def send(self, send: Send) -> None:
        return


#: The "answer" of a dropped request.
DROPPED: Final[Answer] = _Dropped(0, b"")


def fault_answer(record: RequestRecord, status: int, code: str | None = None) -> Answer:
    """The answer a forced status gives, with the forced business ``code`` when one is
    (``Retry-After`` where the document declares it)."""
    headers = [(b"retry-after", b"1")] if status in _RETRY_AFTER_STATUSES else []
    code = code or str(status)
    what = f"status {status}" if code == str(status) else f"status {status}, code {code}"
    return error_answer(
        record,
        status,
        f"fault injected: {what} forced",
        code=code,
        outcome=Outcome.fault(status),
        headers=headers,
    )


async def apply_decision(record: RequestRecord, decision: Decision) -> Answer | None:
    """Carry out a drop (closing the connection: ``None``) or a forced status (its answer)."""
    if decision.drop:
        record.outcome = Outcome.FAULT_DROP
        if not await drop_connection(record.raw_send):
            raise ConnectionDropped("drop fault: connection closed without a response")
        return None
    if decision.status is not None:
        return fault_answer(record, decision.status, decision.code)
    return None


class FaultsMiddleware:
    """Applies the fault plan to requests on the vendor API paths."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        faults_of: Callable[[RequestRecord], FaultStore],
        operations: Mapping[str, str],
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self.app = app
        self._faults_of = faults_of
        self._operations = operations  # path -> operationId
        self._sleep = sleep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        operation = self._operations.get(scope["path"]) if scope["type"] == "http" else None
        if operation is None:
            await self.app(scope, receive, send)
            return
        record = record_of(scope)
        store = self._faults_of(record)
        if defers(store):
            # A shared store decides inside the action's round trip; any other answer settles
            # first, in ``_settling`` (``mock_server.model.owed``).
            record.owed = Owed(faults=store, operation=operation, sleep=self._sleep)
            await self.app(scope, receive, _settling(record, send))
            return
        decision = await store.decide(operation)
        if decision.delay:
            await self._sleep(decision.delay)
        answer = await apply_decision(record, decision)
        if answer is not None:
            await answer.send(send)
        elif not decision.drop:
            await self.app(scope, receive, send)


def _settling(record: RequestRecord, send: Send) -> Send:
    """``send`` that first settles what the request still owes: a fault fired then replaces
    the answer (or drops the connection), a replay answers 401, as the in-memory order would
    have; afterwards the replaced answer's own messages are swallowed."""
    replaced = False

    async def settling_send(message: Message) -> None:
        nonlocal replaced
        if replaced:
            return
        owed = record.owed
        if message["type"] == "http.response.start" and owed is not None and owed.anything:
            try:
                decision = await owed.settle()
            except Replayed:
                replaced = True
                await send_error(
                    send, record, 401, owed.replay_message, outcome=Outcome.AUTH_REPLAY
                )
                return
            if decision is not None:
                replaced = True
                answer = await apply_decision(record, decision)
                if answer is not None:
                    await answer.send(send)
                return
        await send(message)

    return settling_send
