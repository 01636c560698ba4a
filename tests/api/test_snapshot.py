"""``GET`` / ``PUT /__mock/snapshot``: a state reached after many steps, saved and loaded again.

On both backends: the call center (agents, calls, who monitors what) and the fault plan come
back as they were after a reset wiped them; a snapshot loads to the same snapshot; an
impossible one is refused naming the place at fault, with nothing changed.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.helpers import signed
from tests.support.clock import Clock
from tests.support.document import PATHS

STATE_BACKENDS = ("memory", "redis")


def without_times(state: dict[str, Any]) -> dict[str, Any]:
    """The admin API's state, calls without their times (a loaded scenario starts them again)."""
    calls = [
        {k: v for k, v in c.items() if k not in ("startedAt", "answeredAt")} for c in state["calls"]
    ]
    return {**state, "calls": calls}


async def _state(client: httpx.AsyncClient) -> dict[str, Any]:
    return without_times((await client.get("/__mock/state")).json())


async def test_a_state_reached_in_steps_comes_back_after_a_reset(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    listen = {"listenAgent": "2000", "agentNumber": "9527"}
    assert (
        await client.post(PATHS["listen"], json=listen, headers=signed(clock))
    ).status_code == 200
    assert (
        await client.post("/__mock/calls", json={"agent": "9530", "customer": "1"})
    ).status_code == 201
    assert (await client.put("/__mock/agents/2001", json={"online": True})).status_code == 200
    plan = {"operations": {"whisper": {"status": {"status": 503, "count": 2}}}}
    assert (await client.put("/__mock/faults", json=plan)).status_code == 200
    reached = await _state(client)

    saved = await client.get("/__mock/snapshot")
    assert saved.status_code == 200
    assert saved.json()["faults"] == plan
    await client.post("/__mock/reset")
    await client.delete("/__mock/faults")
    assert await _state(client) != reached

    loaded = await client.put("/__mock/snapshot", json=saved.json())
    assert loaded.status_code == 200, loaded.text
    assert loaded.json() == saved.json()
    assert await _state(client) == reached
    assert (await client.get("/__mock/faults")).json() == plan
    # and it is the reset's point from now on
    await client.post("/__mock/reset")
    assert await _state(client) == reached


async def test_an_impossible_snapshot_changes_nothing(client: httpx.AsyncClient) -> None:
    before = await _state(client)
    plan = {"drop": {"count": 1}}
    assert (await client.put("/__mock/faults", json=plan)).status_code == 200
    snapshot = (await client.get("/__mock/snapshot")).json()
    snapshot["scenario"]["calls"].append(
        {"id": "call-9000", "customer": "1", "agent": "9531", "state": "talking"}
    )  # 9531 is offline
    snapshot["faults"] = {}
    refused = await client.put("/__mock/snapshot", json=snapshot)
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "40002"
    assert "9531" in refused.json()["message"]
    assert await _state(client) == before
    assert (await client.get("/__mock/faults")).json() == plan
