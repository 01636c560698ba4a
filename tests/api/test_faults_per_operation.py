"""Faults for one operation (``operations`` in the plan) and forced business codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.support.clock import Sleeps
from tests.support.document import PATHS, SUPERVISOR_FIELDS

STATE_BACKENDS = ("memory", "redis")

#: Bodies that authenticate and then succeed on the demo scenario (2002 on 9527's call).
BODIES = {op: {field: "2002", "agentNumber": "9527"} for op, field in SUPERVISOR_FIELDS.items()}


async def call(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], operation: str
) -> httpx.Response:
    return await client.post(PATHS[operation], json=BODIES[operation], headers=headers())


async def put_faults(client: httpx.AsyncClient, plan: dict[str, Any]) -> dict[str, Any]:
    response = await client.put("/__mock/faults", json=plan)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_status_for_one_operation_hits_only_that_operation(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    plan = {"operations": {"listen": {"status": {"status": 503, "count": 2}}}}
    assert await put_faults(client, plan) == plan

    assert (await call(client, headers, "whisper")).status_code == 200
    assert (await call(client, headers, "listen")).status_code == 503
    assert (await client.get("/__mock/faults")).json() == {
        "operations": {"listen": {"status": {"status": 503, "count": 1}}}
    }
    assert (await call(client, headers, "lootCall")).status_code == 200
    assert (await call(client, headers, "listen")).status_code == 503
    assert (await client.get("/__mock/faults")).json() == {}  # used up: the operation is gone
    assert (await call(client, headers, "listen")).status_code == 200


async def test_an_operations_part_takes_the_place_of_the_plans_part_of_the_same_kind(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], sleeps: Sleeps
) -> None:
    await put_faults(
        client,
        {
            "latency": {"fixedMs": 100},
            "status": {"status": 500, "ratio": 1},
            "operations": {"whisper": {"latency": {"fixedMs": 700}}},
        },
    )
    assert (await call(client, headers, "whisper")).status_code == 500  # the plan's status
    assert (await call(client, headers, "listen")).status_code == 500
    assert sleeps == [0.7, 0.1]


async def test_a_forced_business_code_is_the_envelopes_code(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    await put_faults(
        client,
        {"operations": {"pickupChannel": {"status": {"status": 409, "code": "40903", "count": 1}}}},
    )
    response = await call(client, headers, "pickupChannel")
    assert response.status_code == 409
    envelope = response.json()
    assert envelope["code"] == "40903"
    assert envelope["message"] == "fault injected: status 409, code 40903 forced"
    journal = (await client.get("/__mock/journal")).json()["entries"]
    assert journal[-1]["outcome"] == "fault:409"
    # the call center was not touched: 2002 can still pick up 9527's call
    assert (await call(client, headers, "pickupChannel")).status_code == 200


async def test_a_drop_for_one_operation_leaves_the_others_answered(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    await put_faults(client, {"operations": {"hangupChannel": {"drop": {"count": 1}}}})
    assert (await call(client, headers, "listen")).status_code == 200
    assert (await client.get("/__mock/faults")).json() == {
        "operations": {"hangupChannel": {"drop": {"count": 1}}}
    }


async def test_an_impossible_part_of_an_operation_is_named_by_its_place(
    client: httpx.AsyncClient,
) -> None:
    plan = {"operations": {"listen": {"status": {"status": 503}}}}
    response = await client.put("/__mock/faults", json=plan)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "body.operations.listen.status", "message": "give exactly one of count and ratio"}
    ]


async def test_an_unknown_operation_is_refused_by_the_schema(client: httpx.AsyncClient) -> None:
    plan = {"operations": {"transfer": {"drop": {"count": 1}}}}
    response = await client.put("/__mock/faults", json=plan)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"].startswith("body.operations")
