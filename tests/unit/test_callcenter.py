"""The simulated call center: the call-state rules of openapi/call-monitor.yaml, exactly.

The demo scenario is the fixture: supervisors 2000 (idle), 2001 (offline), 2002 (idle),
2003 (listening to 9528); agents 9527 (talking, call-0001), 9528 (talking, call-0002,
monitored), 9529 (ringing, call-0003), 9530 (idle), 9531 (offline).
"""

from __future__ import annotations

import dataclasses
import functools
import random
import threading
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.model.callcenter import AgentView, CallCenter, CallState, CallStateError, CallView
from mock_server.model.scenario import DEMO, AgentSpec, CallSpec, Scenario, ScenarioError
from tests.support.centers import MakeCenter
from tests.support.clock import Clock

NUMBERS = [a.number for a in DEMO.agents]
SUPERVISORS = ["2000", "2001", "2002", "2003"]


@pytest.fixture
def clock() -> Clock:
    """One second forward per reading, so that times are predictable and distinct."""
    return Clock(1_000.0, tick=1.0)


@pytest.fixture
def cc(make_center: MakeCenter, clock: Clock) -> CallCenter:
    return make_center(DEMO, clock=clock)


def refused(
    action: Callable[[], object], status: int, code: str, field: str, message: str | None = None
) -> CallStateError:
    """Run ``action``, which must be refused with exactly this status, code and field."""
    with pytest.raises(CallStateError) as info:
        action()
    exc = info.value
    assert (exc.status, exc.code, exc.field) == (status, code, field), exc.message
    assert exc.message.startswith(f"{field}: ")
    assert str(exc) == exc.message
    if message is not None:
        assert exc.message == message
    return exc


def status(cc: CallCenter, number: str) -> tuple[str, str | None]:
    view = cc.agent(number)
    return view.status, view.call_id


# --- the interface ---------------------------------------------------------------------------


def test_call_state_error_carries_the_envelope_parts() -> None:
    exc = CallStateError(409, "40903", "agentNumber", "agentNumber: agent 9530 has no live call")
    assert isinstance(exc, Exception)
    assert (exc.status, exc.code, exc.field) == (409, "40903", "agentNumber")
    assert exc.message == str(exc) == "agentNumber: agent 9530 has no live call"


def test_media_server_comes_from_the_scenario(cc: CallCenter) -> None:
    assert cc.media_server == "172.31.15.8:11100"


def test_demo_starts_in_the_documented_state(cc: CallCenter) -> None:
    assert {a.number: (a.status, a.call_id) for a in cc.agents()} == {
        "2000": ("idle", None),
        "2001": ("offline", None),
        "2002": ("idle", None),
        "2003": ("monitoring", "call-0002"),
        "9527": ("talking", "call-0001"),
        "9528": ("talking", "call-0002"),
        "9529": ("ringing", "call-0003"),
        "9530": ("idle", None),
        "9531": ("offline", None),
    }
    assert [(c.id, c.agent, c.state, c.supervisor, c.mode) for c in cc.calls()] == [
        ("call-0001", "9527", "talking", None, None),
        ("call-0002", "9528", "talking", "2003", "listen"),
        ("call-0003", "9529", "ringing", None, None),
    ]


def test_scenario_calls_start_at_reset_and_talking_ones_are_answered(
    make_center: MakeCenter,
) -> None:
    cc = make_center(DEMO, clock=lambda: 500.0)
    assert (cc.call("call-0001").started_at, cc.call("call-0001").answered_at) == (500.0, 500.0)
    assert (cc.call("call-0003").started_at, cc.call("call-0003").answered_at) == (500.0, None)


def test_vendor_examples_succeed_on_a_fresh_start_one_by_one(make_center: MakeCenter) -> None:
    for operation in ("listen", "loot_call", "whisper", "pickup_channel"):
        cc = make_center(DEMO)
        view = getattr(cc, operation)("2002", "9527")
        assert view.id == "call-0001"


def test_vendor_examples_succeed_in_sequence(cc: CallCenter) -> None:
    assert cc.listen("2002", "9527").mode == "listen"
    assert cc.loot_call("2002", "9527").mode == "barge"
    assert cc.whisper("2002", "9527").mode == "whisper"
    after = cc.pickup_channel("2002", "9527")
    assert (after.agent, after.state, after.supervisor) == ("2002", "talking", None)


def test_vendor_hangup_example_fails_as_2002_has_no_call(cc: CallCenter) -> None:
    refused(
        lambda: cc.hangup_channel("2000", "2002"),
        409,
        "40903",
        "agentNumber",
        "agentNumber: agent 2002 has no live call",
    )


