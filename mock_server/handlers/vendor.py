"""The five vendor operations: a request through the request path, an envelope out.

The endpoint (``mock_server.http.vendor_endpoint``) has authenticated the request and
validated its body, or chosen its answer already (a refusal, a ``Prefer`` example); the
handler takes it through the account's request path (``mock_server.model.request_path``) and
turns the result into the answer: a fault's, a replay's 401, a refusal's error envelope with
the status and code of the rule table, or the success envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from m7_call_monitor.signing import SIGN_HEADER, TIMESTAMP_HEADER
from mock_server.http.auth import stale_message
from mock_server.http.envelope import Answer, Span, error_answer, json_answer, success_body
from mock_server.http.faults import DROPPED, apply_decision
from mock_server.http.lifecycle import journal_entry
from mock_server.http.record import RequestRecord
from mock_server.model.journal import JournalEntry
from mock_server.model.outcome import Outcome
from mock_server.model.request_path import (
    Accepted,
    ActionRequest,
    Faulted,
    Refused,
    Replayed,
    Stale,
    VendorRequest,
)
from mock_server.model.rules import OPERATION_OF, Action
from mock_server.model.state import MockState

__all__ = ["OPERATIONS", "VendorOperation"]


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def _signed_at(record: RequestRecord) -> int:
    """The request's ``m7-timestamp`` (verified as 10 digits when it has a replay key)."""
    return int(record.headers[TIMESTAMP_HEADER])


def _unjudged(lost_at: float) -> str:
    """The refusal of a request signed before the state store lost its replay memory."""
    when = datetime.fromtimestamp(lost_at, UTC).isoformat(timespec="seconds")
    return (
        f"{SIGN_HEADER}: signed before {when}, when the state store lost its replay memory: "
        "it cannot tell whether this request was accepted already, so refuses it as a "
        "possible replay; sign it anew"
    )


async def _perform(
    state: MockState,
    record: RequestRecord,
    body: dict[str, Any] | None,
    chosen: Answer | None,
    action: Action,
    field: str,
    replay_message: str,
    window: int,
) -> Answer:
    """Take the request through the state's request path: the action of ``body`` (``field``
    names the supervisor), or only the faults and the replay memory when the endpoint has
    ``chosen`` the answer already."""
    clock = state.clock
    operation = OPERATION_OF[action]
    wanted, success_entry, media_server = None, None, ""
    made: list[Answer] = []
    proxy_start = _ms(clock())
    if chosen is None and body is not None:
        valid_body = body
        wanted = ActionRequest(action, body[field], body["agentNumber"], field)
        media_server = await state.callcenter.media_server()

        def success_entry(media: str) -> JournalEntry:
            """The success naming ``media``, made when the request path says (its span
            ends then), and its journal entry."""
            made.append(_success(state, record, valid_body, media, proxy_start, _ms(clock())))
            return journal_entry(
                record,
                operation=operation,
                response_body=made[-1].body,
                status=200,
                time=clock.at(record.started),
            )

    request = VendorRequest(
        operation,
        replay_key=record.replay_key,
        signed_at=_signed_at(record) if record.replay_key is not None else 0,
        action=wanted,
        success=success_entry,
        media_server=media_server,
    )
    result = await state.path.perform(request)
    if isinstance(result, Faulted):
        return await apply_decision(record, result.decision) or DROPPED
    if isinstance(result, Stale):
        return error_answer(
            record, 401, stale_message(result.skew, window), outcome=Outcome.AUTH_CLOCK
        )
    if isinstance(result, Replayed):
        message = replay_message if result.lost_at is None else _unjudged(result.lost_at)
        return error_answer(record, 401, message, outcome=Outcome.AUTH_REPLAY)
    if isinstance(result, Refused):
        refused = result.error
        return error_answer(
            record,
            refused.status,
            refused.message,
            code=refused.code,
            outcome=Outcome.code(refused.code),
            action_id=body.get("actionId") if body is not None else None,
        )
    if isinstance(result, Accepted) and body is not None:
        if result.journaled:
            record.journaled = True
            return made[-1]
        # The media server changed meanwhile (a scenario loaded by another worker).
        return _success(state, record, body, result.media_server, proxy_start, _ms(clock()))
    if chosen is None:
        raise LookupError(f"{operation}: the request path passed a request with no answer")
    return chosen


def _success(
    state: MockState,
    record: RequestRecord,
    body: dict[str, Any],
    media_server: str,
    proxy_start: int,
    proxy_end: int,
) -> Answer:
    """The success envelope, its request's end read now."""
    envelope = success_body(
        body=body,
        path=record.path,
        request_id=record.request_id,
        system_id=state.ids.next(),
        media_server=media_server,
        span=Span(_ms(state.clock.at(record.started)), proxy_start, proxy_end, _ms(state.clock())),
    )
    return json_answer(200, envelope)


@dataclass(frozen=True, slots=True)
class VendorOperation:
    """One of the five operations: its call-center action and the field naming the
    supervisor."""

    action: Action
    supervisor_field: str

    async def handle(
        self,
        state: MockState,
        record: RequestRecord,
        body: dict[str, Any] | None,
        chosen: Answer | None,
        *,
        replay_message: str,
        window: int,
    ) -> Answer:
        """The answer to one request (see ``_perform``)."""
        return await _perform(
            state, record, body, chosen, self.action, self.supervisor_field, replay_message, window
        )


#: The operations by the document's operationId: 监听 listen, 耳语 whisper, 强插 lootCall,
#: 强拆 hangupChannel, 抢接 pickupChannel.
OPERATIONS: Final = {
    "listen": VendorOperation("listen", "listenAgent"),
    "hangupChannel": VendorOperation("hangup_channel", "hangupAgent"),
    "lootCall": VendorOperation("loot_call", "lootCallAgent"),
    "whisper": VendorOperation("whisper", "whisperAgent"),
    "pickupChannel": VendorOperation("pickup_channel", "pickupAgent"),
}
