"""The change feed: every subscriber sees every change, a slow one is bounded, and the
in-memory state publishes each kind of change."""

from __future__ import annotations

import asyncio

import pytest

from mock_server.model.callcenter import CallStateError
from mock_server.model.events import Event, InMemoryEventFeed, Subscription, TooManySubscribers
from mock_server.model.faults import FaultPlan, StatusFault
from mock_server.model.journal import JournalEntry
from mock_server.model.outcome import Outcome
from mock_server.model.scenario import DEMO
from mock_server.model.state import MockState


def drain(subscription: Subscription) -> list[Event]:
    """What the subscription holds now (without waiting)."""
    events: list[Event] = []
    while len(subscription):
        events.append(subscription._queue.popleft())
    return events


async def test_every_subscriber_receives_every_event_in_order() -> None:
    feed = InMemoryEventFeed()
    first, second = feed.subscribe(), feed.subscribe()
    await feed.publish("faults", {"n": 1})
    await feed.publish("reset")
    for subscription in (first, second):
        assert [await anext(subscription), await anext(subscription)] == [
            Event("faults", {"n": 1}),
            Event("reset", {}),
        ]


async def test_a_reader_waits_for_the_next_event() -> None:
    feed = InMemoryEventFeed()
    subscription = feed.subscribe()
    reader = asyncio.create_task(anext(subscription))
    await asyncio.sleep(0)
    assert not reader.done()
    await feed.publish("journal", {"path": "/x"})
    assert await asyncio.wait_for(reader, 1) == Event("journal", {"path": "/x"})


async def test_a_slow_subscriber_gets_one_resync_instead_of_an_unbounded_queue() -> None:
    feed = InMemoryEventFeed(queue_capacity=4)
    slow = feed.subscribe()
    for n in range(10):
        await feed.publish("journal", {"n": n})
        assert len(slow) <= 4
    # 0-3 queued, 4 overflows: [resync(5)]; 5-7 queued, 8 overflows: [resync(9)]; then 9
    assert drain(slow) == [Event("resync", {"dropped": 9}), Event("journal", {"n": 9})]


async def test_closing_a_subscription_unsubscribes_and_ends_its_iteration() -> None:
    feed = InMemoryEventFeed()
    subscription = feed.subscribe()
    reader = asyncio.create_task(anext(subscription, None))
    await asyncio.sleep(0)
    async with subscription:
        pass
    assert await asyncio.wait_for(reader, 1) is None
    assert feed.subscribers == 0
    await feed.publish("reset")
    assert len(subscription) == 0


async def test_the_number_of_subscribers_is_bounded() -> None:
    feed = InMemoryEventFeed(max_subscribers=2)
    first = feed.subscribe()
    feed.subscribe()
    with pytest.raises(TooManySubscribers, match="at most 2"):
        feed.subscribe()
    await first.aclose()
    feed.subscribe()


async def test_events_are_json_able() -> None:
    assert Event("faults", {"status": {"status": 503}}).to_dict() == {
        "kind": "faults",
        "payload": {"status": {"status": 503}},
    }


# --- the in-memory state publishes every change ---------------------------------------


@pytest.fixture
def state() -> MockState:
    return MockState.in_memory(DEMO, clock=lambda: 1_767_600_000.0)


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