# --- preconditions, one per code, in the documented order ------------------------------------


OPERATIONS: dict[str, str] = {
    "listen": "listenAgent",
    "whisper": "whisperAgent",
    "loot_call": "lootCallAgent",
    "hangup_channel": "hangupAgent",
    "pickup_channel": "pickupAgent",
}
MONITORING = ["listen", "whisper", "loot_call"]


def op(cc: CallCenter, name: str) -> Callable[..., CallView]:
    method: Callable[..., CallView] = getattr(cc, name)
    return method


@pytest.mark.parametrize(("name", "field"), OPERATIONS.items())
def test_40001_same_agent(cc: CallCenter, name: str, field: str) -> None:
    refused(
        lambda: op(cc, name)("2002", "2002"),
        400,
        "40001",
        field,
        f"{field}: supervisor and agentNumber are the same agent 2002",
    )


def test_40001_comes_before_unknown_agents(cc: CallCenter) -> None:
    refused(lambda: cc.listen("7777", "7777"), 400, "40001", "listenAgent")


@pytest.mark.parametrize(("name", "field"), OPERATIONS.items())
def test_40401_unknown_supervisor(cc: CallCenter, name: str, field: str) -> None:
    refused(lambda: op(cc, name)("7777", "9527"), 404, "40401", field, f"{field}: no agent 7777")


def test_40401_comes_before_40402(cc: CallCenter) -> None:
    refused(lambda: cc.whisper("7777", "8888"), 404, "40401", "whisperAgent")


@pytest.mark.parametrize("name", OPERATIONS)
def test_40402_unknown_agent(cc: CallCenter, name: str) -> None:
    refused(
        lambda: op(cc, name)("2002", "8888"),
        404,
        "40402",
        "agentNumber",
        "agentNumber: no agent 8888",
    )


def test_40402_comes_before_40301(cc: CallCenter) -> None:
    refused(lambda: cc.listen("9530", "8888"), 404, "40402", "agentNumber")


@pytest.mark.parametrize(("name", "field"), OPERATIONS.items())
def test_40301_not_a_supervisor(cc: CallCenter, name: str, field: str) -> None:
    refused(
        lambda: op(cc, name)("9530", "9527"),
        403,
        "40301",
        field,
        f"{field}: agent 9530 is not a supervisor",
    )


def test_40301_comes_before_40901(cc: CallCenter) -> None:
    # 9531 is offline and not a supervisor: the role is checked first.
    refused(lambda: cc.listen("9531", "9527"), 403, "40301", "listenAgent")


def test_40301_for_an_agent_on_a_call(cc: CallCenter) -> None:
    refused(lambda: cc.pickup_channel("9527", "9528"), 403, "40301", "pickupAgent")


@pytest.mark.parametrize(("name", "field"), OPERATIONS.items())
def test_40901_supervisor_offline(cc: CallCenter, name: str, field: str) -> None:
    refused(
        lambda: op(cc, name)("2001", "9527"),
        409,
        "40901",
        field,
        f"{field}: supervisor 2001 is offline",
    )


def test_40901_comes_before_40903(cc: CallCenter) -> None:
    refused(lambda: cc.listen("2001", "9530"), 409, "40901", "listenAgent")


@pytest.mark.parametrize(("name", "field"), OPERATIONS.items())
def test_40902_supervisor_monitoring_another_call(cc: CallCenter, name: str, field: str) -> None:
    refused(
        lambda: op(cc, name)("2003", "9527"),
        409,
        "40902",
        field,
        f"{field}: supervisor 2003 is busy monitoring call call-0002",
    )


@pytest.mark.parametrize(("name", "field"), OPERATIONS.items())
def test_40902_supervisor_on_own_call(cc: CallCenter, name: str, field: str) -> None:
    cc.pickup_channel("2002", "9529")  # 2002 now talks with 9529's customer on call-0003
    refused(
        lambda: op(cc, name)("2002", "9527"),
        409,
        "40902",
        field,
        f"{field}: supervisor 2002 is busy on call call-0003",
    )


def test_40902_supervisor_with_a_ringing_call_of_their_own(cc: CallCenter) -> None:
    cc.start_call("2000", customer="13600136000")
    refused(lambda: cc.listen("2000", "9527"), 409, "40902", "listenAgent")


def test_40902_comes_before_40903(cc: CallCenter) -> None:
    refused(lambda: cc.listen("2003", "9530"), 409, "40902", "listenAgent")


def test_40902_comes_before_40904(cc: CallCenter) -> None:
    refused(lambda: cc.listen("2003", "9529"), 409, "40902", "listenAgent")


