"""Random sessions of supervisors and admins: the mock behaves like the reference model.

One ``RuleBasedStateMachine`` whose rules mirror what people do: a supervisor calls one of
the five operations through the friendly client; an admin (``/__mock``) starts a call to an
agent (ringing or already answered), answers one, ends one, resets the call center, hires an
agent, changes a role, or takes an agent on- or offline. After every step the outcome (success
or which status and code) and the state the admin API reports must be exactly the model's
(``tests/stateful/model.py``, written from the documents, sharing no code with the mock).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from m7_call_monitor import CallMonitor, CallStateError
from tests.stateful.model import CallCenter, Operation, Refused
from tests.support.conformance import call_friendly, expect_conforming
from tests.support.document import AGENT_FIELD, ROOT, errors_of, supervisor_field
from tests.support.inprocess import InProcessMock

DEMO = ROOT / "mock_server" / "model" / "demo-scenario.yaml"
ADMIN_DOCUMENT = ROOT / "openapi" / "mock-admin.yaml"
#: Numbers no scenario uses: to hire, and to ask about people who do not exist.
NEW_AGENTS = ("7001", "7002")
NOBODY = "0000"
NO_CALL = "call-9999"


@cache
def _demo(path: Path = DEMO) -> dict[str, Any]:
    """The demo scenario file's data, parsed once (every ``reset`` step reads it; treat it as
    read-only)."""
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def observed(state: dict[str, Any]) -> dict[str, object]:
    """The admin API's state in the model's terms (``CallCenter.view``)."""
    return {
        "agents": {a["number"]: (a["role"], a["status"], a["callId"]) for a in state["agents"]},
        "calls": {
            c["id"]: (c["agent"], c["state"], c["supervisor"], c["mode"]) for c in state["calls"]
        },
    }


def _refusal(response: httpx.Response) -> Refused | None:
    if response.is_success:
        return None
    body = response.json()
    return Refused(response.status_code, body.get("code"))


class CallCenterSessions(RuleBasedStateMachine):
    """The mock and the model, side by side, through random sessions."""

    def __init__(self, mock: InProcessMock, monitor: CallMonitor) -> None:
        super().__init__()
        self.mock = mock
        self.monitor = monitor
        self.model = CallCenter()
        self.call_ids: set[str] = {NO_CALL}

    def _agents(self) -> st.SearchStrategy[str]:
        return st.sampled_from([*sorted(self.model.agents), NOBODY])

    def _calls(self) -> st.SearchStrategy[str]:
        return st.sampled_from(sorted(self.call_ids | set(self.model.calls)))

    def _admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.mock.admin(method, path, **kwargs)
        assert response.status_code < 500, f"{method} /__mock{path}: {response.text}"
        if not response.is_success:
            problems = errors_of(response.json(), "#/components/schemas/ErrorEnvelope")
            assert not problems, problems
        return response

    # --- admin ------------------------------------------------------------------------------

    @initialize()
    def start_from_the_demo(self) -> None:
        self.reset()

    @rule()
    def reset(self) -> None:
        self._admin("POST", "/reset")
        self.model = CallCenter.from_scenario(_demo())

    @rule(data=st.data(), answered=st.booleans())
    def start_call(self, data: st.DataObject, answered: bool) -> None:
        agent = data.draw(self._agents(), label="agent")
        state = "talking" if answered else "ringing"
        response = self._admin(
            "POST", "/calls", json={"agent": agent, "customer": "13600136000", "state": state}
        )
        call_id = response.json().get("id") if response.status_code == 201 else NO_CALL
        assert _refusal(response) == self.model.start_call(call_id, agent, state)
        self.call_ids.add(call_id)

    @rule(data=st.data())
    def answer_call(self, data: st.DataObject) -> None:
        call_id = data.draw(self._calls(), label="call")
        response = self._admin("POST", f"/calls/{call_id}/answer")
        assert _refusal(response) == self.model.answer(call_id)

    @rule(data=st.data())
    def end_call(self, data: st.DataObject) -> None:
        call_id = data.draw(self._calls(), label="call")
        response = self._admin("DELETE", f"/calls/{call_id}")
        assert _refusal(response) == self.model.end(call_id)

    @rule(data=st.data(), online=st.booleans())
    def go_online_or_offline(self, data: st.DataObject, online: bool) -> None:
        number = data.draw(st.sampled_from(sorted(self.model.agents)), label="agent")
        response = self._admin("PUT", f"/agents/{number}", json={"online": online})
        assert _refusal(response) == self.model.put_agent(number, online=online)

    @rule(data=st.data(), role=st.sampled_from(["supervisor", "agent"]))
    def hire_or_change_role(self, data: st.DataObject, role: str) -> None:
        number = data.draw(st.sampled_from([*sorted(self.model.agents), *NEW_AGENTS]))
        response = self._admin("PUT", f"/agents/{number}", json={"role": role})
        assert _refusal(response) == self.model.put_agent(number, role=role)

    # --- the five operations ----------------------------------------------------------------

    def _supervisors(self) -> st.SearchStrategy[str]:
        """Mostly supervisors (the interesting refusals come after the role check)."""
        supervisors = sorted(n for n, a in self.model.agents.items() if a.role == "supervisor")
        return st.sampled_from(supervisors) | self._agents() if supervisors else self._agents()

    def _on_calls(self) -> st.SearchStrategy[str]:
        """Mostly agents on a call (or the agent of a call that just ended)."""
        busy = sorted({c.agent for c in self.model.calls.values()})
        return st.sampled_from(busy) | self._agents() if busy else self._agents()

    def _act(self, operation: Operation, data: st.DataObject) -> None:
        supervisor = data.draw(self._supervisors(), label="supervisor")
        agent = data.draw(self._on_calls(), label="agent")
        body = {supervisor_field(operation): supervisor, AGENT_FIELD: agent}
        try:
            call_friendly(self.monitor, operation, body)
            outcome = None
        except CallStateError as refused:
            outcome = Refused(refused.status or 0, refused.code or "")
        expect_conforming(operation, self.mock.last.status, self.mock.last.response)
        expected = self.model.act(operation, supervisor, agent)
        event(f"{operation}: {expected.code if expected else 'success'}")
        assert outcome == expected, f"{operation} {supervisor} -> {agent}: {outcome} != model"

    @rule(data=st.data())
    def supervisor_listens(self, data: st.DataObject) -> None:
        self._act("listen", data)

    @rule(data=st.data())
    def supervisor_whispers(self, data: st.DataObject) -> None:
        self._act("whisper", data)

    @rule(data=st.data())
    def supervisor_barges_in(self, data: st.DataObject) -> None:
        self._act("lootCall", data)

    @rule(data=st.data())
    def supervisor_hangs_up(self, data: st.DataObject) -> None:
        self._act("hangupChannel", data)

    @rule(data=st.data())
    def supervisor_picks_up(self, data: st.DataObject) -> None:
        self._act("pickupChannel", data)

    # --- after every step ---------------------------------------------------------------------

    @invariant()
    def the_state_is_the_models(self) -> None:
        state = self._admin("GET", "/state").json()
        problems = errors_of(state, "#/components/schemas/State", ADMIN_DOCUMENT)
        assert not problems, problems
        assert observed(state) == self.model.view()


def test_random_sessions_match_the_model(
    mock: InProcessMock, monitor: CallMonitor, request: pytest.FixtureRequest
) -> None:
    class Sessions(CallCenterSessions):
        def __init__(self) -> None:
            super().__init__(mock, monitor)

    # The richest test here gets at least 100 runs of up to 50 steps (~15 s) in memory, 25 on
    # Redis (each step costs round trips); the thorough profile's max_examples when larger.
    floor = 100 if request.node.callspec.params.get("mock") == "memory" else 25
    runs = max(settings().max_examples, floor)
    run_state_machine_as_test(
        Sessions, settings=settings(max_examples=runs, stateful_step_count=50)
    )


def test_the_demo_scenario_file_is_what_a_reset_gives(mock: InProcessMock) -> None:
    assert observed(mock.reset()) == CallCenter.from_scenario(_demo()).view()


@pytest.mark.parametrize(
    ("operation", "supervisor", "agent", "expected"),
    [
        ("listen", "2002", "2002", Refused(400, "40001")),
        ("listen", NOBODY, "9527", Refused(404, "40401")),
        ("listen", "2002", NOBODY, Refused(404, "40402")),
        ("listen", "9530", "9527", Refused(403, "40301")),
        ("listen", "2001", "9527", Refused(409, "40901")),
        ("listen", "2003", "9527", Refused(409, "40902")),
        ("listen", "2002", "9530", Refused(409, "40903")),
        ("listen", "2002", "9529", Refused(409, "40904")),
        ("listen", "2002", "9528", Refused(409, "40905")),
        ("hangupChannel", "2003", "9528", None),
        ("pickupChannel", "2002", "9529", None),
        ("hangupChannel", "2000", "2002", Refused(409, "40903")),
    ],
)
def test_the_model_on_the_demo_scenario(
    operation: Operation, supervisor: str, agent: str, expected: Refused | None
) -> None:
    """The model itself, on cases read off the document (so it can be trusted by reading)."""
    model = CallCenter.from_scenario(_demo())
    assert model.act(operation, supervisor, agent) == expected
