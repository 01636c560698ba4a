"""``/__mock/clock``: each account's clock drives every time-dependent rule, on both backends.

The signature window, the replay memory's expiry, the calls' times, the envelope's and the
journal's times follow the account's clock; what takes minutes of real time is shown here
with the real clock standing still (the ``clock`` fixture never moves by itself).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mock_server.app import create_app
from mock_server.settings import Settings
from tests.api.helpers import client_for, signed
from tests.support.clock import Clock
from tests.support.document import PATHS

STATE_BACKENDS = ("memory", "redis")

#: 2026-01-01T00:00:00Z, far from the fixture clock's time.
FROZEN = 1_767_225_600
LISTEN = {"listenAgent": "2000", "agentNumber": "9527"}


def at(when: float) -> Callable[[], float]:
    """A clock standing at ``when``, to sign with."""
    return lambda: when


async def listen(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post(PATHS["listen"], json=LISTEN, headers=headers)


async def test_the_clock_is_the_real_time_until_frozen(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    assert (await client.get("/__mock/clock")).json() == {"now": clock(), "frozen": False}
    frozen = await client.put("/__mock/clock", json={"frozenAt": FROZEN})
    assert frozen.json() == {"now": FROZEN, "frozen": True}
    clock.advance(50)  # real time passes; a frozen clock does not
    assert (await client.get("/__mock/clock")).json() == {"now": FROZEN, "frozen": True}
    advanced = await client.post("/__mock/clock/advance", json={"seconds": 301.5})
    assert advanced.json() == {"now": FROZEN + 301.5, "frozen": True}
    back = await client.delete("/__mock/clock")
    assert back.json() == {"now": clock(), "frozen": False}


async def test_a_running_clock_moved_ahead_keeps_running(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    await client.post("/__mock/clock/advance", json={"seconds": 3600})
    clock.advance(10)
    assert (await client.get("/__mock/clock")).json() == {"now": clock() + 3600, "frozen": False}


async def test_a_timestamp_301_s_old_is_refused_and_300_s_old_accepted(
    client: httpx.AsyncClient,
) -> None:
    await client.put("/__mock/clock", json={"frozenAt": FROZEN})
    late = await listen(client, signed(at(FROZEN - 301)))
    assert late.status_code == 401
    assert late.json()["message"] == "m7-timestamp: 301 s from the server clock (at most 300)"
    assert (await listen(client, signed(at(FROZEN - 300)))).status_code == 200


async def test_signed_300_s_ahead_accepted_now_and_again_after_300_s(
    client: httpx.AsyncClient,
) -> None:
    """The vendor's replay key lives 300 s; so the same request is accepted again 300 s
    later, when its timestamp is still within the window."""
    await client.put("/__mock/clock", json={"frozenAt": FROZEN})
    sent = signed(at(FROZEN + 300))
    assert (await listen(client, sent)).status_code == 200
    await client.post("/__mock/clock/advance", json={"seconds": 299})
    replayed = await listen(client, sent)
    assert replayed.status_code == 401
    assert "replayed" in replayed.json()["message"]
    await client.post("/__mock/clock/advance", json={"seconds": 1})
    assert (await listen(client, sent)).status_code == 200


async def test_a_clock_set_back_keeps_the_replay_memory_until_it_passes_again(
    client: httpx.AsyncClient,
) -> None:
    await client.put("/__mock/clock", json={"frozenAt": FROZEN})
    sent = signed(at(FROZEN))
    assert (await listen(client, sent)).status_code == 200
    await client.put("/__mock/clock", json={"frozenAt": FROZEN - 200})
    assert (await listen(client, sent)).status_code == 401  # still remembered


async def test_calls_envelope_and_journal_follow_the_clock(client: httpx.AsyncClient) -> None:
    await client.put("/__mock/clock", json={"frozenAt": FROZEN})
    started = await client.post("/__mock/calls", json={"agent": "9530", "customer": "13800000000"})
    assert started.json()["startedAt"] == FROZEN
    await client.post("/__mock/clock/advance", json={"seconds": 90})
    answered = await client.post(f"/__mock/calls/{started.json()['id']}/answer")
    assert answered.json()["answeredAt"] == FROZEN + 90
    accepted = await listen(client, signed(at(FROZEN + 90)))
    data: dict[str, Any] = accepted.json()["data"]
    # 2026-01-01T00:01:30Z is 08:01:30 in the call service's zone (UTC+8)
    assert data["startTime"].startswith("2026-01-01 08:01:30."), data
    assert accepted.json()["requestInfo"]["span"]["requestStartTime"] == (FROZEN + 90) * 1000
    entries = (await client.get("/__mock/journal")).json()["entries"]
    assert entries[-1]["time"].startswith("2026-01-01T00:01:30"), entries[-1]


async def test_the_journal_time_of_a_refused_request_follows_the_clock(
    client: httpx.AsyncClient,
) -> None:
    await client.put("/__mock/clock", json={"frozenAt": FROZEN})
    assert (await listen(client, signed(at(FROZEN - 1000)))).status_code == 401
    entries = (await client.get("/__mock/journal")).json()["entries"]
    assert entries[-1]["time"].startswith("2026-01-01T00:00:00"), entries[-1]


async def test_each_account_has_its_own_clock(client: httpx.AsyncClient, clock: Clock) -> None:
    created = (await client.post("/__mock/accounts", json={})).json()
    await client.put(f"/__mock/clock?account={created['appKey']}", json={"frozenAt": FROZEN})
    assert (await client.get("/__mock/clock")).json()["now"] == clock()
    mine = signed(at(FROZEN), app_key=created["appKey"], secret=created["secret"])
    assert (await listen(client, mine)).status_code == 200
    # the demo account's clock is the real time: the same instant is far from it
    assert (await listen(client, signed(at(FROZEN)))).status_code == 401


async def test_a_snapshot_carries_the_clock(client: httpx.AsyncClient, clock: Clock) -> None:
    await client.put("/__mock/clock", json={"frozenAt": FROZEN})
    snapshot = (await client.get("/__mock/snapshot")).json()
    assert snapshot["clock"] == {"frozenAt": FROZEN}
    await client.delete("/__mock/clock")
    loaded = await client.put("/__mock/snapshot", json=snapshot)
    assert loaded.json()["clock"] == {"frozenAt": FROZEN}
    assert (await client.get("/__mock/clock")).json() == {"now": FROZEN, "frozen": True}


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        ("put", "/__mock/clock", {"frozenAt": 999_999_999}, "body.frozenAt"),
        ("post", "/__mock/clock/advance", {"seconds": -1}, "body.seconds"),
        ("put", "/__mock/clock", {}, "body.frozenAt"),
    ],
)
async def test_a_bad_clock_is_refused_naming_the_field(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any], message: str
) -> None:
    refused = await client.request(method, path, json=body)
    assert refused.status_code == 400
    assert message in refused.text


async def test_a_clock_past_the_ten_digit_range_is_refused(client: httpx.AsyncClient) -> None:
    await client.put("/__mock/clock", json={"frozenAt": 9_999_999_000})
    refused = await client.post("/__mock/clock/advance", json={"seconds": 1000})
    assert refused.status_code == 400
    assert refused.json()["code"] == "40002"
    assert (await client.get("/__mock/clock")).json()["now"] == 9_999_999_000


@pytest.mark.state_backends("redis")
async def test_a_clock_set_through_one_worker_rules_the_others(
    make_settings: Callable[..., Settings], state_setting: str
) -> None:
    """Two workers on one Redis: the second has read the clock before; a change through the
    first is what the second judges by at once (the script checks its copy)."""
    first = create_app(make_settings(state=state_setting))
    second = create_app(make_settings(state=state_setting))
    async with client_for(first) as one, client_for(second) as two:
        assert (await two.get("/__mock/clock")).json()["frozen"] is False
        await one.put("/__mock/clock", json={"frozenAt": FROZEN})
        assert (await listen(two, signed(at(FROZEN)))).status_code == 200
        await one.post("/__mock/clock/advance", json={"seconds": 1000})
        late = await listen(two, signed(at(FROZEN)))
        assert late.status_code == 401
        assert late.json()["message"].startswith("m7-timestamp: 1000 s"), late.text
