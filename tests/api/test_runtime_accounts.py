"""``POST /__mock/accounts`` and ``DELETE /__mock/accounts/{appKey}``: accounts made while the
mock runs, each its own call center, journal, faults and clock; bounded; on both backends,
and on Redis seen by every worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
import redis.asyncio
import redis.exceptions

from mock_server.app import create_app
from mock_server.model.accounts import RuntimeAccount
from mock_server.model.callcenter import CallStateError
from mock_server.model.clock import ClockSetting
from mock_server.model.faults import FaultPlan
from mock_server.model.journal import JournalEntry
from mock_server.model.outcome import Outcome
from mock_server.model.request_path import ActionRequest, Refused, VendorRequest
from mock_server.model.scenario import load_demo
from mock_server.settings import DEMO_APP_KEY, Settings
from tests.api.helpers import client_for, signed
from tests.support.clock import Clock
from tests.support.document import PATHS

STATE_BACKENDS = ("memory", "redis")

LISTEN = {"listenAgent": "2000", "agentNumber": "9527"}
OWN_CENTER = {
    "agents": [
        {"number": "7000", "role": "supervisor"},
        {"number": "7001", "role": "agent"},
    ],
    "calls": [{"id": "c-1", "agent": "7001", "customer": "13900000000", "state": "talking"}],
}


async def listen_as(
    client: httpx.AsyncClient, clock: Clock, account: dict[str, str], body: dict[str, str]
) -> httpx.Response:
    headers = signed(clock, app_key=account["appKey"], secret=account["secret"])
    return await client.post(PATHS["listen"], json=body, headers=headers)


async def status_of(client: httpx.AsyncClient, number: str, account: str = DEMO_APP_KEY) -> str:
    state = (await client.get(f"/__mock/state?account={account}")).json()
    (status,) = [agent["status"] for agent in state["agents"] if agent["number"] == number]
    return str(status)


async def test_an_account_made_up_entirely_signs_and_has_its_own_journal(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    created = await client.post("/__mock/accounts")
    assert created.status_code == 201
    account = created.json()
    assert account["appKey"].startswith("t-")
    assert len(account["secret"]) == 43
    assert (await listen_as(client, clock, account, LISTEN)).status_code == 200
    mine = await client.get(f"/__mock/journal?account={account['appKey']}")
    assert [e["operation"] for e in mine.json()["entries"]] == ["listen"]
    assert (await client.get("/__mock/journal")).json()["entries"] == []
    # the demo account's call center did not change: its supervisor is still free
    assert await status_of(client, "2000") == "idle"
    assert await status_of(client, "2000", account["appKey"]) == "monitoring"


async def test_an_account_with_its_own_key_secret_and_call_center(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    body = {"appKey": "ci-job-42", "secret": "s3cret-of-ci-job", "scenario": OWN_CENTER}
    account = (await client.post("/__mock/accounts", json=body)).json()
    assert account == {"appKey": "ci-job-42", "secret": "s3cret-of-ci-job"}
    own = {"listenAgent": "7000", "agentNumber": "7001"}
    assert (await listen_as(client, clock, account, own)).status_code == 200
    refused = await listen_as(client, clock, account, LISTEN)  # the demo's agents are not here
    assert refused.status_code == 404


async def test_an_app_key_in_use_is_refused(client: httpx.AsyncClient) -> None:
    await client.post("/__mock/accounts", json={"appKey": "twice"})
    for app_key in ("twice", DEMO_APP_KEY):
        refused = await client.post("/__mock/accounts", json={"appKey": app_key})
        assert refused.status_code == 409
        assert refused.json()["code"] == "40909"
        assert app_key in refused.json()["message"]


async def test_the_number_of_accounts_is_bounded(
    make_settings: Callable[..., Settings], state_setting: str
) -> None:
    app = create_app(make_settings(state=state_setting, max_accounts=2))
    async with client_for(app) as client:
        first = (await client.post("/__mock/accounts")).json()
        await client.post("/__mock/accounts")
        full = await client.post("/__mock/accounts")
        assert full.status_code == 409
        assert full.json()["code"] == "40910"
        assert "--max-accounts" in full.json()["message"]
        assert (await client.delete(f"/__mock/accounts/{first['appKey']}")).status_code == 204
        assert (await client.post("/__mock/accounts")).status_code == 201


async def test_a_removed_account_is_unknown_everywhere(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    account = (await client.post("/__mock/accounts")).json()
    removed = await client.delete(f"/__mock/accounts/{account['appKey']}")
    assert removed.status_code == 204
    assert not removed.content
    refused = await listen_as(client, clock, account, LISTEN)
    assert refused.status_code == 401
    assert refused.json()["message"] == "m7-appkey: unknown app key"
    state = await client.get(f"/__mock/state?account={account['appKey']}")
    assert state.status_code == 404
    assert state.json()["code"] == "40404"
    again = await client.delete(f"/__mock/accounts/{account['appKey']}")
    assert again.status_code == 404
    assert again.json()["code"] == "40404"


async def test_a_start_up_account_cannot_be_removed(client: httpx.AsyncClient) -> None:
    refused = await client.delete(f"/__mock/accounts/{DEMO_APP_KEY}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "40911"


async def test_an_account_with_accounts_in_its_scenario_is_refused(
    client: httpx.AsyncClient,
) -> None:
    body = {"scenario": {"accounts": [{"appKey": "x", "secret": "y"}]}}
    refused = await client.post("/__mock/accounts", json=body)
    assert refused.status_code == 400
    assert refused.json()["code"] == "40002"


async def test_the_secret_is_in_no_log_or_journal(
    client: httpx.AsyncClient, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    account = (await client.post("/__mock/accounts")).json()
    await listen_as(client, clock, account, LISTEN)
    journal = await client.get(f"/__mock/journal?account={account['appKey']}")
    assert account["secret"] not in journal.text
    assert account["secret"] not in caplog.text
    made = RuntimeAccount("k", account["secret"], load_demo(), "serial")
    assert account["secret"] not in repr(made)


@pytest.mark.state_backends("redis")
async def test_every_worker_sees_accounts_made_and_removed_by_another(
    make_settings: Callable[..., Settings], state_setting: str, clock: Clock
) -> None:
    first = create_app(make_settings(state=state_setting))
    second = create_app(make_settings(state=state_setting))
    async with client_for(first) as one, client_for(second) as two:
        body = {"appKey": "shared-job", "secret": "first-secret"}
        account = (await one.post("/__mock/accounts", json=body)).json()
        assert (await listen_as(two, clock, account, LISTEN)).status_code == 200
        assert await status_of(one, "2000", "shared-job") == "monitoring"
        await one.delete("/__mock/accounts/shared-job")
        gone = await listen_as(two, clock, account, LISTEN)
        assert gone.status_code == 401
        # made again with another secret: the second worker takes the new one
        body = {"appKey": "shared-job", "secret": "second-secret"}
        again = (await one.post("/__mock/accounts", json=body)).json()
        assert (await listen_as(two, clock, again, LISTEN)).status_code == 200
        assert (await listen_as(two, clock, account, LISTEN)).status_code == 401
        # removed and made again while the second worker saw neither: it still follows
        await one.delete("/__mock/accounts/shared-job")
        body = {"appKey": "shared-job", "secret": "third-secret"}
        third = (await one.post("/__mock/accounts", json=body)).json()
        assert (await listen_as(two, clock, again, LISTEN)).status_code == 401
        assert (await listen_as(two, clock, third, LISTEN)).status_code == 200


@pytest.mark.state_backends("redis")
async def test_a_request_in_flight_cannot_bring_a_removed_account_back(
    make_settings: Callable[..., Settings], state_setting: str, clock: Clock
) -> None:
    """A worker that resolved the account just before another removed it: its request finds
    no call center and must not seed one again (that would leave keys nobody removes)."""
    first = create_app(make_settings(state=state_setting))
    second = create_app(make_settings(state=state_setting))
    async with client_for(first) as one, client_for(second) as two:
        account = (await one.post("/__mock/accounts", json={"appKey": "raced"})).json()
        assert (await listen_as(two, clock, account, LISTEN)).status_code == 200
        in_flight = second.accounts.of("raced")  # resolved before the removal
        await one.delete("/__mock/accounts/raced")
        request = VendorRequest(
            "listen", action=ActionRequest("listen", "2000", "9527", "listenAgent")
        )
        result = await in_flight.path.perform(request)
    assert isinstance(result, Refused)
    assert result.error.status == 401
    client = redis.asyncio.Redis.from_url(state_setting)
    try:
        left = [key async for key in client.scan_iter(match="m7:{raced}:*")]
    finally:
        await client.aclose()
    assert left == []


async def test_a_run_time_app_key_must_fit_in_a_url_path(client: httpx.AsyncClient) -> None:
    refused = await client.post("/__mock/accounts", json={"appKey": "team/job-1"})
    assert refused.status_code == 400
    assert "body.appKey" in refused.text


async def test_an_unknown_app_key_is_judged_on_the_real_time(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    """A frozen default account's clock does not make an unknown app key look stale."""
    await client.put("/__mock/clock", json={"frozenAt": 1_767_225_600})
    stranger = {"appKey": "nobody-knows", "secret": "whatever-secret"}
    refused = await listen_as(client, clock, stranger, LISTEN)
    assert refused.status_code == 401
    assert refused.json()["message"] == "m7-appkey: unknown app key"


