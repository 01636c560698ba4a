"""The one order of a vendor request through the state, on both backends: faults, replay
memory, call-state rules, journal (``mock_server.model.request_path``).

Each test tells two orders apart by what a client sees: a request a fault answered was never
remembered (its signature is accepted when sent again); a fault fires before a replay is
refused; a signature is remembered even when the body's schema refuses the request, and a
replay is refused before any complaint about the body; an accepted action is in the journal
once, with the answer it got.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.helpers import signed
from tests.support.clock import Clock
from tests.support.document import PATHS

STATE_BACKENDS = ("memory", "redis")
LISTEN = PATHS["listen"]
BODY = {"listenAgent": "2002", "agentNumber": "9527"}
REPLAYED = "m7-sign: replayed (this sign and nonce were used in the last 300 s)"


async def _fault_next(client: httpx.AsyncClient, status: int = 503) -> None:
    plan = {"status": {"status": status, "count": 1}}
    assert (await client.put("/__mock/faults", json=plan)).status_code == 200


async def test_a_request_a_fault_answered_was_not_remembered(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    sent = signed(clock)
    await _fault_next(client)
    assert (await client.post(LISTEN, json=BODY, headers=sent)).status_code == 503
    assert (await client.post(LISTEN, json=BODY, headers=sent)).status_code == 200


async def test_a_fault_fires_before_a_replay_is_refused(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    sent = signed(clock)
    assert (await client.post(LISTEN, json=BODY, headers=sent)).status_code == 200
    await _fault_next(client, 429)
    assert (await client.post(LISTEN, json=BODY, headers=sent)).status_code == 429
    refused = await client.post(LISTEN, json=BODY, headers=sent)  # the count is used up
    assert (refused.status_code, refused.json()["message"]) == (401, REPLAYED)


async def test_a_signature_is_remembered_though_the_body_was_refused(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    sent = signed(clock)
    invalid = await client.post(LISTEN, json={**BODY, "extra": 1}, headers=sent)
    assert invalid.status_code == 400, invalid.text
    again = await client.post(LISTEN, json=BODY, headers=sent)
    assert (again.status_code, again.json()["message"]) == (401, REPLAYED)
    # ... and a replay is refused before any complaint about its body
    bad = await client.post(LISTEN, json={**BODY, "extra": 1}, headers=sent)
    assert (bad.status_code, bad.json()["message"]) == (401, REPLAYED)


async def test_a_refused_signature_is_not_remembered_and_faults_still_come_first(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    forged = {**signed(clock), "m7-sign": signed(clock)["m7-sign"]}  # another nonce's sign
    await _fault_next(client)
    assert (await client.post(LISTEN, json=BODY, headers=forged)).status_code == 503
    assert (await client.post(LISTEN, json=BODY, headers=forged)).status_code == 401


async def test_an_accepted_action_is_journaled_once_with_its_answer(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    answer = await client.post(LISTEN, json=BODY, headers=signed(clock))
    assert answer.status_code == 200
    journal: list[dict[str, Any]] = (await client.get("/__mock/journal")).json()["entries"]
    mine = [e for e in journal if e["requestId"] == answer.headers["x-request-id"]]
    assert len(mine) == 1, journal
    assert mine[0]["status"] == 200
    assert mine[0]["responseBody"] == answer.json()
