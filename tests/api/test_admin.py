"""The admin API under /__mock: each endpoint, its errors, and who may use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mock_server.app import create_app
from mock_server.settings import Settings
from tests.api.helpers import ALL_INTERFACES, client_for
from tests.support.document import PATHS

#: The state backends every test here runs on (see conftest.py).
STATE_BACKENDS = ("memory", "redis")


def agent(state: dict[str, Any], number: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in state["agents"] if a["number"] == number)
    return found


async def state_of(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/__mock/state")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_the_state_is_the_demo_scenario(client: httpx.AsyncClient) -> None:
    state = await state_of(client)
    assert state["mediaServer"] == "172.31.15.8:11100"
    assert agent(state, "9527") == {
        "number": "9527",
        "name": "Chen Jing",
        "role": "agent",
        "status": "talking",
        "callId": "call-0001",
    }
    assert [call["id"] for call in state["calls"]] == ["call-0001", "call-0002", "call-0003"]


async def test_reset_undoes_actions_and_forgets_replays(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    sent = headers()
    body = {"listenAgent": "2002", "agentNumber": "9527"}
    assert (await client.post(PATHS["listen"], json=body, headers=sent)).status_code == 200
    assert agent(await state_of(client), "2002")["status"] == "monitoring"
    response = await client.post("/__mock/reset")
    assert response.status_code == 200
    assert agent(response.json(), "2002")["status"] == "idle"
    again = await client.post(PATHS["listen"], json=body, headers=sent)
    assert again.status_code == 200  # the same signed request: the replay cache was reset


async def test_put_agent_creates_and_changes(client: httpx.AsyncClient) -> None:
    created = await client.put("/__mock/agents/8001", json={})
    assert created.status_code == 200
    assert created.json() == {
        "number": "8001",
        "name": "8001",
        "role": "agent",
        "status": "idle",
        "callId": None,
    }
    changed = await client.put(
        "/__mock/agents/8001", json={"name": "Sun Li", "role": "supervisor", "online": False}
    )
    assert changed.json()["role"] == "supervisor"
    assert changed.json()["status"] == "offline"


async def test_put_agent_lists_every_violation(client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/__mock/agents/8001", json={"role": "boss", "online": "yes", "age": 3}
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"body.role", "body.online", "body.age"}


async def test_a_bad_agent_number_in_the_path_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.put("/__mock/agents/no%20spaces", json={})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "path.number"


async def test_a_busy_agent_cannot_go_offline(client: httpx.AsyncClient) -> None:
    response = await client.put("/__mock/agents/9527", json={"online": False})
    assert response.status_code == 409
    assert response.json()["code"] == "40906"


async def test_delete_agent(client: httpx.AsyncClient) -> None:
    response = await client.delete("/__mock/agents/9530")
    assert response.status_code == 200
    assert "9530" not in [a["number"] for a in response.json()["agents"]]
    missing = await client.delete("/__mock/agents/9530")
    assert (missing.status_code, missing.json()["code"]) == (404, "40402")
    busy = await client.delete("/__mock/agents/9527")
    assert (busy.status_code, busy.json()["code"]) == (409, "40906")


async def test_a_call_rings_is_answered_and_ends(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    started = await client.post("/__mock/calls", json={"agent": "9530", "customer": "13600136000"})
    assert started.status_code == 201
    call = started.json()
    assert (call["agent"], call["state"], call["answeredAt"]) == ("9530", "ringing", None)
    assert agent(await state_of(client), "9530")["status"] == "ringing"

    listen = {"listenAgent": "2002", "agentNumber": "9530"}
    refused = await client.post(PATHS["listen"], json=listen, headers=headers())
    assert refused.json()["code"] == "40904"  # still ringing

    answered = await client.post(f"/__mock/calls/{call['id']}/answer")
    assert answered.status_code == 200
    assert answered.json()["state"] == "talking"
    twice = await client.post(f"/__mock/calls/{call['id']}/answer")
    assert (twice.status_code, twice.json()["code"]) == (409, "40908")
    assert (await client.post(PATHS["listen"], json=listen, headers=headers())).status_code == 200

    ended = await client.delete(f"/__mock/calls/{call['id']}")
    assert ended.status_code == 200
    assert ended.json()["supervisor"] == "2002"
    state = await state_of(client)
    assert agent(state, "9530")["status"] == "idle"
    assert agent(state, "2002")["status"] == "idle"
    gone = await client.delete(f"/__mock/calls/{call['id']}")
    assert (gone.status_code, gone.json()["code"]) == (404, "40403")


async def test_start_call_refusals(client: httpx.AsyncClient) -> None:
    offline = await client.post("/__mock/calls", json={"agent": "9531", "customer": "1"})
    assert (offline.status_code, offline.json()["code"]) == (409, "40907")
    busy = await client.post("/__mock/calls", json={"agent": "9527", "customer": "1"})
    assert (busy.status_code, busy.json()["code"]) == (409, "40906")
    unknown = await client.post("/__mock/calls", json={"agent": "7777", "customer": "1"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "40402")
    invalid = await client.post("/__mock/calls", json={"agent": "9530", "state": "on hold"})
    assert invalid.status_code == 400
    assert {e["field"] for e in invalid.json()["errors"]} == {"body.customer", "body.state"}


async def test_a_talking_call_can_be_started(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/__mock/calls", json={"agent": "9530", "customer": "1", "state": "talking"}
    )
    assert response.status_code == 201
    assert response.json()["state"] == "talking"


SCENARIO = {
    "mediaServer": "10.0.0.1:9000",
    "agents": [
        {"number": "1", "name": "Boss", "role": "supervisor"},
        {"number": "2", "role": "agent"},
    ],
    "calls": [{"id": "c-1", "customer": "555", "agent": "2", "state": "talking"}],
}


async def test_load_a_scenario(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    response = await client.post("/__mock/scenario", json=SCENARIO)
    assert response.status_code == 200
    assert [a["number"] for a in response.json()["agents"]] == ["1", "2"]
    listen = await client.post(
        PATHS["listen"], json={"listenAgent": "1", "agentNumber": "2"}, headers=headers()
    )
    assert listen.status_code == 200
    media = listen.json()["data"]["response"]["data"]["mediaServer"]
    assert media == "10.0.0.1:9000"
    reset = await client.post("/__mock/reset")  # back to the loaded scenario, not the demo
    assert [a["number"] for a in reset.json()["agents"]] == ["1", "2"]


async def test_an_impossible_scenario_is_refused(client: httpx.AsyncClient) -> None:
    impossible = {**SCENARIO, "calls": [{**SCENARIO["calls"][0], "agent": "3"}]}  # type: ignore[dict-item]
    response = await client.post("/__mock/scenario", json=impossible)
    assert (response.status_code, response.json()["code"]) == (400, "40002")
    assert response.json()["message"] == "scenario: calls[0].agent: no agent 3 in agents"
    malformed = await client.post("/__mock/scenario", json={"agents": [{"number": "1"}], "x": 1})
    assert malformed.status_code == 400
    assert {e["field"] for e in malformed.json()["errors"]} == {"body.x", "body.agents[0].role"}
    assert [a["number"] for a in (await state_of(client))["agents"]][:1] == ["2000"]


async def test_admin_bodies_must_be_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/__mock/scenario", content=b"agents: []", headers={"content-type": "text/yaml"}
    )
    assert response.status_code == 415
    malformed = await client.post(
        "/__mock/scenario", content=b"{", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400


async def test_unknown_admin_paths_and_methods(client: httpx.AsyncClient) -> None:
    assert (await client.get("/__mock/nothing")).status_code == 404
    assert (await client.get("/__mock/reset")).status_code == 405


# --- who may use it --------------------------------------------------------------------------

GUARDED: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/__mock/state", None),
    ("POST", "/__mock/reset", None),
    ("PUT", "/__mock/agents/8001", {}),
    ("DELETE", "/__mock/journal", None),
    ("PUT", "/__mock/faults", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), GUARDED)
async def test_a_non_loopback_bind_without_token_refuses_everything(
    make_settings: Callable[..., Settings], method: str, path: str, body: Any
) -> None:
    app = create_app(make_settings(host=ALL_INTERFACES))
    async with client_for(app) as client:
        response = await client.request(method, path, json=body)
        assert response.status_code == 401
        assert "disabled" in response.json()["message"]
        wrong = await client.request(method, path, json=body, headers={"authorization": "Bearer x"})
        assert wrong.status_code == 401
        docs = await client.get("/__mock/openapi.json")
        assert docs.status_code == 200  # the document holds no secret


@pytest.mark.parametrize("host", [ALL_INTERFACES, "127.0.0.1", "::1"])
async def test_a_token_is_required_when_configured(
    make_settings: Callable[..., Settings], host: str, headers: Callable[..., dict[str, str]]
) -> None:
    app = create_app(make_settings(host=host, admin_token="t0ken"))
    async with client_for(app) as client:
        missing = await client.get("/__mock/state")
        assert missing.status_code == 401
        assert missing.json()["message"] == "authorization: missing bearer token"
        assert missing.headers["www-authenticate"].startswith("Bearer")
        wrong = await client.get("/__mock/state", headers={"authorization": "Bearer t0kem"})
        assert wrong.json()["message"] == "authorization: wrong admin token"
        basic = await client.get("/__mock/state", headers={"authorization": "Basic t0ken"})
        assert basic.status_code == 401
        right = await client.get("/__mock/state", headers={"authorization": "Bearer t0ken"})
        assert right.status_code == 200
        # The vendor API is not affected by the admin token.
        body = {"hangupAgent": "2000", "agentNumber": "9530"}
        vendor = await client.post(PATHS["hangupChannel"], json=body, headers=headers())
        assert vendor.json()["code"] == "40903"


async def test_loopback_without_token_is_open(client: httpx.AsyncClient) -> None:
    assert (await client.get("/__mock/state")).status_code == 200


async def test_swagger_ui_of_both_documents(client: httpx.AsyncClient) -> None:
    for prefix in ("", "/__mock"):
        ui = await client.get(f"{prefix}/ui/")
        assert ui.status_code == 200
        assert ui.headers["content-type"].startswith("text/html")
        spec = await client.get(f"{prefix}/openapi.json")
        assert spec.status_code == 200
    vendor = (await client.get("/openapi.json")).json()
    # connexion does not enforce it, but the served document still declares the security.
    assert vendor["security"] == [{"m7AppKey": [], "m7Nonce": [], "m7Timestamp": [], "m7Sign": []}]
    assert set(vendor["components"]["securitySchemes"]) == {
        "m7AppKey",
        "m7Nonce",
        "m7Timestamp",
        "m7Sign",
    }