@pytest.mark.state_backends("redis")
async def test_a_start_up_app_key_refused_leaves_nothing_in_the_registry(
    client: httpx.AsyncClient, state_setting: str
) -> None:
    refused = await client.post(
        "/__mock/accounts", json={"appKey": DEMO_APP_KEY, "secret": "attacker-secret"}
    )
    assert refused.status_code == 409
    store = redis.asyncio.Redis.from_url(state_setting)
    try:
        assert not await store.hexists("m7:accounts", DEMO_APP_KEY)
        assert not await store.exists(f"m7:{{{DEMO_APP_KEY}}}:account")
    finally:
        await store.aclose()


@pytest.mark.state_backends("redis")
async def test_a_removed_account_takes_no_late_write(
    make_settings: Callable[..., Settings], state_setting: str
) -> None:
    """Changes from a worker that found the account just before another removed it are
    refused (404) or dropped (a journal entry), never written: nothing of it stays."""
    first = create_app(make_settings(state=state_setting))
    second = create_app(make_settings(state=state_setting))
    async with client_for(first) as one, client_for(second) as two:
        await one.post("/__mock/accounts", json={"appKey": "late"})
        assert (await two.get("/__mock/clock?account=late")).status_code == 200
        late = second.accounts.of("late")
        await one.delete("/__mock/accounts/late")
        for change in (
            late.faults.set(FaultPlan.from_dict({"drop": {"count": 1}})),
            late.clock.set(ClockSetting(offset=10)),
            late.clock.change(lambda setting, real: setting.advanced(1, real)),
            late.callcenter.load(load_demo()),
        ):
            with pytest.raises(CallStateError) as refused:
                await change
            assert refused.value.code == "40404"
        await late.journal.record(journal_entry_of("late"))
    store = redis.asyncio.Redis.from_url(state_setting)
    try:
        assert [key async for key in store.scan_iter(match="m7:{late}:*")] == []
    finally:
        await store.aclose()


