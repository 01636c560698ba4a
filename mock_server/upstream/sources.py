"""Answering a vendor request from elsewhere than the call-state rules, inside the one path.

A vendor request still goes through everything the mock does before the rules: the
endpoint's checks without state (the caller's signature verified as strictly as ever, the
body's schema) and the account's request path (faults, signature window, replay memory).
Only the rules' step is replaced: ``answered_elsewhere`` wraps each operation's handler so
that, when the ``AnswerSource`` has an answer for the request, the handler is asked with an
answer chosen already (``PASS``), which takes the request through the faults and the replay
memory with no action, as for any answer chosen before the rules; ``PASS`` coming back means
the path passed it, and the source answers. A source with no answer for a request (a
replay falling back to the simulation) leaves it to the handler, rules and all: either way
the request meets the path exactly once.

``ProxySource`` answers from the upstream (``forwarder``), checks each answer against the
document (``drift``), journals it with its disagreements and records it (``har``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final, Protocol

from starlette.types import Send

from mock_server.http.envelope import Answer, dumps, error_answer
from mock_server.http.lifecycle import journal_entry
from mock_server.http.record import RequestRecord
from mock_server.http.vendor_endpoint import Handler, VendorRoute
from mock_server.model.outcome import Outcome
from mock_server.model.state import MockState
from mock_server.upstream.drift import Disagreement, DriftCheck, listed
from mock_server.upstream.forwarder import Answered, Forwarder
from mock_server.upstream.har import HarWriter, Recorded

__all__ = [
    "PASS",
    "AnswerSource",
    "DriftCounters",
    "PassedOn",
    "ProxySource",
    "SourcedAnswer",
    "answered_elsewhere",
    "checked",
    "journal_answer",
]

_log = logging.getLogger("mock_server.upstream")

#: The answer "chosen already" a handler is asked with: it comes back when the request path
#: passed the request (no fault, no stale or replayed signature).
PASS: Final = Answer(0, b"")

#: Answers one request the path passed: ``(state, record, valid body) -> answer``.
PassedOn = Callable[[MockState, RequestRecord, dict[str, Any]], Awaitable[Answer]]


class AnswerSource(Protocol):
    """Where requests are answered instead of the call-state rules."""

    def answerer(self, operation: str, body: Mapping[str, Any]) -> PassedOn | None:
        """How to answer this request, or ``None``: the simulated call center answers it."""


def answered_elsewhere(
    routes: Mapping[str, VendorRoute],
    source: AnswerSource | None,
    state_of: Callable[[RequestRecord], MockState],
) -> Mapping[str, VendorRoute]:
    """``routes`` with each handler answering from ``source`` where it has an answer
    (``state_of``: the request's account, whose journal gets the entry); ``routes`` as they
    are without a source (simulating)."""
    if source is None:
        return routes
    return {
        path: dataclasses.replace(
            route, handler=_elsewhere(route.handler, route.operation_id, source, state_of)
        )
        for path, route in routes.items()
    }


def _elsewhere(
    handler: Handler,
    operation: str,
    source: AnswerSource,
    state_of: Callable[[RequestRecord], MockState],
) -> Handler:
    async def answer(record: RequestRecord, body: Any, chosen: Answer | None) -> Answer:
        answer_from = None
        if chosen is None and isinstance(body, dict):
            answer_from = source.answerer(operation, body)
        if answer_from is None:
            return await handler(record, body, chosen)
        passed = await handler(record, None, PASS)
        if passed is not PASS:
            return passed  # a fault, a stale or replayed signature
        return await answer_from(state_of(record), record, body)

    return answer


@dataclass(slots=True)
class DriftCounters:
    """How many answers were checked against the document and what disagreed (this
    process's, since it started)."""

    answers: int = 0
    disagreeing: int = 0
    disagreements: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)

    def add(self, found: Sequence[Disagreement]) -> None:
        self.answers += 1
        if found:
            self.disagreeing += 1
            self.disagreements += len(found)
            self.by_kind.update(d.kind for d in found)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "disagreeing": self.disagreeing,
            "disagreements": self.disagreements,
            "byKind": dict(sorted(self.by_kind.items())),
        }


