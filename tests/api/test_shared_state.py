"""One state for every worker (``--state redis://``), and one call center per account.

Two apps built on one Redis stand for two workers of the mock (the process-level proof, two
uvicorn workers behind one port, is ``tests/e2e/test_e2e_workers.py``). Accounts are tested on
both backends: they are the same rule in memory and in Redis.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from mock_server.app import create_app
from mock_server.model.accounts import parse_scenario_file
from mock_server.settings import Settings
from tests.api.helpers import client_for, signed
from tests.support.clock import Clock
from tests.support.document import PATHS
from tests.support.redis_server import redis_server

LISTEN = PATHS["listen"]
HANGUP = PATHS["hangupChannel"]
LISTEN_BODY = {"listenAgent": "2002", "agentNumber": "9527"}
JOB_B = {"appKey": "job-b", "secret": "job-b-secret"}
JOB_B_CENTER = {
    **JOB_B,
    "agents": [
        {"number": "5000", "role": "supervisor"},
        {"number": "5001", "role": "agent"},
    ],
    "calls": [{"id": "b-1", "customer": "1", "agent": "5001", "state": "talking"}],
}


@pytest.fixture
async def worker_clients(
    redis_url: str, make_settings: Callable[..., Settings]
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Clients into two apps (two workers) on one Redis."""
    settings = make_settings(state=redis_url)
    async with (
        client_for(create_app(settings)) as first,
        client_for(create_app(settings)) as second,
    ):
        yield first, second


async def test_a_signed_request_is_accepted_once_by_all_workers(
    worker_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], clock: Clock
) -> None:
    headers = signed(clock)
    statuses = [
        (await worker_clients[i % 2].post(LISTEN, json=LISTEN_BODY, headers=headers)).status_code
        for i in range(6)
    ]
    assert statuses == [200, 401, 401, 401, 401, 401]


async def test_an_admin_change_is_seen_by_the_next_read_of_every_worker(
    worker_clients: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    first, second = worker_clients
    started = await first.post("/__mock/calls", json={"agent": "9530", "customer": "1"})
    assert started.status_code == 201
    for client in (second, first, second):
        agents = {a["number"]: a for a in (await client.get("/__mock/state")).json()["agents"]}
        assert agents["9530"]["status"] == "ringing"
    await second.post("/__mock/reset")
    agents = {a["number"]: a for a in (await first.get("/__mock/state")).json()["agents"]}
    assert agents["9530"]["status"] == "idle"


async def test_a_reset_lets_a_recording_be_resent_on_every_worker(
    worker_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], clock: Clock
) -> None:
    headers = signed(clock)
    assert (
        await worker_clients[0].post(LISTEN, json=LISTEN_BODY, headers=headers)
    ).status_code == 200
    await worker_clients[1].post("/__mock/reset")
    assert (
        await worker_clients[1].post(LISTEN, json=LISTEN_BODY, headers=headers)
    ).status_code == 200


async def test_fail_the_next_three_fails_three_requests_across_workers(
    worker_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], clock: Clock
) -> None:
    plan = {"status": {"status": 503, "count": 3}}
    assert (await worker_clients[0].put("/__mock/faults", json=plan)).status_code == 200
    responses = await asyncio.gather(
        *(
            worker_clients[i % 2].post(
                HANGUP, json={"hangupAgent": "2000", "agentNumber": "9530"}, headers=signed(clock)
            )
            for i in range(12)
        )
    )
    assert sorted(r.status_code for r in responses).count(503) == 3
    assert (await worker_clients[1].get("/__mock/faults")).json() == {}


async def test_the_journal_holds_the_requests_of_every_worker(
    worker_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], clock: Clock
) -> None:
    for index in range(4):
        await worker_clients[index % 2].post(LISTEN, json=LISTEN_BODY, headers=signed(clock))
    entries = (await worker_clients[0].get("/__mock/journal")).json()["entries"]
    assert [e["status"] for e in entries] == [200, 200, 200, 200]
    assert (await worker_clients[1].delete("/__mock/journal")).json() == {"cleared": 4}


# --- accounts, on both backends ------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
async def two_accounts(
    request: pytest.FixtureRequest, make_settings: Callable[..., Settings]
) -> AsyncIterator[httpx.AsyncClient]:
    state = "memory" if request.param == "memory" else request.getfixturevalue("redis_url")
    file = parse_scenario_file({"accounts": [JOB_B_CENTER]})
    async with client_for(create_app(make_settings(state=state, scenario_file=file))) as client:
        yield client


def _b(clock: Clock) -> dict[str, str]:
    return signed(clock, app_key=JOB_B["appKey"], secret=JOB_B["secret"])


async def test_each_account_is_its_own_call_center(
    two_accounts: httpx.AsyncClient, clock: Clock
) -> None:
    client = two_accounts
    demo = (await client.get("/__mock/state")).json()
    job_b = (await client.get("/__mock/state", params={"account": "job-b"})).json()
    assert [a["number"] for a in job_b["agents"]] == ["5000", "5001"]
    assert len(demo["agents"]) == 9
    # job-b's supervisor acts on job-b's call; the demo account's 5000 does not exist
    body = {"listenAgent": "5000", "agentNumber": "5001"}
    assert (await client.post(LISTEN, json=body, headers=_b(clock))).status_code == 200
    refused = await client.post(LISTEN, json=body, headers=signed(clock))
    assert refused.json()["code"] == "40401"
    # a demo key is not job-b's key
    forged = signed(clock, app_key="job-b", secret="m7-demo-secret")
    assert (await client.post(LISTEN, json=body, headers=forged)).status_code == 401