def test_40902_comes_before_40905(cc: CallCenter) -> None:
    cc.pickup_channel("2002", "9527")
    refused(lambda: cc.listen("2002", "9528"), 409, "40902", "listenAgent")


@pytest.mark.parametrize("name", OPERATIONS)
@pytest.mark.parametrize(
    "target",
    [
        "9530",  # idle
        "9531",  # offline
        "2003",  # only monitoring
        "2000",  # an idle supervisor
    ],
)
def test_40903_agent_has_no_live_call(cc: CallCenter, name: str, target: str) -> None:
    refused(
        lambda: op(cc, name)("2002", target),
        409,
        "40903",
        "agentNumber",
        f"agentNumber: agent {target} has no live call",
    )


def test_40903_after_the_call_ended(cc: CallCenter) -> None:
    cc.end_call("call-0001")
    refused(lambda: cc.listen("2002", "9527"), 409, "40903", "agentNumber")


@pytest.mark.parametrize("name", MONITORING)
def test_40904_call_still_ringing(cc: CallCenter, name: str) -> None:
    refused(
        lambda: op(cc, name)("2002", "9529"),
        409,
        "40904",
        "agentNumber",
        "agentNumber: call call-0003 of agent 9529 is still ringing",
    )
    assert cc.call("call-0003").supervisor is None


@pytest.mark.parametrize("name", MONITORING)
def test_40905_another_supervisor_monitors(cc: CallCenter, name: str) -> None:
    refused(
        lambda: op(cc, name)("2002", "9528"),
        409,
        "40905",
        "agentNumber",
        "agentNumber: call call-0002 of agent 9528 is monitored by supervisor 2003",
    )
    assert (cc.call("call-0002").supervisor, cc.call("call-0002").mode) == ("2003", "listen")


def test_supervisor_field_names_the_field_in_messages(cc: CallCenter) -> None:
    exc = refused(lambda: cc.listen("9530", "9527", supervisor_field="who"), 403, "40301", "who")
    assert exc.message == "who: agent 9530 is not a supervisor"


# --- effects of listen / whisper / lootCall ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mode"), [("listen", "listen"), ("whisper", "whisper"), ("loot_call", "barge")]
)
def test_monitoring_attaches_the_supervisor(cc: CallCenter, name: str, mode: str) -> None:
    view = op(cc, name)("2002", "9527")
    assert (view.id, view.agent, view.state, view.supervisor, view.mode) == (
        "call-0001",
        "9527",
        "talking",
        "2002",
        mode,
    )
    assert cc.call("call-0001") == view
    assert status(cc, "2002") == ("monitoring", "call-0001")
    assert status(cc, "9527") == ("talking", "call-0001")


def test_mode_switching_in_any_order(cc: CallCenter) -> None:
    sequence = [
        ("whisper", "whisper"),
        ("loot_call", "barge"),
        ("listen", "listen"),
        ("loot_call", "barge"),
        ("whisper", "whisper"),
        ("listen", "listen"),
    ]
    for name, mode in sequence:
        view = op(cc, name)("2003", "9528")
        assert (view.supervisor, view.mode) == ("2003", mode)
        assert status(cc, "2003") == ("monitoring", "call-0002")


def test_repeating_the_same_mode_succeeds(cc: CallCenter) -> None:
    assert cc.listen("2003", "9528").mode == "listen"


def test_two_supervisors_monitor_two_calls(cc: CallCenter) -> None:
    cc.whisper("2002", "9527")
    assert status(cc, "2002") == ("monitoring", "call-0001")
    assert status(cc, "2003") == ("monitoring", "call-0002")
    refused(lambda: cc.listen("2000", "9527"), 409, "40905", "agentNumber")
    refused(lambda: cc.loot_call("2002", "9528"), 409, "40902", "lootCallAgent")


def test_a_free_supervisor_may_monitor_once_the_call_is_answered(cc: CallCenter) -> None:
    cc.answer_call("call-0003")
    assert cc.listen("2002", "9529").supervisor == "2002"


def test_a_supervisor_may_monitor_another_supervisors_call(cc: CallCenter) -> None:
    cc.pickup_channel("2002", "9527")
    view = cc.listen("2000", "2002")
    assert (view.agent, view.supervisor, view.mode) == ("2002", "2000", "listen")


# --- effects of hangupChannel ---------------------------------------------------------------


def test_hangup_ends_the_call_and_returns_it_as_it_was(cc: CallCenter) -> None:
    before = cc.call("call-0001")
    view = cc.hangup_channel("2000", "9527")
    assert view == before
    assert [c.id for c in cc.calls()] == ["call-0002", "call-0003"]
    assert status(cc, "9527") == ("idle", None)
    assert status(cc, "2000") == ("idle", None)
    refused(lambda: cc.call("call-0001"), 404, "40403", "callId")


