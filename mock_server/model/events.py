"""The change feed: what in the mock's state changed, for watchers such as a browser console.

The state publishes one small event per change: ``callcenter`` (an operation or an admin
change of the call center), ``journal`` (a request was recorded), ``faults`` (the plan was
set, cleared or one of its counts used up) and ``reset``. A watcher subscribes and reads the
events as an async iterator. The feed never makes a publisher wait and never holds more
than ``capacity`` events for one subscriber: when a slow subscriber's queue is full, what it
holds is replaced by one ``resync`` event (payload ``{"dropped": n}``), which tells it to
read the state afresh instead of replaying every step. The number of subscribers is bounded
too (``TooManySubscribers``).

``EventFeed`` is the interface a backend implements (in memory here; a Redis backend would
publish through pub/sub and feed each ``Subscription`` from its reader); payloads are small
JSON-able mappings so that they cross a process boundary unchanged.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final, Literal, Protocol

__all__ = [
    "EVENT_KINDS",
    "Event",
    "EventFeed",
    "EventKind",
    "InMemoryEventFeed",
    "Subscription",
    "TooManySubscribers",
]

EventKind = Literal["callcenter", "journal", "faults", "reset", "resync"]
EVENT_KINDS: Final[tuple[EventKind, ...]] = ("callcenter", "journal", "faults", "reset", "resync")

#: Events one subscriber may have waiting before they are coalesced into a ``resync``.
DEFAULT_QUEUE: Final = 256
#: Subscribers one feed serves at most (each holds a queue and, in a server, a connection).
DEFAULT_SUBSCRIBERS: Final = 32


@dataclass(frozen=True, slots=True)
class Event:
    """One change: its kind and a small JSON-able payload saying what changed."""

    kind: EventKind
    payload: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "payload": dict(self.payload)}


class TooManySubscribers(Exception):
    """The feed already serves its maximum number of subscribers."""


class Subscription:
    """One subscriber's bounded queue, read as an async iterator; closing it unsubscribes.

    Backend-neutral: whatever receives the events (the in-memory feed, a Redis reader)
    hands each one to ``offer``, which never blocks.
    """

    def __init__(
        self,
        capacity: int = DEFAULT_QUEUE,
        *,
        on_close: Callable[[Subscription], None] | None = None,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._queue: deque[Event] = deque()
        self._ready = asyncio.Event()
        self._closed = False
        self._on_close = on_close
        #: Events dropped (coalesced into ``resync``) because this subscriber was slow.
        self.dropped = 0

    def offer(self, event: Event) -> None:
        """Queue ``event``; a full queue is replaced by one ``resync`` event."""
        if self._closed:
            return
        if len(self._queue) >= self._capacity:
            queued = self._queue
            self.dropped += len(queued) + 1 - (queued[0].kind == "resync")
            queued.clear()
            self._queue.append(Event("resync", {"dropped": self.dropped}))
        else:
            self._queue.append(event)
        self._ready.set()

    def __len__(self) -> int:
        return len(self._queue)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        while not self._queue:
            if self._closed:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        return self._queue.popleft()

    async def aclose(self) -> None:
        """Stop: pending events are dropped, a waiting reader ends its iteration."""
        if self._closed:
            return
        self._closed = True
        self._queue.clear()
        self._ready.set()
        if self._on_close is not None:
            self._on_close(self)

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


class EventFeed(Protocol):
    """Publish changes; subscribe to them. What a state backend implements."""

    async def publish(self, kind: EventKind, payload: Mapping[str, Any] | None = None) -> None:
        """Send one event to every subscriber; never waits for a slow one."""

    def subscribe(self) -> Subscription:
        """A new subscription (receiving every event published from now on)."""


class InMemoryEventFeed:
    """The feed of one process: events go straight into the subscribers' queues."""

    def __init__(
        self, *, queue_capacity: int = DEFAULT_QUEUE, max_subscribers: int = DEFAULT_SUBSCRIBERS
    ) -> None:
        self._queue_capacity = queue_capacity
        self._max_subscribers = max_subscribers
        self._subscribers: set[Subscription] = set()

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def publish(self, kind: EventKind, payload: Mapping[str, Any] | None = None) -> None:
        if not self._subscribers:  # the common case: nobody watching costs nothing
            return
        event = Event(kind, payload if payload is not None else {})
        for subscriber in tuple(self._subscribers):
            subscriber.offer(event)

    def subscribe(self) -> Subscription:
        if len(self._subscribers) >= self._max_subscribers:
            raise TooManySubscribers(
                f"the change feed serves at most {self._max_subscribers} subscribers"
            )
        subscription = Subscription(self._queue_capacity, on_close=self._subscribers.discard)
        self._subscribers.add(subscription)
        return subscription
