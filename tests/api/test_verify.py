"""``POST /__mock/verify``: did the client send what its test expects, and what came closest.

A client under test sends requests; the test asks the mock to count those that match a
pattern against a rule. When the rule does not hold, the answer names the nearest requests
and what differed in each: a body field, the operation, or an authentication refusal with
its reason. On both backends.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.helpers import signed
from tests.support.clock import Clock
from tests.support.document import PATHS

STATE_BACKENDS = ("memory", "redis")
HANGUP_9530 = {"hangupAgent": "2000", "agentNumber": "9530"}  # 409 40903: no live call
LISTEN_9527 = {"listenAgent": "2002", "agentNumber": "9527"}  # 200


async def _verify(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/__mock/verify", json=body)
    assert response.status_code == 200, response.text
    verdict: dict[str, Any] = response.json()
    return verdict


@pytest.fixture
async def traffic(client: httpx.AsyncClient, clock: Clock) -> httpx.AsyncClient:
    """One hangup for 9530 (refused by the call center), one listen to 9527 (accepted), and
    one listen to 9527 with a wrong signature (refused by authentication)."""
    assert (
        await client.post(PATHS["hangupChannel"], json=HANGUP_9530, headers=signed(clock))
    ).status_code == 409
    assert (
        await client.post(PATHS["listen"], json=LISTEN_9527, headers=signed(clock))
    ).status_code == 200
    forged = signed(clock, secret="not-the-secret")
    assert (await client.post(PATHS["listen"], json=LISTEN_9527, headers=forged)).status_code == 401
    return client


async def test_a_request_that_was_sent_is_counted(traffic: httpx.AsyncClient) -> None:
    verdict = await _verify(traffic, operation="listen", where={"agentNumber": "9527"}, exactly=1)
    assert (verdict["holds"], verdict["matched"], verdict["nearest"]) == (True, 1, [])
    assert verdict["rule"] == {"exactly": 1}


async def test_a_missing_request_names_the_nearest_and_what_differed(
    traffic: httpx.AsyncClient,
) -> None:
    verdict = await _verify(
        traffic, operation="hangupChannel", where={"agentNumber": "9527"}, exactly=1
    )
    assert (verdict["holds"], verdict["matched"]) == (False, 0)
    nearest = verdict["nearest"]
    first = nearest[0]
    assert first["operation"] == "hangupChannel"
    assert first["body"] == HANGUP_9530
    assert first["differences"] == [
        {"field": "body.agentNumber", "expected": "9527", "actual": "9530"}
    ]
    # the accepted listen differs by its operation only; the forged one by its refusal too
    assert nearest[1]["differences"] == [
        {"field": "operation", "expected": "hangupChannel", "actual": "listen"}
    ]
    refused = nearest[2]["differences"]
    assert refused[0] == {"field": "operation", "expected": "hangupChannel", "actual": "listen"}
    assert refused[1]["field"] == "authentication"
    assert refused[1]["actual"].startswith("auth:signature: m7-sign: signature does not match")


async def test_an_authentication_refusal_matches_only_when_asked_for(
    traffic: httpx.AsyncClient,
) -> None:
    accepted = await _verify(traffic, operation="listen", where={"agentNumber": "9527"}, atLeast=2)
    assert (accepted["holds"], accepted["matched"]) == (False, 1)
    assert accepted["nearest"][0]["differences"][0]["field"] == "authentication"
    refused = await _verify(traffic, operation="listen", where={"status": 401}, exactly=1)
    assert (refused["holds"], refused["matched"]) == (True, 1)


@pytest.mark.parametrize(
    ("rule", "holds"),
    [
        ({"exactly": 1}, True),
        ({"exactly": 0}, False),
        ({"atLeast": 1}, True),
        ({"atLeast": 2}, False),
        ({"atMost": 1}, True),
        ({"atMost": 0}, False),
    ],
)
async def test_each_count_rule(
    traffic: httpx.AsyncClient, rule: dict[str, int], holds: bool
) -> None:
    verdict = await _verify(traffic, operation="hangupChannel", where={"outcome": "40903"}, **rule)
    assert (verdict["holds"], verdict["matched"]) == (holds, 1)
    assert bool(verdict["nearest"]) is not holds


@pytest.mark.parametrize("rules", [{}, {"exactly": 1, "atMost": 2}])
async def test_exactly_one_rule_is_required(
    client: httpx.AsyncClient, rules: dict[str, int]
) -> None:
    response = await client.post("/__mock/verify", json={"operation": "listen", **rules})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["message"]) == (
        "40002",
        "body: give exactly one of exactly, atLeast and atMost (never is exactly: 0)",
    )


async def test_an_unknown_operation_is_a_400_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.post("/__mock/verify", json={"operation": "transfer", "exactly": 1})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["body.operation"]


async def test_too_many_names_the_requests_that_broke_the_rule(
    traffic: httpx.AsyncClient,
) -> None:
    verdict = await _verify(traffic, operation="listen", where={"agentNumber": "9527"}, exactly=0)
    assert (verdict["holds"], verdict["matched"]) == (False, 1)
    (surplus,) = verdict["nearest"]
    assert (surplus["operation"], surplus["body"], surplus["status"]) == (
        "listen",
        LISTEN_9527,
        200,
    )
    assert surplus["differences"] == []


async def test_a_request_refused_for_its_form_is_no_call_made(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    invalid = await client.post(
        PATHS["listen"], json={**LISTEN_9527, "extra": 1}, headers=signed(clock)
    )
    assert invalid.status_code == 400
    verdict = await _verify(client, operation="listen", exactly=0)
    assert (verdict["holds"], verdict["matched"]) == (True, 0)
    missed = await _verify(client, operation="listen", exactly=1)
    (refused,) = missed["nearest"]
    assert refused["differences"][0]["field"] == "request"
    assert refused["differences"][0]["actual"].startswith("validation: request body is invalid")


@pytest.mark.parametrize("where", [{"status": "409"}, {"outcome": 40903}, {"appKey": 2100147}])
async def test_a_fact_of_the_wrong_type_is_a_400_not_a_silent_miss(
    client: httpx.AsyncClient, where: dict[str, Any]
) -> None:
    response = await client.post(
        "/__mock/verify", json={"operation": "hangupChannel", "where": where, "exactly": 1}
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"].startswith(f"body.where.{next(iter(where))}")


async def test_a_misspelt_field_is_refused_not_counted_as_never(
    client: httpx.AsyncClient,
) -> None:
    """``where: {agentnumber: ...}`` could never match, so ``exactly: 0`` would always
    hold: a key that is no field of the operation's body (nor appKey, status, outcome) is
    refused, naming the fields there are."""
    refused = await client.post(
        "/__mock/verify",
        json={"operation": "hangupChannel", "where": {"agentnumber": "9530"}, "exactly": 0},
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "40002"
    message = refused.json()["message"]
    assert message.startswith("where.agentnumber: hangupChannel has no such field")
    assert "hangupAgent, agentNumber, actionId" in message


async def test_an_unknown_operation_is_refused_naming_every_operation(
    client: httpx.AsyncClient,
) -> None:
    refused = await client.post("/__mock/verify", json={"operation": "hangup", "exactly": 0})
    assert refused.status_code == 400
    (error,) = refused.json()["errors"]
    assert error["field"] == "body.operation"
    for name in ("listen", "hangupChannel", "lootCall", "whisper", "pickupChannel"):
        assert f'"{name}"' in error["message"]