def test_hangup_a_ringing_call(cc: CallCenter) -> None:
    view = cc.hangup_channel("2002", "9529")
    assert (view.id, view.state, view.answered_at) == ("call-0003", "ringing", None)
    assert status(cc, "9529") == ("idle", None)


def test_hangup_while_another_supervisor_monitors_detaches_them(cc: CallCenter) -> None:
    view = cc.hangup_channel("2000", "9528")
    assert (view.id, view.supervisor, view.mode) == ("call-0002", "2003", "listen")
    assert status(cc, "2003") == ("idle", None)
    assert status(cc, "9528") == ("idle", None)
    assert cc.listen("2003", "9527").supervisor == "2003"  # free to monitor another call
    refused(lambda: cc.listen("2000", "9528"), 409, "40903", "agentNumber")


def test_the_monitoring_supervisor_may_hang_up_the_call(cc: CallCenter) -> None:
    view = cc.hangup_channel("2003", "9528")
    assert view.id == "call-0002"
    assert status(cc, "2003") == ("idle", None)
    assert status(cc, "9528") == ("idle", None)


def test_hung_up_agent_is_free_for_a_new_call(cc: CallCenter) -> None:
    cc.hangup_channel("2000", "9527")
    assert cc.start_call("9527", customer="13500135000").agent == "9527"


# --- effects of pickupChannel ---------------------------------------------------------------


def test_pickup_moves_the_call_to_the_supervisor(cc: CallCenter) -> None:
    before = cc.call("call-0001")
    view = cc.pickup_channel("2002", "9527")
    assert (view.id, view.customer, view.agent, view.state) == (
        "call-0001",
        "13800138000",
        "2002",
        "talking",
    )
    assert (view.supervisor, view.mode) == (None, None)
    assert (view.started_at, view.answered_at) == (before.started_at, before.answered_at)
    assert cc.call("call-0001") == view
    assert status(cc, "2002") == ("talking", "call-0001")
    assert status(cc, "9527") == ("idle", None)
    # The actions see it so too: 9527 has no call to monitor, 2002 is busy on its own.
    refused(lambda: cc.listen("2000", "9527"), 409, "40903", "agentNumber")
    refused(lambda: cc.listen("2002", "9528"), 409, "40902", "listenAgent")


def test_pickup_a_ringing_call_answers_it(cc: CallCenter, clock: Clock) -> None:
    view = cc.pickup_channel("2002", "9529")
    assert (view.agent, view.state) == ("2002", "talking")
    assert view.answered_at == clock.now
    assert status(cc, "9529") == ("idle", None)


def test_pickup_while_another_supervisor_monitors_detaches_them(cc: CallCenter) -> None:
    view = cc.pickup_channel("2000", "9528")
    assert (view.agent, view.supervisor, view.mode) == ("2000", None, None)
    assert status(cc, "2003") == ("idle", None)
    assert status(cc, "2000") == ("talking", "call-0002")
    assert status(cc, "9528") == ("idle", None)
    assert cc.listen("2003", "9527").supervisor == "2003"  # free to monitor another call


def test_the_monitoring_supervisor_may_pick_up_the_call(cc: CallCenter) -> None:
    view = cc.pickup_channel("2003", "9528")
    assert (view.agent, view.supervisor, view.mode) == ("2003", None, None)
    assert status(cc, "2003") == ("talking", "call-0002")
    cc.hangup_channel("2000", "2003")
    assert cc.listen("2003", "9527").supervisor == "2003"  # no longer monitoring call-0002


def test_a_picked_up_call_can_be_hung_up_through_the_supervisor(cc: CallCenter) -> None:
    cc.pickup_channel("2002", "9527")
    view = cc.hangup_channel("2000", "2002")
    assert (view.id, view.agent) == ("call-0001", "2002")
    assert status(cc, "2002") == ("idle", None)


# --- views are snapshots ----------------------------------------------------------------------


def test_views_are_immutable_and_do_not_follow_the_state(cc: CallCenter) -> None:
    call = cc.call("call-0001")
    agent = cc.agent("9527")
    with pytest.raises(dataclasses.FrozenInstanceError):
        call.state = "ringing"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        agent.status = "idle"  # type: ignore[misc]
    cc.hangup_channel("2000", "9527")
    assert (call.state, agent.status) == ("talking", "talking")
    assert isinstance(agent, AgentView)


