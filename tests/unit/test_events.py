"""The change feed (``mock_server.model.events``): every subscriber sees every change, a
slow one is bounded, subscribers are bounded."""

from __future__ import annotations

import asyncio

import pytest

from mock_server.model.events import Event, InMemoryEventFeed, Subscription, TooManySubscribers


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
