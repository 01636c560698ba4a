"""The five operations through HTTP: the vendor's examples, the echo rules of the success
envelope, and one test per business error (status and code)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mock_server.app import MockApp
from mock_server.model.callcenter import CallCenter
from tests.api.helpers import vendor_example
from tests.support.clock import EPOCH
from tests.support.document import PATHS, SUPERVISOR_FIELDS

#: The state backends every test here runs on (see conftest.py).
STATE_BACKENDS = ("memory", "redis")

SUCCEEDING = ("listen", "lootCall", "whisper", "pickupChannel")
SERVICE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$")


@pytest.mark.parametrize("operation", SUCCEEDING)
async def test_the_vendor_example_succeeds_on_a_fresh_start(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], operation: str
) -> None:
    body = vendor_example(operation)
    response = await client.post(PATHS[operation], json=body, headers=headers())
    assert response.status_code == 200, response.text
    envelope = response.json()
    assert (envelope["success"], envelope["code"], envelope["message"]) == (
        True,
        "200",
        "requestSuccess",
    )
    assert envelope["actionId"] == body["actionId"]


async def test_the_vendor_examples_succeed_one_after_the_other(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    for operation in SUCCEEDING:
        response = await client.post(
            PATHS[operation], json=vendor_example(operation), headers=headers()
        )
        assert response.status_code == 200, (operation, response.text)


async def test_the_vendor_hangup_example_finds_no_call(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    body = vendor_example("hangupChannel")
    response = await client.post(PATHS["hangupChannel"], json=body, headers=headers())
    assert response.status_code == 409
    assert response.json()["code"] == "40903"
    assert response.json()["actionId"] == body["actionId"]


async def test_the_success_envelope_echoes_like_the_vendor(
    app: MockApp, client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    body = {"actionId": "强插", "agentNumber": "9527", "lootCallAgent": "2002"}
    response = await client.post(PATHS["lootCall"], json=body, headers=headers())
    assert response.status_code == 200
    envelope: dict[str, Any] = response.json()
    info = envelope["requestInfo"]
    assert info["body"] == body
    assert list(info["body"]) == list(body)  # exactly as received, key order included
    assert info["url"] == PATHS["lootCall"]
    assert info["proxyUrl"] == "http://v7-call/call" + PATHS["lootCall"]
    assert re.fullmatch(r"[0-9a-f]{32}", info["requestId"])
    assert info["requestId"] == response.headers["x-request-id"]
    span = info["span"]
    assert span["requestStartTime"] == span["reqEndTime"] == int(EPOCH * 1000)  # frozen clock
    assert span["bizSpan"] == "0ms"
    assert span["latency"] == "0ms"
    data = envelope["data"]
    assert data["code"] == 200
    assert data["timezone"] == "UTC+8"
    assert data["version"] == "2020102501"
    assert data["startTime"] == data["endTime"] == "2026-01-05 16:00:00.000"  # 08:00Z in UTC+8
    assert SERVICE_TIME.match(data["startTime"])
    assert data["response"] == {
        "data": {"mediaServer": await app.state.callcenter.media_server()},
        "message": "call-api-server-ok",
    }
    assert data["message"] == "call-api-server-ok"
    assert re.fullmatch(r"[1-9]\d{17}", data["request"]["requestId"])
    assert envelope["actionId"] == "强插"


async def test_a_missing_action_id_defaults_to_the_system_request_id(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    ids = []
    for operation in ("listen", "whisper", "lootCall"):
        body = {SUPERVISOR_FIELDS[operation]: "2002", "agentNumber": "9527"}
        response = await client.post(PATHS[operation], json=body, headers=headers())
        envelope = response.json()
        assert envelope["actionId"] == envelope["data"]["request"]["requestId"]
        assert envelope["requestInfo"]["body"] == body  # nothing added to the echo
        ids.append(envelope["actionId"])
    assert ids == sorted(ids)
    assert len(set(ids)) == 3


@pytest.mark.state_backends("memory")  # slows the in-memory call center down
async def test_the_timings_are_real_milliseconds(
    client: httpx.AsyncClient,
    headers: Callable[..., dict[str, str]],
    clock: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = CallCenter.act

    def slow_act(*args: Any, **kwargs: Any) -> Any:
        clock.advance(0.163)  # the call service takes 163 ms
        return original(*args, **kwargs)

    monkeypatch.setattr(CallCenter, "act", slow_act)
    response = await client.post(
        PATHS["listen"], json={"listenAgent": "2002", "agentNumber": "9527"}, headers=headers()
    )
    span = response.json()["requestInfo"]["span"]
    assert span["bizSpan"] == "163ms"
    assert span["proxyEndTime"] - span["proxyStartTime"] == 163
    assert span["reqEndTime"] >= span["proxyEndTime"] >= span["proxyStartTime"]


# One test per business error: (operation, supervisor, agent) -> (status, code).
BUSINESS_ERRORS = {
    "40001 supervisor and agent are the same": ("listen", "2002", "2002", 400, "40001"),
    "40401 no such supervisor": ("whisper", "7777", "9527", 404, "40401"),
    "40402 no such agent": ("lootCall", "2002", "7777", 404, "40402"),
    "40301 not a supervisor": ("listen", "9530", "9527", 403, "40301"),
    "40901 supervisor offline": ("listen", "2001", "9527", 409, "40901"),
    "40902 supervisor busy monitoring another call": ("whisper", "2003", "9527", 409, "40902"),
    "40903 agent has no live call": ("hangupChannel", "2000", "9530", 409, "40903"),
    "40904 call still ringing": ("listen", "2002", "9529", 409, "40904"),
    "40905 call monitored by another supervisor": ("lootCall", "2002", "9528", 409, "40905"),
}


@pytest.mark.parametrize("case", BUSINESS_ERRORS.values(), ids=BUSINESS_ERRORS.keys())
async def test_each_business_error(
    client: httpx.AsyncClient,
    headers: Callable[..., dict[str, str]],
    case: tuple[str, str, str, int, str],
) -> None:
    operation, supervisor, agent, status, code = case
    field = SUPERVISOR_FIELDS[operation]
    body = {field: supervisor, "agentNumber": agent, "actionId": "a-1"}
    response = await client.post(PATHS[operation], json=body, headers=headers())
    assert response.status_code == status, response.text
    envelope = response.json()
    assert envelope["code"] == code
    assert envelope["actionId"] == "a-1"
    assert envelope["requestId"] == response.headers["x-request-id"]
    assert envelope["message"].split(":")[0] in (field, "agentNumber")


async def test_hangup_and_pickup_change_the_call_center(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    pickup = {"pickupAgent": "2000", "agentNumber": "9529"}  # the ringing call
    assert (
        await client.post(PATHS["pickupChannel"], json=pickup, headers=headers())
    ).status_code == 200
    hangup = {"hangupAgent": "2002", "agentNumber": "2000"}  # now 2000 has it
    assert (
        await client.post(PATHS["hangupChannel"], json=hangup, headers=headers())
    ).status_code == 200
    again = await client.post(PATHS["hangupChannel"], json=hangup, headers=headers())
    assert again.json()["code"] == "40903"
