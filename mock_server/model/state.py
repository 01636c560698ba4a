"""Everything one running mock holds, in one object built by ``create_app``.

Two apps in one process (two tests) share nothing: each gets its own call center, replay
cache, journal, faults and change feed. Each part is an interface (``CallCenterStore``,
``ReplayStore``, ``JournalStore``, ``FaultStore``, ``EventFeed``) with an in-memory
implementation built by ``MockState.in_memory``; a shared backend builds the same object
from its own implementations. HTTP layers receive only the parts they need; handlers get
the whole state as an argument.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from mock_server.model.callcenter import CallCenter
from mock_server.model.callcenter_store import CallCenterStore, InMemoryCallCenter
from mock_server.model.clock import AccountClock, VirtualClock
from mock_server.model.defaults import (
    JOURNAL_CAPACITY,
    JOURNAL_MAX_BYTES,
    JOURNAL_VALUE_CHARS,
    REPLAY_MAX_BYTES,
    REPLAY_WINDOW_SECONDS,
)
from mock_server.model.events import EventFeed, InMemoryEventFeed
from mock_server.model.faults import Faults, FaultStore
from mock_server.model.ids import SystemIds
from mock_server.model.journal import Journal, JournalStore
from mock_server.model.replay import ReplayCache, ReplayStore
from mock_server.model.request_path import InMemoryPath, RequestPath
from mock_server.model.scenario import Scenario

__all__ = ["MockState"]


@dataclass(eq=False)
class MockState:
    """The mutable state of one mock server."""

    callcenter: CallCenterStore
    replay: ReplayStore
    journal: JournalStore
    faults: FaultStore
    events: EventFeed
    ids: SystemIds
    #: The account's clock (``mock_server.model.clock``): the real time (the server's,
    #: which a test pins through the settings) unless frozen or advanced.
    clock: AccountClock
    #: Where a vendor request meets this state (``mock_server.model.request_path``).
    path: RequestPath

    async def reset(self) -> None:
        """Back to the scenario, and the replay cache forgotten (recordings can be resent)."""
        await self.callcenter.reset()
        await self.replay.clear()
        await self.events.publish("reset", {})

    @classmethod
    def in_memory(
        cls,
        scenario: Scenario,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        replay_window: float = REPLAY_WINDOW_SECONDS,
        replay_max_bytes: int = REPLAY_MAX_BYTES,
        journal_capacity: int = JOURNAL_CAPACITY,
        journal_max_bytes: int = JOURNAL_MAX_BYTES,
        journal_value_chars: int = JOURNAL_VALUE_CHARS,
    ) -> MockState:
        """The state of one process, every part in memory; ``clock`` is the real time the
        account's own clock starts from."""
        account_clock = VirtualClock(clock)
        clock = account_clock
        events = InMemoryEventFeed()
        callcenter = InMemoryCallCenter(CallCenter(scenario, clock=clock), events)
        replay = ReplayCache(window=replay_window, max_bytes=replay_max_bytes, clock=clock)
        journal = Journal(
            journal_capacity, events, max_bytes=journal_max_bytes, value_chars=journal_value_chars
        )
        faults = Faults(rng or random.Random(), events)  # noqa: S311 - faults, not secrets
        return cls(
            callcenter=callcenter,
            replay=replay,
            journal=journal,
            faults=faults,
            events=events,
            ids=SystemIds(clock),
            clock=account_clock,
            path=InMemoryPath(
                faults=faults,
                replay=replay,
                callcenter=callcenter,
                journal=journal,
                sleep=sleep,
                clock=account_clock,
                window=int(replay_window),
            ),
        )
