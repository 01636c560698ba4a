"""Every call-state rule of every operation, over HTTP, on the demo scenario.

The rules (``mock_server.model.callcenter``, checked in order) hold for all five
operations; the two about the call's own state (still ringing, monitored by another
supervisor) only for the three that monitor it (listen, whisper, lootCall). Each pair of
operation and rule is one request here, so a rule broken for one operation is found in
milliseconds, not after minutes of the stateful test's shrinking.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.support.document import PATHS, SUPERVISOR_FIELDS

MONITORING = ("listen", "whisper", "lootCall")
OPERATIONS = (*MONITORING, "hangupChannel", "pickupChannel")

#: rule -> (supervisor, agent, status, code, the field the message names); demo scenario.
RULES = {
    "same agent": ("2002", "2002", 400, "40001", "supervisor"),
    "no such supervisor": ("7777", "9527", 404, "40401", "supervisor"),
    "no such agent": ("2002", "7777", 404, "40402", "agentNumber"),
    "not a supervisor": ("9530", "9527", 403, "40301", "supervisor"),
    "supervisor offline": ("2001", "9527", 409, "40901", "supervisor"),
    "supervisor busy monitoring another call": ("2003", "9527", 409, "40902", "supervisor"),
    "agent has no live call": ("2002", "9530", 409, "40903", "agentNumber"),
}
#: Rules of the monitoring operations only; the other two act on such a call.
MONITORING_RULES = {
    "call still ringing": ("2002", "9529", 409, "40904", "agentNumber"),
    "call monitored by another supervisor": ("2002", "9528", 409, "40905", "agentNumber"),
}


async def send(
    client: httpx.AsyncClient,
    headers: Callable[..., dict[str, str]],
    operation: str,
    supervisor: str,
    agent: str,
) -> httpx.Response:
    body = {SUPERVISOR_FIELDS[operation]: supervisor, "agentNumber": agent, "actionId": "rule"}
    return await client.post(PATHS[operation], json=body, headers=headers())


def expect_refusal(
    response: httpx.Response, operation: str, status: int, code: str, field: str
) -> None:
    assert response.status_code == status, response.text
    envelope = response.json()
    assert envelope["code"] == code
    assert envelope["actionId"] == "rule"
    named = SUPERVISOR_FIELDS[operation] if field == "supervisor" else field
    assert envelope["message"].startswith(f"{named}: ")


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("operation", OPERATIONS)
async def test_every_operation_keeps_every_rule(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], operation: str, rule: str
) -> None:
    supervisor, agent, status, code, field = RULES[rule]
    response = await send(client, headers, operation, supervisor, agent)
    expect_refusal(response, operation, status, code, field)


@pytest.mark.parametrize("rule", MONITORING_RULES)
@pytest.mark.parametrize("operation", MONITORING)
async def test_monitoring_needs_an_answered_unmonitored_call(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], operation: str, rule: str
) -> None:
    supervisor, agent, status, code, field = MONITORING_RULES[rule]
    response = await send(client, headers, operation, supervisor, agent)
    expect_refusal(response, operation, status, code, field)


@pytest.mark.parametrize("rule", MONITORING_RULES)
@pytest.mark.parametrize("operation", ["hangupChannel", "pickupChannel"])
async def test_hangup_and_pickup_act_on_ringing_and_monitored_calls(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], operation: str, rule: str
) -> None:
    supervisor, agent, *_ = MONITORING_RULES[rule]
    response = await send(client, headers, operation, supervisor, agent)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_a_supervisor_on_a_call_of_its_own_is_busy(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], operation: str
) -> None:
    """40902 the other way: the supervisor is itself the agent of a live call."""
    taken = await send(client, headers, "pickupChannel", "2000", "9527")
    assert taken.status_code == 200, taken.text  # 2000 now talks with 9527's customer
    response = await send(client, headers, operation, "2000", "9528")
    expect_refusal(response, operation, 409, "40902", "supervisor")