@dataclass(frozen=True, slots=True)
class SourcedAnswer(Answer):
    """An answer from elsewhere, sent with its own content type (the upstream's) rather
    than the mock's JSON one."""

    async def send(self, send: Send) -> None:
        headers = [(b"content-length", str(len(self.body)).encode()), *self.headers]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


def checked(
    check: DriftCheck,
    counters: DriftCounters,
    operation: str,
    status: int,
    content_type: str | None,
    body: bytes,
) -> list[Disagreement]:
    """The answer's disagreements, counted. The check never costs the caller the answer: one
    that fails is logged (with no byte of the answer) and finds nothing."""
    try:
        found = check.check(operation, status, content_type, body)
    except Exception as exc:  # the answer goes out whatever the check does
        _log.warning(
            "%s %d: the answer could not be checked against the document (%s)",
            operation,
            status,
            type(exc).__name__,
        )
        return []
    counters.add(found)
    return found


def _outcome(status: int) -> Outcome:
    return Outcome.status(status) if 400 <= status <= 599 else Outcome.OK


async def journal_answer(
    state: MockState,
    record: RequestRecord,
    operation: str,
    answer: Answer,
    found: Sequence[Disagreement],
) -> None:
    """Journal ``answer`` with its disagreements (the lifecycle then writes no entry)."""
    record.outcome = _outcome(answer.status)
    entry = journal_entry(
        record,
        operation=operation,
        response_body=answer.body,
        status=answer.status,
        time=state.clock.at(record.started),
    )
    await state.journal.record(dataclasses.replace(entry, drift=listed(found)))
    record.journaled = True


class ProxySource:
    """Every request answered by the upstream."""

    def __init__(
        self,
        forwarder: Forwarder,
        check: DriftCheck,
        counters: DriftCounters,
        recorder: HarWriter | None = None,
    ) -> None:
        self._forwarder = forwarder
        self._check = check
        self.counters = counters
        self._recorder = recorder

    def answerer(self, operation: str, body: Mapping[str, Any]) -> PassedOn:
        return partial(self._answer, operation)

    async def _answer(
        self, operation: str, state: MockState, record: RequestRecord, body: dict[str, Any]
    ) -> Answer:
        sent = record.body if record.body is not None else dumps(body)
        result = await self._forwarder.forward(record.path, sent)
        if not isinstance(result, Answered):
            return error_answer(record, result.status, result.message)
        found = checked(
            self._check, self.counters, operation, result.status, result.content_type, result.body
        )
        if found:
            _log.warning(
                "%s %d: %d disagreement(s) with the document (journal entry %s)",
                operation,
                result.status,
                len(found),
                record.request_id,
            )
        if self._recorder is not None:
            self._record(operation, result, found)
        answer = SourcedAnswer(result.status, result.body, result.passed_headers())
        await journal_answer(state, record, operation, answer, found)
        return answer

    def _record(self, operation: str, result: Answered, found: Sequence[Disagreement]) -> None:
        """Write the exchange; never a reason for the caller not to get the answer (the
        vendor carried the request out already). The writer stops itself when it cannot
        write; anything else is logged once per exchange and left out."""
        assert self._recorder is not None  # noqa: S101 - the caller checks
        try:
            self._recorder.write(_recorded(operation, result, found))
        except Exception as exc:  # the answer goes out whatever the file does
            self._recorder.left_out += 1
            _log.warning("%s %d: not recorded (%s)", operation, result.status, type(exc).__name__)


def _recorded(operation: str, result: Answered, found: Sequence[Disagreement]) -> Recorded:
    sent = result.sent
    return Recorded(
        started=sent.started,
        elapsed_ms=result.elapsed_ms,
        method="POST",
        url=sent.url,
        request_headers=sent.headers,
        request_body=sent.body,
        status=result.status,
        reason=result.reason,
        response_headers=result.headers,
        response_body=result.body,
        operation=operation,
        drift=listed(found),
    )
