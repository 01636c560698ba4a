"""What a fault the plan decided does to a vendor request's answer: a drop or a forced status.

The request path (``mock_server.model.request_path``) decides the faults, for the vendor API's
requests only, never the admin API's (which must stay usable to lift them); this carries its
decision out. See ``mock_server.model.faults`` for the plan and the order of its effects.

A drop must look like a network failure, not an HTTP error: raising inside the app would
make uvicorn send a 500. So the connection is closed through the server's drop extension
(``mock_server.http.record.DROP_EXTENSION``, offered by ``mock_server.server``, the one
module that knows uvicorn) and the app returns with nothing sent. Under a server that offers
none (an in-process test client), ``ConnectionDropped`` is raised instead, which such
clients surface as a transport error.
"""

from __future__ import annotations

from typing import Final

from starlette.types import Send

from mock_server.http.envelope import Answer, error_answer
from mock_server.http.record import RequestRecord
from mock_server.model.faults import Decision
from mock_server.model.outcome import Outcome

__all__ = ["DROPPED", "ConnectionDropped", "apply_decision", "fault_answer"]

#: Statuses declared with a ``Retry-After`` header in the document.
_RETRY_AFTER_STATUSES: Final = frozenset({429, 503})


class ConnectionDropped(Exception):
    """A drop fault fired where the connection could not be closed directly."""


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
        if record.drop is None:
            raise ConnectionDropped("drop fault: connection closed without a response")
        await record.drop()
        return None
    if decision.status is not None:
        return fault_answer(record, decision.status, decision.code)
    return None
