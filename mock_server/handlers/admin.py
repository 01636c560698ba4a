"""The admin API's operations (``openapi/mock-admin.yaml``), served under ``/__mock``.

Thin like the vendor handlers: the body was validated against the admin document; each
function makes one call on the mock's state and answers JSON. A refusal of the call center
(``CallStateError``), an impossible scenario (``ScenarioError``) or fault plan
(``FaultsError``) propagates to the error handlers, which answer with the error envelope.
"""

from __future__ import annotations

from typing import Any

from mock_server.http.envelope import Answer, empty_answer, json_answer
from mock_server.http.record import RequestRecord
from mock_server.model.accounts import Accounts
from mock_server.model.callcenter import CallStateError
from mock_server.model.clock import REAL_TIME, ClockSetting, clock_view
from mock_server.model.faults import FaultPlan
from mock_server.model.journal_filter import JournalFilter
from mock_server.model.scenario import Scenario, ScenarioError, parse_scenario
from mock_server.model.state import MockState
from mock_server.model.verification import COUNT_RULES, verify

__all__ = [
    "advance_clock",
    "answer_call",
    "clear_faults",
    "clear_journal",
    "create_account",
    "delete_account",
    "delete_agent",
    "end_call",
    "freeze_clock",
    "get_clock",
    "get_faults",
    "get_health",
    "get_journal",
    "get_snapshot",
    "get_state",
    "load_scenario",
    "put_agent",
    "put_faults",
    "put_snapshot",
    "reset",
    "reset_clock",
    "start_call",
    "verify_requests",
]


async def _snapshot(state: MockState) -> Answer:
    return json_answer(200, await state.callcenter.snapshot())


async def get_health(state: MockState, record: RequestRecord) -> Answer:
    """Ready: this answer comes from the app that serves the vendor API, built and bound, and
    its state store answers (out of reach: ``StateStoreUnavailable``, the 503 envelope)."""
    await state.callcenter.ping()
    return json_answer(200, {"status": "ready"})


async def get_state(state: MockState, record: RequestRecord) -> Answer:
    return await _snapshot(state)


async def reset(state: MockState, record: RequestRecord) -> Answer:
    """Back to the scenario; the replay cache is forgotten too, so recordings can be resent."""
    await state.reset()
    return await _snapshot(state)