def test_snapshot_is_json_ready_with_camel_case_keys(make_center: MakeCenter) -> None:
    cc = make_center(DEMO, clock=lambda: 42.0)
    snap = cc.snapshot()
    assert snap["mediaServer"] == "172.31.15.8:11100"
    agents = snap["agents"]
    calls = snap["calls"]
    assert isinstance(agents, list)
    assert isinstance(calls, list)
    assert agents[3] == {
        "number": "2003",
        "name": "Liu Yang",
        "role": "supervisor",
        "status": "monitoring",
        "callId": "call-0002",
    }
    assert calls[1] == {
        "id": "call-0002",
        "customer": "13900139000",
        "agent": "9528",
        "state": "talking",
        "supervisor": "2003",
        "mode": "listen",
        "startedAt": 42.0,
        "answeredAt": 42.0,
    }
    assert calls[2]["answeredAt"] is None
    assert len(agents) == 9
    assert len(calls) == 3


# --- admin: reset / load / queries ------------------------------------------------------------


def test_reset_restores_the_scenario_after_changes(make_center: MakeCenter) -> None:
    cc = make_center(DEMO, clock=lambda: 7.0)
    fresh = cc.snapshot()
    cc.pickup_channel("2002", "9527")
    cc.hangup_channel("2000", "9528")
    cc.put_agent("9530", online=False, name="Renamed")
    cc.put_agent("7000", role="supervisor")
    cc.remove_agent("2001")
    cc.start_call("2000", customer="13600136000")
    assert cc.snapshot() != fresh
    cc.reset()
    assert cc.snapshot() == fresh
    assert cc.start_call("9530", customer="13500135000").id == "call-0004"


def test_load_replaces_the_scenario_and_reset_returns_to_it(cc: CallCenter) -> None:
    other = Scenario(
        media_server="10.0.0.1:9000",
        agents=(AgentSpec("1", "Sun Li", "supervisor"), AgentSpec("2", "Ma Jun", "agent")),
        calls=(CallSpec("c-x", "123", "2", "talking"),),
    )
    cc.load(other)
    assert cc.media_server == "10.0.0.1:9000"
    assert [a.number for a in cc.agents()] == ["1", "2"]
    cc.listen("1", "2")
    cc.reset()
    assert cc.call("c-x").supervisor is None
    assert [c.id for c in cc.calls()] == ["c-x"]
    assert cc.start_call("1", customer="5").id == "call-0001"


def test_an_inconsistent_scenario_is_refused_and_the_state_kept(
    make_center: MakeCenter, cc: CallCenter
) -> None:
    broken = dataclasses.replace(
        DEMO, calls=(*DEMO.calls, CallSpec("call-0009", "1", "9527", "talking"))
    )
    before = cc.snapshot()
    with pytest.raises(ScenarioError, match=r"^calls\[3\]\.agent: agent 9527 is already on"):
        cc.load(broken)
    assert cc.snapshot() == before
    with pytest.raises(ScenarioError, match="no agent 8888"):
        make_center(dataclasses.replace(DEMO, calls=(CallSpec("c", "1", "8888", "talking"),)))


def test_agent_and_call_lookups(cc: CallCenter) -> None:
    assert cc.agent("2003") == AgentView(
        "2003", "Liu Yang", "supervisor", "monitoring", "call-0002"
    )
    assert [a.number for a in cc.agents()] == NUMBERS
    refused(lambda: cc.agent("8888"), 404, "40402", "number", "number: no agent 8888")
    assert cc.call("call-0003").agent == "9529"
    refused(lambda: cc.call("call-9999"), 404, "40403", "callId", "callId: no call call-9999")


# --- admin: put_agent / remove_agent ----------------------------------------------------------


def test_put_agent_creates_with_defaults(cc: CallCenter) -> None:
    view = cc.put_agent("9600")
    assert view == AgentView("9600", "9600", "agent", "idle", None)
    assert cc.agents()[-1] == view


def test_put_agent_creates_with_values(cc: CallCenter) -> None:
    view = cc.put_agent("2100", name="Guo Hui", role="supervisor", online=False)
    assert view == AgentView("2100", "Guo Hui", "supervisor", "offline", None)


def test_put_agent_changes_only_what_is_given(cc: CallCenter) -> None:
    assert cc.put_agent("9527", name="Chen Jing II") == AgentView(
        "9527", "Chen Jing II", "agent", "talking", "call-0001"
    )
    assert cc.put_agent("9530", online=False).status == "offline"
    assert cc.put_agent("9530", online=True).status == "idle"
    assert cc.put_agent("9530", role="supervisor").role == "supervisor"
    assert cc.listen("9530", "9527").supervisor == "9530"


