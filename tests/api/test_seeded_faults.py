"""Faults with a seed: a ratio-based fault fires on the same requests in every run, and on
either backend the same ones (issue 22). Without a seed, chance decides, as before.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.helpers import signed
from tests.support.clock import Clock, Sleeps
from tests.support.document import PATHS

STATE_BACKENDS = ("memory", "redis")
BODY = {"hangupAgent": "2000", "agentNumber": "9530"}  # 409 40903 when not faulted


async def _statuses(client: httpx.AsyncClient, clock: Clock, plan: dict[str, Any]) -> list[int]:
    assert (await client.put("/__mock/faults", json=plan)).status_code == 200
    statuses = []
    for _ in range(24):
        sent = signed(clock)
        statuses.append(
            (await client.post(PATHS["hangupChannel"], json=BODY, headers=sent)).status_code
        )
    return statuses


def expected(seed: int, ratio: float, count: int) -> list[int]:
    """The statuses the documented sequence gives (Park and Miller's minimal standard
    generator, multiplier 48271, started at seed mod (2**31 - 2) + 1), written here apart
    from the mock's own: a change to the sequence, or a backend drawing otherwise, shows."""
    modulus = 2**31 - 1
    state = seed % (modulus - 1) + 1
    statuses = []
    for _ in range(count):
        state = 48271 * state % modulus
        statuses.append(503 if state / modulus < ratio else 409)
    return statuses


async def test_a_seeded_ratio_fires_on_the_same_requests_in_every_run(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    plan = {"status": {"status": 503, "ratio": 0.5}, "seed": 42}
    first = await _statuses(client, clock, plan)
    again = await _statuses(client, clock, plan)  # a PUT starts the sequence again
    assert first == again
    assert 0 < first.count(503) < len(first)
    assert first == expected(42, 0.5, 24)
    assert (await client.get("/__mock/faults")).json() == {
        "status": {"status": 503, "ratio": 0.5},
        "seed": 42,
    }


async def test_another_seed_is_another_sequence(client: httpx.AsyncClient, clock: Clock) -> None:
    other = await _statuses(client, clock, {"status": {"status": 503, "ratio": 0.5}, "seed": 7})
    assert other == expected(7, 0.5, 24) != expected(42, 0.5, 24)


async def test_a_seeded_latency_range_waits_the_same_in_every_run(
    client: httpx.AsyncClient, clock: Clock, sleeps: Sleeps
) -> None:
    """Each request draws its latency, then its ratio, from the one sequence."""
    plan = {"latency": {"minMs": 100, "maxMs": 900}, "status": {"status": 503, "ratio": 0.5}}
    statuses = await _statuses(client, clock, {**plan, "seed": 99})
    modulus = 2**31 - 1
    state, waits, wanted = 99 % (modulus - 1) + 1, [], []
    for _ in range(24):
        state = 48271 * state % modulus
        waits.append((100 + int(state / modulus * 801)) / 1000)
        state = 48271 * state % modulus
        wanted.append(503 if state / modulus < 0.5 else 409)
    assert list(sleeps) == waits
    assert statuses == wanted