async def load_scenario(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    """Load one account's call center (the ``account`` parameter's); ``accounts`` belong to
    the scenario file given at start-up (their secrets never travel through this API)."""
    await state.callcenter.load(_account_scenario(body))
    return await _snapshot(state)


def _account_scenario(data: Any) -> Scenario:
    """One account's scenario; ``accounts`` belong to the file given at start-up."""
    if isinstance(data, dict) and "accounts" in data:
        raise ScenarioError(
            "accounts: accounts are declared by the scenario file at start-up; load one "
            "account's call center with ?account=<app key>"
        )
    return parse_scenario(data)


async def put_agent(
    state: MockState, record: RequestRecord, number: str, body: dict[str, Any]
) -> Answer:
    agent = await state.callcenter.put_agent(
        number, name=body.get("name"), role=body.get("role"), online=body.get("online")
    )
    return json_answer(200, agent.to_dict())


async def delete_agent(state: MockState, record: RequestRecord, number: str) -> Answer:
    await state.callcenter.remove_agent(number)
    return await _snapshot(state)


async def start_call(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    call = await state.callcenter.start_call(
        body["agent"], customer=body["customer"], state=body.get("state", "ringing")
    )
    return json_answer(201, call.to_dict())


async def answer_call(state: MockState, record: RequestRecord, call_id: str) -> Answer:
    return json_answer(200, (await state.callcenter.answer_call(call_id)).to_dict())


async def end_call(state: MockState, record: RequestRecord, call_id: str) -> Answer:
    return json_answer(200, (await state.callcenter.end_call(call_id)).to_dict())


async def get_journal(
    state: MockState,
    record: RequestRecord,
    *,
    operation: str | None = None,
    path: str | None = None,
    status: int | None = None,
    outcome: str | None = None,
    app_key: str | None = None,
    limit: int | None = None,
) -> Answer:
    """The entries the query parameters select (all without one), oldest first."""
    journal = state.journal
    selection = JournalFilter(
        operation=operation,
        path=path,
        status=status,
        outcome=outcome,
        app_key=app_key,
        limit=limit,
    )
    entries = await journal.entries(None if selection.is_everything() else selection)
    return json_answer(200, {"capacity": journal.capacity, "entries": entries})


async def clear_journal(state: MockState, record: RequestRecord) -> Answer:
    return json_answer(200, {"cleared": await state.journal.clear()})


async def get_faults(state: MockState, record: RequestRecord) -> Answer:
    return json_answer(200, (await state.faults.plan()).to_dict())


async def put_faults(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    await state.faults.set(FaultPlan.from_dict(body))
    return json_answer(200, (await state.faults.plan()).to_dict())


async def clear_faults(state: MockState, record: RequestRecord) -> Answer:
    await state.faults.clear()
    return json_answer(200, (await state.faults.plan()).to_dict())


async def verify_requests(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    """Count the journal's requests that match, judge the rule, name the near misses."""
    rules = [(name, body[name]) for name in COUNT_RULES if name in body]
    if len(rules) != 1:
        raise CallStateError(
            400,
            "40002",
            "body",
            "body: give exactly one of exactly, atLeast and atMost (never is exactly: 0)",
        )
    ((rule, count),) = rules
    verdict = verify(
        await state.journal.entries(), body["operation"], body.get("where", {}), rule, count
    )
    return json_answer(
        200, {**verdict.to_dict(), "operation": body["operation"], "rule": {rule: count}}
    )


async def get_snapshot(state: MockState, record: RequestRecord) -> Answer:
    """The account's call center (as a scenario), fault plan and clock, to load again."""
    scenario = await state.callcenter.current_scenario()
    plan = await state.faults.plan()
    clock = await state.clock.setting()
    return json_answer(
        200, {"scenario": scenario.to_data(), "faults": plan.to_dict(), "clock": clock.to_dict()}
    )


async def put_snapshot(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    """Load a snapshot: its scenario (the reset's point from now on), its fault plan and its
    clock (when given), all checked before any is changed."""
    scenario = _account_scenario(body["scenario"])
    plan = FaultPlan.from_dict(body.get("faults", {}), at="body.faults")
    clock = None
    if "clock" in body:
        clock = ClockSetting.from_dict(body["clock"], at="body.clock")
        clock.in_range(state.clock.real(), at="body.clock")
    if clock is not None:
        await state.clock.set(clock)  # first: the scenario's calls start on it
    await state.callcenter.load(scenario)
    await state.faults.set(plan)
    return await get_snapshot(state, record)


# --- accounts and the clock -------------------------------------------------------------------


async def create_account(
    accounts: Accounts, record: RequestRecord, body: dict[str, Any] | None = None
) -> Answer:
    """A new account, its credentials answered (the one answer that shows a secret)."""
    body = body or {}
    scenario = _account_scenario(body["scenario"]) if "scenario" in body else None
    account = await accounts.create(body.get("appKey"), body.get("secret"), scenario)
    return json_answer(201, {"appKey": account.app_key, "secret": account.secret})


async def delete_account(accounts: Accounts, record: RequestRecord, app_key: str) -> Answer:
    await accounts.delete(app_key)
    return empty_answer(204)


async def _clock(state: MockState, setting: ClockSetting) -> Answer:
    return json_answer(200, clock_view(setting, state.clock.real()))


async def get_clock(state: MockState, record: RequestRecord) -> Answer:
    return await _clock(state, await state.clock.setting())


async def freeze_clock(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    setting = ClockSetting.stopped(float(body["frozenAt"]), at="frozenAt")
    return await _clock(state, await state.clock.set(setting))


async def advance_clock(state: MockState, record: RequestRecord, body: dict[str, Any]) -> Answer:
    seconds = float(body["seconds"])
    advanced = await state.clock.change(lambda setting, real: setting.advanced(seconds, real))
    return await _clock(state, advanced)


async def reset_clock(state: MockState, record: RequestRecord) -> Answer:
    return await _clock(state, await state.clock.set(REAL_TIME))