def test_put_agent_online_brings_an_offline_supervisor_into_play(cc: CallCenter) -> None:
    cc.put_agent("2001", online=True)
    assert cc.listen("2001", "9527").supervisor == "2001"


@pytest.mark.parametrize(
    ("number", "doing"), [("9527", "on call call-0001"), ("2003", "monitoring call call-0002")]
)
def test_put_agent_refuses_going_offline_while_busy(
    cc: CallCenter, number: str, doing: str
) -> None:
    refused(
        lambda: cc.put_agent(number, online=False),
        409,
        "40906",
        "online",
        f"online: agent {number} is {doing} and cannot go offline",
    )
    assert cc.agent(number).status != "offline"


def test_put_agent_refuses_demoting_a_monitoring_supervisor(cc: CallCenter) -> None:
    refused(lambda: cc.put_agent("2003", role="agent", name="X"), 409, "40906", "role")
    assert cc.agent("2003") == AgentView(
        "2003", "Liu Yang", "supervisor", "monitoring", "call-0002"
    )


def test_put_agent_may_demote_an_idle_supervisor(cc: CallCenter) -> None:
    cc.put_agent("2000", role="agent")
    refused(lambda: cc.listen("2000", "9527"), 403, "40301", "listenAgent")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"number": ""}, "number"),
        ({"number": "has space"}, "number"),
        ({"number": "x" * 33}, "number"),
        ({"number": "9600", "name": ""}, "name"),
        ({"number": "9600", "name": "   "}, "name"),
        ({"number": "9600", "role": "boss"}, "role"),
        ({"number": "9600", "online": "yes"}, "online"),
    ],
)
def test_put_agent_rejects_invalid_arguments(
    cc: CallCenter, kwargs: dict[str, object], field: str
) -> None:
    refused(lambda: cc.put_agent(**kwargs), 400, "40002", field)  # type: ignore[arg-type]
    assert [a.number for a in cc.agents()] == NUMBERS


def test_remove_agent(cc: CallCenter) -> None:
    cc.remove_agent("9530")
    assert "9530" not in [a.number for a in cc.agents()]
    refused(lambda: cc.agent("9530"), 404, "40402", "number")
    refused(lambda: cc.listen("2002", "9530"), 404, "40402", "agentNumber")


def test_remove_agent_refusals(cc: CallCenter) -> None:
    refused(lambda: cc.remove_agent("8888"), 404, "40402", "number", "number: no agent 8888")
    refused(
        lambda: cc.remove_agent("9529"),
        409,
        "40906",
        "number",
        "number: agent 9529 is on call call-0003 and cannot be removed",
    )
    refused(lambda: cc.remove_agent("2003"), 409, "40906", "number")
    assert [a.number for a in cc.agents()] == NUMBERS


# --- admin: start_call / answer_call / end_call -----------------------------------------------


def test_start_call_rings_an_idle_agent(cc: CallCenter, clock: Clock) -> None:
    view = cc.start_call("9530", customer="13500135000")
    assert view == CallView(
        "call-0004", "13500135000", "9530", "ringing", None, None, clock.now, None
    )
    assert status(cc, "9530") == ("ringing", "call-0004")
    assert cc.start_call("2000", customer="1", state="talking").id == "call-0005"
    assert status(cc, "2000") == ("talking", "call-0005")


def test_start_call_talking_is_answered_at_once(cc: CallCenter) -> None:
    view = cc.start_call("9530", customer="13500135000", state="talking")
    assert view.answered_at == view.started_at
    assert cc.listen("2002", "9530").mode == "listen"


def test_start_call_ids_skip_ids_in_use(make_center: MakeCenter) -> None:
    scenario = Scenario(
        media_server="m:1",
        agents=(AgentSpec("1", "A", "agent"), AgentSpec("2", "B", "agent")),
        calls=(CallSpec("call-0009", "c", "1", "talking"),),
    )
    cc = make_center(scenario)
    assert cc.start_call("2", customer="c").id == "call-0010"


def test_start_call_ids_with_foreign_ids_start_at_one(make_center: MakeCenter) -> None:
    scenario = Scenario(
        media_server="m:1",
        agents=(AgentSpec("1", "A", "agent"), AgentSpec("2", "B", "agent")),
        calls=(CallSpec("alpha", "c", "1", "talking"),),
    )
    assert make_center(scenario).start_call("2", customer="c").id == "call-0001"


def test_start_call_ids_are_not_reused_after_a_call_ends(cc: CallCenter) -> None:
    first = cc.start_call("9530", customer="1")
    cc.end_call(first.id)
    assert cc.start_call("9530", customer="1").id == "call-0005"