@pytest.mark.state_backends("redis")
async def test_a_worker_keeps_a_bounded_copy_of_the_accounts(
    make_settings: Callable[..., Settings], state_setting: str, clock: Clock
) -> None:
    first = create_app(make_settings(state=state_setting, max_accounts=3))
    second = create_app(make_settings(state=state_setting, max_accounts=3))
    async with client_for(first) as one, client_for(second) as two:
        for _ in range(10):
            account = (await one.post("/__mock/accounts")).json()
            assert (await listen_as(two, clock, account, LISTEN)).status_code == 200
            await one.delete(f"/__mock/accounts/{account['appKey']}")
    assert len(second.accounts) <= 1 + 3  # the demo account and at most max_accounts


@pytest.mark.state_backends("redis")
async def test_advances_through_two_workers_at_once_all_count(
    make_settings: Callable[..., Settings], state_setting: str
) -> None:
    first = create_app(make_settings(state=state_setting))
    second = create_app(make_settings(state=state_setting))
    async with client_for(first) as one, client_for(second) as two:
        await one.put("/__mock/clock", json={"frozenAt": 1_767_225_600})
        await asyncio.gather(
            *(
                (one if n % 2 else two).post("/__mock/clock/advance", json={"seconds": 10})
                for n in range(40)
            )
        )
        assert (await one.get("/__mock/clock")).json()["now"] == 1_767_225_600 + 400


async def test_a_snapshot_clock_past_the_ten_digit_range_is_refused(
    client: httpx.AsyncClient,
) -> None:
    snapshot = {"scenario": {"agents": []}, "clock": {"offsetSeconds": 8_999_999_999}}
    refused = await client.put("/__mock/snapshot", json=snapshot)
    assert refused.status_code == 400
    assert refused.json()["code"] == "40002"
    assert "body.clock" in refused.json()["message"]
    assert (await client.get("/__mock/clock")).json()["frozen"] is False


def journal_entry_of(app_key: str) -> JournalEntry:
    return JournalEntry(
        time=0.0,
        request_id="r",
        method="POST",
        path="/openapi/v1/call/listen",
        status=401,
        outcome=Outcome.AUTH_SIGNATURE,
        app_key=app_key,
        headers={},
        body=None,
    )


