"""Everything one running mock holds, in one object built by ``create_app``.

Two apps in one process (two tests) share nothing: each gets its own call center, replay
cache, journal and faults. Layers receive what they need at construction; handlers reach
the state through their request's context.
"""

from __future__ import annotations

from dataclasses import dataclass

from mock_server.callcenter import CallCenter
from mock_server.faults import Faults
from mock_server.ids import SystemIds
from mock_server.journal import Journal
from mock_server.replay import ReplayCache
from mock_server.scenario import load_demo
from mock_server.settings import Settings

__all__ = ["MockState"]


@dataclass(eq=False)
class MockState:
    """The mutable state of one mock server."""

    settings: Settings
    callcenter: CallCenter
    replay: ReplayCache
    journal: Journal
    faults: Faults
    ids: SystemIds

    @classmethod
    def build(cls, settings: Settings) -> MockState:
        scenario = settings.scenario if settings.scenario is not None else load_demo()
        return cls(
            settings=settings,
            callcenter=CallCenter(scenario, clock=settings.clock),
            replay=ReplayCache(
                window=settings.auth_window_seconds,
                capacity=settings.replay_capacity,
                clock=settings.clock,
            ),
            journal=Journal(settings.journal_capacity),
            faults=Faults(settings.rng),
            ids=SystemIds(settings.clock),
        )