async def test_accounts_never_see_each_others_journal_or_faults(
    two_accounts: httpx.AsyncClient, clock: Clock
) -> None:
    client = two_accounts
    plan = {"status": {"status": 500, "count": 5}}
    assert (await client.put("/__mock/faults", json=plan)).status_code == 200
    statuses = await asyncio.gather(
        client.post(LISTEN, json=LISTEN_BODY, headers=signed(clock)),
        client.post(LISTEN, json={"listenAgent": "5000", "agentNumber": "5001"}, headers=_b(clock)),
    )
    assert [r.status_code for r in statuses] == [500, 200]
    assert (await client.get("/__mock/faults", params={"account": "job-b"})).json() == {}
    demo_journal = (await client.get("/__mock/journal")).json()["entries"]
    b_journal = (await client.get("/__mock/journal", params={"account": "job-b"})).json()["entries"]
    # (a faulted request is answered before authentication: no app key is recorded)
    assert [(e["headers"]["m7-appkey"], e["status"]) for e in demo_journal] == [("2100147", 500)]
    assert [(e["appKey"], e["status"]) for e in b_journal] == [("job-b", 200)]


async def test_an_unknown_account_is_404_40404(two_accounts: httpx.AsyncClient) -> None:
    response = await two_accounts.get("/__mock/state", params={"account": "nobody"})
    assert response.status_code == 404
    assert response.json()["code"] == "40404"
    assert response.json()["message"] == "account: no account nobody"


async def test_a_reset_of_one_account_leaves_the_other(
    two_accounts: httpx.AsyncClient, clock: Clock
) -> None:
    client = two_accounts
    await client.post("/__mock/calls", json={"agent": "9530", "customer": "1"})
    await client.delete("/__mock/calls/b-1", params={"account": "job-b"})
    await client.post("/__mock/reset", params={"account": "job-b"})
    demo: dict[str, Any] = (await client.get("/__mock/state")).json()
    job_b: dict[str, Any] = (await client.get("/__mock/state", params={"account": "job-b"})).json()
    assert len(demo["calls"]) == 4
    assert [c["id"] for c in job_b["calls"]] == ["b-1"]


# --- Redis lost while running --------------------------------------------------------------


async def test_a_lost_redis_is_a_503_naming_it_and_service_resumes(
    make_settings: Callable[..., Settings], clock: Clock
) -> None:
    with redis_server() as server:
        async with client_for(create_app(make_settings(state=server.url()))) as client:
            assert (
                await client.post(LISTEN, json=LISTEN_BODY, headers=signed(clock))
            ).status_code == 200
            server.stop()
            lost_vendor = await client.post(LISTEN, json=LISTEN_BODY, headers=signed(clock))
            lost_admin = await client.get("/__mock/state")
            for response in (lost_vendor, lost_admin):
                assert response.status_code == 503, response.text
                assert response.json()["code"] == "503"
                assert response.json()["message"].startswith(
                    f"state store: redis at 127.0.0.1:{server.port}/0 is unreachable"
                )
                assert response.headers["retry-after"] == "1"
            server.start()  # an empty Redis: the account is seeded again from its scenario
            headers = signed(clock)
            assert (await client.post(LISTEN, json=LISTEN_BODY, headers=headers)).status_code == 200
            assert (await client.post(LISTEN, json=LISTEN_BODY, headers=headers)).status_code == 401
            assert len((await client.get("/__mock/state")).json()["agents"]) == 9


@pytest.mark.parametrize("after_the_loss", ["nothing", "a scenario loaded"])
async def test_a_worker_that_never_served_the_account_still_refuses_a_replay_after_a_loss(
    make_settings: Callable[..., Settings], clock: Clock, after_the_loss: str
) -> None:
    """Two workers on one Redis; the one that accepted a request is not the one asked to
    accept it again once Redis came back empty, nor is the account touched by it before."""
    with redis_server() as server:
        first = create_app(make_settings(state=server.url()))
        second = create_app(make_settings(state=server.url()))
        accepted = signed(clock)
        async with client_for(first) as one, client_for(second) as other:
            assert (await one.post(LISTEN, json=LISTEN_BODY, headers=accepted)).status_code == 200
            server.stop()
            server.start()  # empty: nothing on disk
            clock.advance(1)
            if after_the_loss == "a scenario loaded":
                loaded = await other.post("/__mock/scenario", json={"agents": AGENTS_ONLY})
                assert loaded.status_code == 200, loaded.text
            replayed = await other.post(LISTEN, json=LISTEN_BODY, headers=accepted)
            assert replayed.status_code == 401, replayed.text
            assert "the state store lost its replay memory" in replayed.json()["message"]
            await other.post("/__mock/reset")  # lifts the fence with the replay memory
            again = await other.post(LISTEN, json=LISTEN_BODY, headers=accepted)
            assert again.status_code != 401, again.text


#: A scenario a load can replace the demo with (the replayed listen then fails on state).
AGENTS_ONLY = [{"number": "2002", "role": "supervisor"}, {"number": "9527", "role": "agent"}]


async def test_loading_a_scenario_through_the_admin_api_targets_one_account(
    two_accounts: httpx.AsyncClient,
) -> None:
    client = two_accounts
    one = {"agents": [{"number": "6000", "role": "supervisor"}]}
    loaded = await client.post("/__mock/scenario", params={"account": "job-b"}, json=one)
    assert [a["number"] for a in loaded.json()["agents"]] == ["6000"]
    assert len((await client.get("/__mock/state")).json()["agents"]) == 9
    refused = await client.post("/__mock/scenario", json={"accounts": [{"appKey": "x"}]})
    assert refused.status_code == 400
    assert refused.json()["code"] == "40002"
    assert "accounts are declared by the scenario file at start-up" in refused.json()["message"]
