"""The five vendor operations: body in, one call-center call, envelope out.

connexion routes here by operationId (``hangupChannel`` -> ``hangup_channel``) after the
request was authenticated and its body validated, so a handler parses nothing. A refused
action (``CallStateError``) becomes the error envelope with the status and code the call
center chose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from mock_server.callcenter import CallCenter, CallStateError, CallView
from mock_server.context import current
from mock_server.envelope import Span, error_body, json_response, success_body

__all__ = ["hangup_channel", "listen", "loot_call", "pickup_channel", "whisper"]

#: An unbound ``CallCenter`` action: (center, supervisor, agent, *, supervisor_field).
_Action = Callable[..., CallView]


def _perform(action: _Action, body: dict[str, Any], field: str) -> Response:
    """Run one action of the call center for ``body`` (``field`` names the supervisor)."""
    context = current()
    state = context.state
    proxy_start = context.now_ms()
    try:
        action(state.callcenter, body[field], body["agentNumber"], supervisor_field=field)
    except CallStateError as refused:
        context.outcome = refused.code
        action_id = body.get("actionId")
        envelope = error_body(
            refused.code, refused.message, context.request_id, action_id=action_id
        )
        return json_response(refused.status, envelope)
    proxy_end = context.now_ms()
    envelope = success_body(
        body=body,
        path=context.path,
        request_id=context.request_id,
        system_id=state.ids.next(),
        media_server=state.callcenter.media_server,
        span=Span(int(context.started * 1000), proxy_start, proxy_end, context.now_ms()),
    )
    return json_response(200, envelope)


async def listen(body: dict[str, Any]) -> Response:
    """监听: the supervisor silently listens to the agent's call."""
    return _perform(CallCenter.listen, body, "listenAgent")


async def hangup_channel(body: dict[str, Any]) -> Response:
    """强拆: the supervisor forcibly ends the agent's call."""
    return _perform(CallCenter.hangup_channel, body, "hangupAgent")


async def loot_call(body: dict[str, Any]) -> Response:
    """强插: the supervisor barges in, making a three-way call."""
    return _perform(CallCenter.loot_call, body, "lootCallAgent")


async def whisper(body: dict[str, Any]) -> Response:
    """耳语: the supervisor speaks to the agent only."""
    return _perform(CallCenter.whisper, body, "whisperAgent")


async def pickup_channel(body: dict[str, Any]) -> Response:
    """抢接: the supervisor takes the call over from the agent."""
    return _perform(CallCenter.pickup_channel, body, "pickupAgent")
