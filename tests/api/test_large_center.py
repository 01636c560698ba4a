"""A large call center: reading it whole does not stop the mock serving the vendor API.

10,000 agents and 1,000 calls (the admin document's limits). Viewing every agent once cost
the agents times the calls (a snapshot took seconds, the event loop stopped meanwhile); now
the calls are indexed once per snapshot and the snapshot is built off the event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx

from mock_server import MockApp
from tests.support.document import PATHS

BASE = "http://mock.test"
STATE_BACKENDS = ("memory", "redis")

AGENTS = [
    {"number": f"{i:05d}", "role": "supervisor" if i < 1000 else "agent"} for i in range(10_000)
]
CALLS = [
    {"id": f"c-{i}", "agent": f"{i:05d}", "customer": "1", "state": "talking"}
    for i in range(1000, 2000)
]


async def test_reading_10000_agents_leaves_the_event_loop_free(
    app: MockApp, headers: Callable[..., dict[str, str]]
) -> None:
    # A plain client: the suite's usual one checks every answer against the documents, on
    # this very event loop, which for 1.6 MB is what would be measured.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        await _read_while_ticking(client, headers)


async def _read_while_ticking(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    loaded = await client.post("/__mock/scenario", json={"agents": AGENTS, "calls": CALLS})
    assert loaded.status_code == 200, loaded.text
    # Three reads, each timed with a ticker beside it; the least stopped one is judged, as a
    # benchmark takes the least of its rounds: a loaded machine (CI's parallel tests) may
    # deschedule the process during one read, but a read that stops the loop stops it in
    # every round.
    rounds = [await _ticking_read(client) for _ in range(3)]
    state, took, stopped = min(rounds, key=lambda r: r[2] / max(r[1], 1e-9))
    assert state.status_code == 200
    assert len(state.json()["agents"]) == 10_000
    listened = await client.post(
        PATHS["listen"], json={"listenAgent": "00000", "agentNumber": "01000"}, headers=headers()
    )
    assert listened.status_code == 200, listened.text
    # Relative to the read's own time, which a loaded machine stretches as much: a read that
    # stops the loop leaves one gap as long as itself.
    allowed = max(0.6 * took, 0.1)
    assert stopped < allowed, f"the event loop stopped {stopped:.3f} s of the read's {took:.3f} s"


async def _ticking_read(client: httpx.AsyncClient) -> tuple[httpx.Response, float, float]:
    """One read of the whole state with a ticker beside it: the answer, how long the read
    took, and the longest the ticker was kept from running."""
    gaps: list[float] = []
    reading = True

    async def ticker() -> None:
        last = time.perf_counter()
        while reading:
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    state = await client.get("/__mock/state")
    took = time.perf_counter() - started
    reading = False
    await ticking
    return state, took, max(gaps)
