"""The five vendor operations: body in, one call-center action, envelope out.

They are reached by operationId (``hangupChannel`` -> ``hangup_channel``) after the request
was authenticated and its body validated, so a handler parses nothing. A refused action
(``CallStateError``) becomes the error envelope with the status and code the call center
chose.
"""

from __future__ import annotations

from typing import Any, Final

from mock_server.http.envelope import Answer, Span, error_answer, json_answer, success_body
from mock_server.http.faults import DROPPED, apply_decision
from mock_server.http.lifecycle import journal_entry
from mock_server.http.record import RequestRecord
from mock_server.model.callcenter import CallStateError
from mock_server.model.callcenter_store import Action
from mock_server.model.outcome import Outcome
from mock_server.model.owed import FaultFired, Replayed
from mock_server.model.state import MockState

__all__ = ["OPERATIONS", "hangup_channel", "listen", "loot_call", "pickup_channel", "whisper"]


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


async def _perform(
    state: MockState, record: RequestRecord, body: dict[str, Any], action: Action, field: str
) -> Answer:
    """Run one action of the call center for ``body`` (``field`` names the supervisor)."""
    clock = state.clock
    media_server = await state.callcenter.media_server()
    proxy_start = _ms(clock())
    owed = record.owed
    success: Answer | None = None
    if owed is not None:
        # A shared store settles the owed checks in the action's round trip, and writes the
        # journal entry of the success there too: so the success is made before the action
        # (its span ends as the action is sent), and the lifecycle leaves the entry alone.
        success = _success(state, record, body, media_server, proxy_start, proxy_start)
        owed.journal = journal_entry(
            record, operation=owed.operation, response_body=success.body, status=200
        )
        owed.media_server = media_server
    try:
        await state.callcenter.act(
            action,
            body[field],
            body["agentNumber"],
            supervisor_field=field,
            owed=owed,
        )
    except FaultFired as fired:
        return await apply_decision(record, fired.decision) or DROPPED
    except Replayed:
        message = owed.replay_message if owed is not None else "m7-sign: replayed"
        return error_answer(record, 401, message, outcome=Outcome.AUTH_REPLAY)
    except CallStateError as refused:
        return error_answer(
            record,
            refused.status,
            refused.message,
            code=refused.code,
            outcome=Outcome.code(refused.code),
            action_id=body.get("actionId"),
        )
    if success is not None and owed is not None and owed.journaled:
        record.journaled = True
        return success
    # In memory, or the media server changed meanwhile (a scenario loaded by another worker).
    proxy_end = _ms(clock())
    media_server = await state.callcenter.media_server()
    return _success(state, record, body, media_server, proxy_start, proxy_end)


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
        span=Span(_ms(record.started), proxy_start, proxy_end, _ms(state.clock())),
    )
    return json_answer(200, envelope)


async def listen(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    """监听: the supervisor silently listens to the agent's call."""
    return await _perform(state, record, body, "listen", "listenAgent")


async def hangup_channel(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    """强拆: the supervisor forcibly ends the agent's call."""
    return await _perform(state, record, body, "hangup_channel", "hangupAgent")


async def loot_call(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    """强插: the supervisor barges in, making a three-way call."""
    return await _perform(state, record, body, "loot_call", "lootCallAgent")


async def whisper(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    """耳语: the supervisor speaks to the agent only."""
    return await _perform(state, record, body, "whisper", "whisperAgent")


async def pickup_channel(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    """抢接: the supervisor takes the call over from the agent."""
    return await _perform(state, record, body, "pickup_channel", "pickupAgent")


#: The handlers by the document's operationId.
OPERATIONS: Final = {
    "listen": listen,
    "hangupChannel": hangup_channel,
    "lootCall": loot_call,
    "whisper": whisper,
    "pickupChannel": pickup_channel,
}
