"""Two worker processes on one Redis: what `m7-mock --workers 2 --state redis://...` promises.

The mock runs as a real process with two uvicorn workers sharing one port, on the session's
real ``redis-server``. Every request of the first two tests goes on a new connection, so the
kernel spreads them over both workers: with a state per worker a replay would be accepted
once per worker, and half of the reads would miss an admin change.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from m7_call_monitor.signing import sign
from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET
from tests.support.processes import mock_process

pytestmark = pytest.mark.socket

LISTEN = "/openapi/v1/call/listen"
PATHS = {
    "listen": ("/openapi/v1/call/listen", "listenAgent"),
    "whisper": ("/openapi/v1/call/whisper", "whisperAgent"),
    "lootCall": ("/openapi/v1/call/lootCall", "lootCallAgent"),
    "hangupChannel": ("/openapi/v1/call/hangupChannel", "hangupAgent"),
    "pickupChannel": ("/openapi/v1/call/pickupChannel", "pickupAgent"),
}
SUPERVISORS = ("2000", "2001", "2002", "2003")
AGENTS = ("9527", "9528", "9529", "9530", "9531")
_nonces = iter(random.sample(range(10**6), 10**5))
_lock = threading.Lock()


def signed() -> dict[str, str]:
    with _lock:
        nonce = f"{next(_nonces):06d}"
    timestamp = str(int(time.time()))
    return {
        "m7-appkey": DEMO_APP_KEY,
        "m7-nonce": nonce,
        "m7-timestamp": timestamp,
        "m7-sign": sign(DEMO_APP_KEY, DEMO_SECRET, timestamp, nonce),
    }


@pytest.fixture(scope="module")
def workers_process(redis_service: Any) -> Iterator[str]:
    url = redis_service.url(db=2)
    with mock_process("--workers", "2", "--state", url, "--log-level", "warning") as base_url:
        yield base_url


@pytest.fixture
def workers_url(workers_process: str) -> str:
    assert httpx.post(f"{workers_process}/__mock/reset").status_code == 200
    return workers_process


def test_one_signed_request_sent_20_times_is_accepted_exactly_once(workers_url: str) -> None:
    headers = signed()
    body = {"listenAgent": "2002", "agentNumber": "9527"}
    statuses = [
        httpx.post(workers_url + LISTEN, json=body, headers=headers).status_code for _ in range(20)
    ]
    assert statuses.count(200) == 1, statuses
    assert statuses.count(401) == 19, statuses


def test_a_phone_made_to_ring_is_seen_by_the_next_20_state_reads(workers_url: str) -> None:
    started = httpx.post(f"{workers_url}/__mock/calls", json={"agent": "9530", "customer": "1"})
    assert started.status_code == 201
    call_id = started.json()["id"]
    for _ in range(20):
        state = httpx.get(f"{workers_url}/__mock/state").json()
        agents = {a["number"]: a for a in state["agents"]}
        assert (agents["9530"]["status"], agents["9530"]["callId"]) == ("ringing", call_id)


def _race(workers_url: str, barrier: threading.Barrier, results: dict[str, httpx.Response]) -> None:
    """Two listens to 9527's call by 2000 and 2002, released together, on new connections."""

    def listen(supervisor: str) -> None:
        body = {"listenAgent": supervisor, "agentNumber": "9527"}
        barrier.wait()
        results[supervisor] = httpx.post(workers_url + LISTEN, json=body, headers=signed())

    threads = [threading.Thread(target=listen, args=(s,)) for s in ("2000", "2002")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_two_supervisors_racing_for_one_call_across_workers_one_wins(workers_url: str) -> None:
    for _ in range(10):
        assert httpx.post(f"{workers_url}/__mock/reset").status_code == 200
        results: dict[str, httpx.Response] = {}
        _race(workers_url, threading.Barrier(2), results)
        codes = sorted(r.json()["code"] for r in results.values())
        assert codes == ["200", "40905"], codes


def invariant_problems(state: dict[str, Any]) -> list[str]:
    """What a state breaks of the call center's invariants (none: an empty list)."""
    problems: list[str] = []
    agents = {a["number"]: a for a in state["agents"]}
    on_call: dict[str, str] = {}
    monitoring: dict[str, str] = {}
    for call in state["calls"]:
        if call["agent"] in on_call:
            problems.append(f"agent {call['agent']} on {on_call[call['agent']]} and {call['id']}")
        on_call[call["agent"]] = call["id"]
        supervisor = call["supervisor"]
        if supervisor is None:
            continue
        if supervisor in monitoring:
            problems.append(f"supervisor {supervisor} monitors two calls")
        monitoring[supervisor] = call["id"]
        if call["state"] != "talking" or agents.get(supervisor, {}).get("role") != "supervisor":
            problems.append(f"call {call['id']} monitored wrongly: {call}")
    for number in set(on_call) & set(monitoring):
        problems.append(f"agent {number} is on a call and monitors another")
    for number, agent in agents.items():
        expected = on_call.get(number) or monitoring.get(number)
        if agent["status"] != "offline" and agent["callId"] != expected:
            problems.append(f"agent {number} shows call {agent['callId']}, not {expected}")
    return problems


def test_random_concurrent_sessions_keep_every_invariant(workers_url: str) -> None:
    stop = time.monotonic() + 6.0
    problems: list[str] = []
    errors: list[BaseException] = []
    served = {"ok": 0, "refused": 0, "reads": 0}

    def session(seed: int) -> None:
        rng = random.Random(seed)
        try:
            with httpx.Client(base_url=workers_url, timeout=10) as client:
                while time.monotonic() < stop:
                    roll = rng.random()
                    if roll < 0.7:
                        path, field = PATHS[rng.choice(tuple(PATHS))]
                        body = {field: rng.choice(SUPERVISORS), "agentNumber": rng.choice(AGENTS)}
                        response = client.post(path, json=body, headers=signed())
                    elif roll < 0.85:
                        body = {"agent": rng.choice(AGENTS + SUPERVISORS), "customer": "1"}
                        response = client.post("/__mock/calls", json=body)
                    elif roll < 0.97:
                        calls = client.get("/__mock/state").json()["calls"]
                        call = rng.choice(calls)["id"] if calls else "none"
                        response = client.post(f"/__mock/calls/{call}/answer")
                    else:
                        response = client.post("/__mock/reset")
                    assert response.status_code < 500, response.text
                    served["ok" if response.is_success else "refused"] += 1
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)

    def checker() -> None:
        with httpx.Client(base_url=workers_url, timeout=10) as client:
            while time.monotonic() < stop:
                problems.extend(invariant_problems(client.get("/__mock/state").json()))
                served["reads"] += 1

    threads = [threading.Thread(target=session, args=(seed,)) for seed in range(4)]
    threads.append(threading.Thread(target=checker))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert problems == []
    assert min(served.values()) > 20, served


def _cpus_of_workers(port: int) -> list[str]:
    """The allowed CPUs of each worker of the mock listening on ``port`` (from /proc)."""
    parents = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if f"--port\0{port}\0" in (entry / "cmdline").read_text():
                    parents.add(entry.name)
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            status = dict(
                line.split(":\t", 1) for line in (entry / "status").read_text().splitlines()
            )
            if status.get("PPid") in parents and "spawn_main" in (entry / "cmdline").read_text():
                found.append(status["Cpus_allowed_list"].strip())
    return found


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 CPUs")
def test_pinned_workers_run_each_on_a_cpu_of_its_own(redis_service: Any) -> None:
    url = redis_service.url(db=3)
    with mock_process(
        "--workers", "2", "--state", url, "--pin-workers", "on", "--log-level", "warning"
    ) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        deadline = time.monotonic() + 10
        while len(cpus := _cpus_of_workers(port)) < 2 or any("-" in c or "," in c for c in cpus):
            assert time.monotonic() < deadline, f"workers' CPUs: {cpus}"
            time.sleep(0.1)
        assert len(set(cpus)) == 2, cpus  # one CPU each (no range, no list), not the same
        assert httpx.get(f"{base_url}/__mock/state").status_code == 200