def test_start_call_refusals(cc: CallCenter) -> None:
    refused(lambda: cc.start_call("8888", customer="1"), 404, "40402", "agent")
    refused(
        lambda: cc.start_call("9531", customer="1"),
        409,
        "40907",
        "agent",
        "agent: agent 9531 is offline and cannot take a call",
    )
    refused(
        lambda: cc.start_call("9527", customer="1"),
        409,
        "40906",
        "agent",
        "agent: agent 9527 is on call call-0001 and cannot take another call",
    )
    refused(lambda: cc.start_call("2003", customer="1"), 409, "40906", "agent")
    refused(lambda: cc.start_call("9530", customer=""), 400, "40002", "customer")
    refused(
        lambda: cc.start_call("9530", customer="1", state="held"),  # type: ignore[arg-type]
        400,
        "40002",
        "state",
    )
    assert len(cc.calls()) == 3


def test_answer_call(cc: CallCenter, clock: Clock) -> None:
    view = cc.answer_call("call-0003")
    assert (view.state, view.answered_at) == ("talking", clock.now)
    assert status(cc, "9529") == ("talking", "call-0003")
    refused(
        lambda: cc.answer_call("call-0003"),
        409,
        "40908",
        "callId",
        "callId: call call-0003 is already answered",
    )
    refused(lambda: cc.answer_call("nope"), 404, "40403", "callId")


def test_end_call_frees_agent_and_monitor(cc: CallCenter) -> None:
    view = cc.end_call("call-0002")
    assert (view.id, view.supervisor, view.mode) == ("call-0002", "2003", "listen")
    assert status(cc, "9528") == ("idle", None)
    assert status(cc, "2003") == ("idle", None)
    refused(lambda: cc.end_call("call-0002"), 404, "40403", "callId")
    assert cc.listen("2003", "9527").supervisor == "2003"


# --- properties -------------------------------------------------------------------------------


def check_invariants(cc: CallCenter) -> None:
    """What must hold in any reachable state of the call center."""
    snap_agents = {a.number: a for a in cc.agents()}
    calls = cc.calls()
    call_agents = [c.agent for c in calls]
    monitors = [c.supervisor for c in calls if c.supervisor is not None]
    assert len(set(call_agents)) == len(call_agents), "an agent is on two calls"
    assert len(set(monitors)) == len(monitors), "a supervisor monitors two calls"
    assert not set(call_agents) & set(monitors), "an agent both on a call and monitoring"
    for call in calls:
        assert call.agent in snap_agents
        assert snap_agents[call.agent].status == call.state
        assert snap_agents[call.agent].call_id == call.id
        assert (call.state == "talking") == (call.answered_at is not None)
        assert (call.supervisor is None) == (call.mode is None)
        if call.supervisor is not None:
            monitor = snap_agents[call.supervisor]
            assert monitor.role == "supervisor"
            assert (monitor.status, monitor.call_id) == ("monitoring", call.id)
            assert call.state == "talking"
            assert call.supervisor != call.agent
    busy = set(call_agents) | set(monitors)
    for agent in snap_agents.values():
        if agent.number not in busy:
            assert agent.status in ("idle", "offline")
            assert agent.call_id is None


def test_invariants_hold_for_the_demo(cc: CallCenter) -> None:
    check_invariants(cc)


Step = tuple[str, str, str]

steps = st.tuples(
    st.sampled_from(
        [*OPERATIONS, "start_call", "answer_call", "end_call", "offline", "online", "reset"]
    ),
    st.sampled_from([*NUMBERS, "7777"]),
    st.sampled_from([*NUMBERS, "7777"]),
)


def apply(cc: CallCenter, step: Step) -> object:
    """Apply one step; refusals are part of the game and are returned, not raised."""
    name, first, second = step
    calls = cc.calls()
    try:
        if name in OPERATIONS:
            return op(cc, name)(first, second)
        if name == "start_call":
            state: CallState = "talking" if second[-1] in "13579" else "ringing"
            return cc.start_call(first, customer="13000000000", state=state)
        if name in ("answer_call", "end_call") and calls:
            call_id = calls[int(second[-1]) % len(calls)].id if second[-1].isdigit() else "x"
            return getattr(cc, name)(call_id)
        if name in ("offline", "online"):
            return cc.put_agent(first, online=name == "online")
        if name == "reset":
            cc.reset()
    except CallStateError as exc:
        return exc
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(steps, max_size=40))
def test_invariants_hold_after_any_sequence(make_center: MakeCenter, sequence: list[Step]) -> None:
    cc = make_center(DEMO)
    for step in sequence:
        apply(cc, step)
        check_invariants(cc)