@pytest.mark.state_backends("redis")
async def test_resetting_an_account_named_like_a_pattern_touches_no_other(
    make_settings: Callable[..., Settings], state_setting: str, clock: Clock
) -> None:
    """Start-up app keys may hold glob characters: the reset of ``a*`` forgets its own
    replay memory, never that of ``abc``."""
    credentials = {"abc": "secret-of-abc", "a*": "secret-of-a-star"}
    app = create_app(make_settings(state=state_setting, credentials=credentials))
    account = {"appKey": "abc", "secret": "secret-of-abc"}
    headers = signed(clock, app_key="abc", secret="secret-of-abc")
    async with client_for(app) as client:
        assert (await client.post(PATHS["listen"], json=LISTEN, headers=headers)).status_code == 200
        assert (await client.post("/__mock/reset?account=a*")).status_code == 200
        again = await client.post(PATHS["listen"], json=LISTEN, headers=headers)
        assert again.status_code == 401, again.text
        assert "replayed" in again.json()["message"]
        assert (await listen_as(client, clock, account, LISTEN)).status_code == 200


@pytest.mark.state_backends("redis")
async def test_an_old_copy_never_writes_into_the_account_made_again(
    make_settings: Callable[..., Settings], state_setting: str, clock: Clock
) -> None:
    """Removed and made again under the same app key while another worker holds a copy of
    the first creation: that copy's writes are refused, the new account stays as made."""
    first = create_app(make_settings(state=state_setting))
    second = create_app(make_settings(state=state_setting))
    async with client_for(first) as one, client_for(second) as two:
        account = (await one.post("/__mock/accounts", json={"appKey": "same"})).json()
        assert (await listen_as(two, clock, account, LISTEN)).status_code == 200
        old = second.accounts.of("same")
        await one.delete("/__mock/accounts/same")
        body = {"appKey": "same", "scenario": {"agents": []}}
        assert (await one.post("/__mock/accounts", json=body)).status_code == 201
        request = VendorRequest(
            "listen", action=ActionRequest("listen", "2000", "9527", "listenAgent")
        )
        assert isinstance(await old.path.perform(request), Refused)
        with pytest.raises(CallStateError):
            await old.faults.set(FaultPlan.from_dict({"drop": {"count": 1}}))
        await one.get("/__mock/state?account=same")  # the new creation is seeded
        with pytest.raises(CallStateError) as refused:  # an admin change of the old copy
            await old.callcenter.put_agent("9999", role="agent", online=True)
        assert refused.value.code == "40404"
        assert (await one.get("/__mock/state?account=same")).json()["agents"] == []
        assert (await one.get("/__mock/faults?account=same")).json() == {}


@pytest.mark.state_backends("redis")
async def test_an_account_a_request_holds_is_never_forgotten_to_make_room(
    make_settings: Callable[..., Settings], state_setting: str, clock: Clock
) -> None:
    first = create_app(make_settings(state=state_setting, max_accounts=2))
    second = create_app(make_settings(state=state_setting, max_accounts=2))
    async with client_for(first) as one, client_for(second) as two:
        held = (await one.post("/__mock/accounts", json={"appKey": "held"})).json()
        assert await second.accounts.resolve("held")  # a request to it has begun
        for _ in range(3):  # other accounts come and go through the second worker
            other = (await one.post("/__mock/accounts")).json()
            assert (await listen_as(two, clock, other, LISTEN)).status_code == 200
            await one.delete(f"/__mock/accounts/{other['appKey']}")
        assert second.accounts.secret_of("held") == held["secret"]
        second.accounts.release("held")
        assert len(second.accounts) <= 1 + 2


@pytest.mark.state_backends("redis")
async def test_a_create_that_fails_half_way_takes_its_entry_back(
    client: httpx.AsyncClient, state_setting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise redis.exceptions.ConnectionError("the connection broke")

    monkeypatch.setattr(redis.asyncio.Redis, "hset", broken)
    failed = await client.post("/__mock/accounts", json={"appKey": "half"})
    assert failed.status_code == 503
    monkeypatch.undo()
    store = redis.asyncio.Redis.from_url(state_setting)
    try:
        assert not await store.hexists("m7:accounts", "half")
    finally:
        await store.aclose()
    assert (await client.post("/__mock/accounts", json={"appKey": "half"})).status_code == 201


@pytest.mark.state_backends("redis")
async def test_a_clock_change_that_keeps_losing_races_is_a_503_not_a_500(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mock_server.redis_store.transaction.MAX_ATTEMPTS", 0)
    busy = await client.post("/__mock/clock/advance", json={"seconds": 1})
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert "came first" in busy.json()["message"]
