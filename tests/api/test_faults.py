"""Fault injection: latency, forced statuses (count and ratio), dropped connections."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mock_server.app import create_app
from mock_server.http.faults import ConnectionDropped
from mock_server.settings import Settings
from tests.api.helpers import client_for
from tests.support.clock import Sleeps
from tests.support.document import PATHS

#: The state backends every test here runs on (see conftest.py).
STATE_BACKENDS = ("memory", "redis")

HANGUP = PATHS["hangupChannel"]
BODY = {"hangupAgent": "2000", "agentNumber": "9530"}  # authenticates, then 409/40903


async def call(client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]) -> httpx.Response:
    return await client.post(HANGUP, json=BODY, headers=headers())


async def put_faults(client: httpx.AsyncClient, plan: dict[str, Any]) -> dict[str, Any]:
    response = await client.put("/__mock/faults", json=plan)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_no_faults_by_default(client: httpx.AsyncClient) -> None:
    assert (await client.get("/__mock/faults")).json() == {}


async def test_a_fixed_latency_is_waited(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], sleeps: Sleeps
) -> None:
    assert await put_faults(client, {"latency": {"fixedMs": 250}}) == {"latency": {"fixedMs": 250}}
    await call(client, headers)
    await call(client, headers)
    await client.get("/__mock/state")  # not the vendor API: no delay
    assert sleeps == [0.25, 0.25]


async def test_a_random_latency_stays_in_its_range(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], sleeps: Sleeps
) -> None:
    await put_faults(client, {"latency": {"minMs": 100, "maxMs": 300}})
    for _ in range(30):
        await call(client, headers)
    assert all(0.1 <= delay <= 0.3 for delay in sleeps)
    assert len(set(sleeps)) > 5


async def test_latency_really_delays_with_the_real_sleep(
    make_settings: Callable[..., Settings], headers: Callable[..., dict[str, str]]
) -> None:
    app = create_app(make_settings(sleep=asyncio.sleep))
    async with client_for(app) as client:
        await put_faults(client, {"latency": {"fixedMs": 60}})
        started = time.perf_counter()
        response = await call(client, headers)
        assert time.perf_counter() - started >= 0.06
        assert response.json()["code"] == "40903"


async def test_a_forced_status_for_the_next_requests(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    await put_faults(client, {"status": {"status": 503, "count": 2}})
    for remaining in (1, 0):
        response = await call(client, headers)
        assert response.status_code == 503
        assert response.json()["code"] == "503"
        assert response.headers["retry-after"] == "1"
        faults = (await client.get("/__mock/faults")).json()
        assert faults == ({"status": {"status": 503, "count": 1}} if remaining else {})
    assert (await call(client, headers)).json()["code"] == "40903"


async def test_a_forced_status_does_not_touch_the_admin_api(client: httpx.AsyncClient) -> None:
    await put_faults(client, {"status": {"status": 500, "count": 5}})
    assert (await client.get("/__mock/state")).status_code == 200
    assert (await client.get("/__mock/faults")).json()["status"]["count"] == 5


async def test_a_forced_status_for_a_ratio_of_requests(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    await put_faults(client, {"status": {"status": 500, "ratio": 0.5}})
    statuses = [(await call(client, headers)).status_code for _ in range(200)]
    assert set(statuses) == {500, 409}
    assert 60 <= statuses.count(500) <= 140
    assert (await client.get("/__mock/faults")).json() == {"status": {"status": 500, "ratio": 0.5}}


async def test_a_drop_closes_without_a_response(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    await put_faults(client, {"drop": {"count": 1}})
    # In process there is no socket to close: the app raises, the client sees a failure.
    with pytest.raises(ConnectionDropped):
        await call(client, headers)
    assert (await call(client, headers)).json()["code"] == "40903"
    journal = (await client.get("/__mock/journal")).json()["entries"]
    assert [(e["status"], e["outcome"]) for e in journal] == [(None, "fault:drop"), (409, "40903")]


async def test_faults_combine_and_clear(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], sleeps: Sleeps
) -> None:
    plan = {"latency": {"fixedMs": 10}, "status": {"status": 429, "count": 1}, "drop": {"count": 1}}
    assert await put_faults(client, plan) == plan
    with pytest.raises(ConnectionDropped):
        await call(client, headers)
    assert (await call(client, headers)).status_code == 429
    assert sleeps == [0.01, 0.01]
    cleared = await client.delete("/__mock/faults")
    assert cleared.json() == {}
    assert (await call(client, headers)).status_code == 409
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    "plan",
    [
        {"latency": {"fixedMs": 10, "minMs": 1, "maxMs": 2}},
        {"latency": {"minMs": 10}},
        {"latency": {"minMs": 10, "maxMs": 5}},
        {"status": {"status": 503}},
        {"status": {"status": 503, "count": 1, "ratio": 0.5}},
    ],
)
async def test_an_impossible_plan_is_refused(
    client: httpx.AsyncClient, plan: dict[str, Any]
) -> None:
    response = await client.put("/__mock/faults", json=plan)
    assert (response.status_code, response.json()["code"]) == (400, "40002")
    assert response.json()["errors"]


@pytest.mark.parametrize(
    "plan",
    [
        {"status": {"status": 200, "count": 1}},
        {"status": {"status": 503, "ratio": 0}},
        {"drop": {"count": 0}},
        {"latency": {"fixedMs": 60001}},
        {"jitter": 1},
    ],
)
async def test_a_plan_outside_the_schema_is_refused(
    client: httpx.AsyncClient, plan: dict[str, Any]
) -> None:
    response = await client.put("/__mock/faults", json=plan)
    assert (response.status_code, response.json()["code"]) == (400, "400")