@settings(max_examples=300, deadline=None)
@given(st.lists(steps, max_size=25), steps)
def test_a_refused_operation_changes_nothing(
    make_center: MakeCenter, prefix: list[Step], step: Step
) -> None:
    cc = make_center(DEMO, clock=lambda: 1.0)
    for earlier in prefix:
        apply(cc, earlier)
    before = cc.snapshot()
    if isinstance(apply(cc, step), CallStateError):
        assert cc.snapshot() == before


@settings(max_examples=300, deadline=None)
@given(
    st.lists(steps, max_size=25),
    st.sampled_from([*OPERATIONS]),
    st.sampled_from(SUPERVISORS),
    st.sampled_from(NUMBERS),
)
def test_a_successful_operation_has_its_documented_effect(
    make_center: MakeCenter, prefix: list[Step], name: str, supervisor: str, agent: str
) -> None:
    cc = make_center(DEMO)
    for earlier in prefix:
        apply(cc, earlier)
    before = {c.id: c for c in cc.calls()}
    try:
        view = op(cc, name)(supervisor, agent)
    except CallStateError:
        return
    assert before[view.id].agent == agent
    if name == "hangup_channel":
        assert view == before[view.id]
        assert view.id not in {c.id for c in cc.calls()}
        assert cc.agent(agent).status == "idle"
        if view.supervisor is not None:
            assert cc.agent(view.supervisor).status == "idle"
    elif name == "pickup_channel":
        assert (view.agent, view.state, view.supervisor) == (supervisor, "talking", None)
        assert cc.agent(supervisor).status == "talking"
        assert cc.agent(agent).status == "idle"
        old_monitor = before[view.id].supervisor
        if old_monitor is not None and old_monitor != supervisor:
            assert cc.agent(old_monitor).status == "idle"
    else:
        mode = {"listen": "listen", "whisper": "whisper", "loot_call": "barge"}[name]
        assert (view.supervisor, view.mode, view.state) == (supervisor, mode, "talking")
        assert before[view.id].supervisor in (None, supervisor)
        assert cc.agent(supervisor).status == "monitoring"


def test_concurrent_callers_keep_the_invariants(make_center: MakeCenter) -> None:
    cc = make_center(DEMO)
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        names = [*OPERATIONS, "start_call", "answer_call", "end_call", "offline", "online"]
        try:
            for _ in range(400):
                step = (rng.choice(names), rng.choice(NUMBERS), rng.choice(NUMBERS))
                apply(cc, step)
        except BaseException as exc:  # reported to the main thread, which asserts none
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check_invariants(cc)


def _at_once(*actions: Callable[[], object]) -> list[object]:
    """Run ``actions`` in threads released together; each result or the exception raised."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = actions[index]()
        except CallStateError as refused:
            results[index] = refused

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_of_two_supervisors_racing_for_one_call_exactly_one_wins(
    make_center: MakeCenter,
) -> None:
    """No lost update: the loser is refused (40905), never told it succeeded."""
    cc = make_center(DEMO)
    for _ in range(15):
        cc.reset()
        first, second = _at_once(
            lambda: cc.listen("2000", "9527"), lambda: cc.whisper("2002", "9527")
        )
        outcomes = sorted(type(r).__name__ for r in (first, second))
        assert outcomes == ["CallStateError", "CallView"], (first, second)
        winner = next(r for r in (first, second) if isinstance(r, CallView))
        loser = next(r for r in (first, second) if isinstance(r, CallStateError))
        assert loser.code == "40905"
        assert cc.call("call-0001").supervisor == winner.supervisor


def test_one_supervisor_racing_for_two_calls_gets_exactly_one(make_center: MakeCenter) -> None:
    cc = make_center(DEMO)
    for _ in range(15):
        cc.reset()
        results = _at_once(lambda: cc.listen("2000", "9527"), lambda: cc.loot_call("2000", "9528"))
        assert sum(isinstance(r, CallView) for r in results) <= 1, results
        monitored = [c.id for c in cc.calls() if c.supervisor == "2000"]
        assert len(monitored) == sum(isinstance(r, CallView) for r in results)


def test_concurrent_new_calls_are_all_kept(make_center: MakeCenter) -> None:
    cc = make_center(DEMO)
    hired = [f"80{i:02d}" for i in range(12)]
    for number in hired:
        cc.put_agent(number)
    started = _at_once(*(functools.partial(cc.start_call, n, customer="1") for n in hired))
    assert all(isinstance(r, CallView) for r in started), started
    ids = {c.id for c in cc.calls()}
    assert {r.id for r in started if isinstance(r, CallView)} <= ids
    assert len(ids) == 3 + len(hired)
