"""The journal's response bodies and operations, and the filters of ``GET /__mock/journal``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mock_server.http.faults import ConnectionDropped
from tests.support.document import PATHS

STATE_BACKENDS = ("memory", "redis")

LISTEN_OK = {"listenAgent": "2002", "agentNumber": "9527"}  # demo: 200
HANGUP_REFUSED = {"hangupAgent": "2000", "agentNumber": "9530"}  # demo: 409 / 40903


async def journal(client: httpx.AsyncClient, **query: Any) -> list[dict[str, Any]]:
    response = await client.get("/__mock/journal", params=query)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


@pytest.fixture
async def traffic(client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]) -> None:
    """A listen (200), a refused hang-up (409), a replayed sign (401), an unknown path (404)."""
    assert (await client.post(PATHS["listen"], json=LISTEN_OK, headers=headers())).is_success
    refused = await client.post(PATHS["hangupChannel"], json=HANGUP_REFUSED, headers=headers())
    assert refused.status_code == 409
    replayed = headers()
    await client.post(PATHS["hangupChannel"], json=HANGUP_REFUSED, headers=replayed)
    assert (
        await client.post(PATHS["hangupChannel"], json=HANGUP_REFUSED, headers=replayed)
    ).status_code == 401
    assert (await client.post("/openapi/v1/call/transfer", json={})).status_code == 404


async def test_each_entry_has_its_response_body_and_operation(
    client: httpx.AsyncClient, traffic: None
) -> None:
    entries = await journal(client)
    assert [(e["operation"], e["status"]) for e in entries] == [
        ("listen", 200),
        ("hangupChannel", 409),
        ("hangupChannel", 409),
        ("hangupChannel", 401),
        (None, 404),
    ]
    listened, refused = entries[0], entries[1]
    assert listened["responseBody"]["success"] is True
    assert listened["responseBody"]["requestInfo"]["requestId"] == listened["requestId"]
    assert refused["responseBody"]["code"] == "40903"
    assert refused["responseBody"]["message"].startswith("agentNumber: agent 9530")
    assert entries[3]["responseBody"]["message"].startswith("m7-sign: replayed")
    assert entries[3]["headers"]["m7-sign"] == "[redacted]"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"operation": "hangupChannel"}, [409, 409, 401]),
        ({"path": "/openapi/v1/call/transfer"}, [404]),
        ({"status": 409}, [409, 409]),
        ({"outcome": "40903"}, [409, 409]),
        ({"outcome": "auth"}, [401]),
        ({"outcome": "auth:replay"}, [401]),
        ({"outcome": "au"}, []),
        ({"appKey": "2100147", "operation": "hangupChannel", "status": 401}, [401]),
        ({"appKey": "someone-else"}, []),
        ({"limit": 2}, [401, 404]),
        ({"operation": "hangupChannel", "limit": 1}, [401]),
        ({"limit": 0}, []),
    ],
)
async def test_the_query_parameters_narrow_the_journal(
    client: httpx.AsyncClient, traffic: None, query: dict[str, Any], expected: list[int]
) -> None:
    assert [entry["status"] for entry in await journal(client, **query)] == expected


async def test_unknown_query_parameters_are_ignored(
    client: httpx.AsyncClient, traffic: None
) -> None:
    assert len(await journal(client, color="blue")) == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "teapot"}, "query.status"),
        ({"status": 99}, "query.status"),
        ({"limit": 1001}, "query.limit"),
        ({"operation": "transfer"}, "query.operation"),
        ({"outcome": "NOT AN OUTCOME"}, "query.outcome"),
    ],
)
async def test_a_bad_query_parameter_is_a_400_naming_it(
    client: httpx.AsyncClient, query: dict[str, Any], field: str
) -> None:
    response = await client.get("/__mock/journal", params=query)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


async def test_a_dropped_request_has_no_response_body(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    await client.put("/__mock/faults", json={"drop": {"count": 1}})
    with pytest.raises(ConnectionDropped):  # in process: no socket to close
        await client.post(PATHS["listen"], json=LISTEN_OK, headers=headers())
    (entry,) = await journal(client)
    assert (entry["status"], entry["outcome"], entry["responseBody"]) == (None, "fault:drop", None)
