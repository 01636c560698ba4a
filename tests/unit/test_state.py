"""The in-memory state (``mock_server.model.state``) publishes every kind of change on its
feed: the call center (not its refusals), the journal, the faults (a used-up count too),
a reset."""

from __future__ import annotations

import pytest

from mock_server.model.callcenter import CallStateError
from mock_server.model.events import Event, Subscription
from mock_server.model.faults import FaultPlan, StatusFault
from mock_server.model.journal import JournalEntry
from mock_server.model.outcome import Outcome
from mock_server.model.scenario import DEMO
from mock_server.model.state import MockState
from tests.support.clock import EPOCH, Clock


def drain(subscription: Subscription) -> list[Event]:
    """What the subscription holds now (without waiting)."""
    events: list[Event] = []
    while len(subscription):
        events.append(subscription._queue.popleft())
    return events


@pytest.fixture
def state() -> MockState:
    return MockState.in_memory(DEMO, clock=Clock(EPOCH))


async def test_the_state_publishes_call_center_changes_but_not_refusals(state: MockState) -> None:
    events = state.events.subscribe()
    await state.callcenter.act("listen", "2000", "9527", supervisor_field="listenAgent")
    with pytest.raises(CallStateError, match="no live call"):
        await state.callcenter.act("listen", "2002", "9530", supervisor_field="listenAgent")
    await state.callcenter.put_agent("7001")
    assert drain(events) == [
        Event(
            "callcenter",
            {"action": "listen", "supervisor": "2000", "agent": "9527", "callId": "call-0001"},
        ),
        Event("callcenter", {"action": "put_agent", "number": "7001"}),
    ]


async def test_the_state_publishes_journal_appends(state: MockState) -> None:
    events = state.events.subscribe()
    entry = JournalEntry(
        time=1.0,
        request_id="r1",
        method="POST",
        path="/openapi/v1/call/listen",
        status=401,
        outcome=Outcome.AUTH_REPLAY,
        app_key=None,
        headers={},
        body=None,
    )
    await state.journal.record(entry)
    assert drain(events) == [
        Event(
            "journal",
            {
                "requestId": "r1",
                "method": "POST",
                "path": "/openapi/v1/call/listen",
                "status": 401,
                "outcome": "auth:replay",
            },
        )
    ]


async def test_the_state_publishes_fault_changes_including_a_used_up_count(
    state: MockState,
) -> None:
    events = state.events.subscribe()
    await state.faults.set(FaultPlan(status=StatusFault(503, remaining=1)))
    decision = await state.faults.decide()
    assert decision.status == 503
    await state.faults.decide()  # nothing left: no change, no event
    assert drain(events) == [
        Event("faults", {"status": {"status": 503, "count": 1}}),
        Event("faults", {}),
    ]


async def test_the_state_publishes_a_reset(state: MockState) -> None:
    events = state.events.subscribe()
    await state.reset()
    assert [event.kind for event in drain(events)] == ["callcenter", "reset"]
