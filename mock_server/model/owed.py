"""Checks a shared backend may fold into the action's own round trip.

In memory the faults layer decides a request's faults and authentication checks its replay
key as the request passes. A shared store (Redis) can do both, the supervisor action and the
journal entry in one Lua script: one round trip per request instead of four. So when the
stores say they can (``defers``), those layers leave the work ``Owed`` on the request, and
whoever answers settles it: the call center's ``act`` for a vendor operation, else the
faults layer before any other answer goes out. The outcomes are those of the memory order:
a fault first, then a replay, then the action. The handler adds the journal entry of its
success response (``journal``), which the action writes only if it is accepted with that
response's media server; otherwise the entry is written after the answer, as in memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from mock_server.model.faults import Decision, FaultStore
from mock_server.model.journal import JournalEntry
from mock_server.model.replay import ReplayStore

__all__ = ["FaultFired", "Owed", "Replayed", "defers"]


@dataclass(slots=True, eq=False)
class Owed:
    """What is still to be checked for one request."""

    #: The account's faults, not decided yet (``None``: decided, or not a faulted path).
    faults: FaultStore | None = None
    #: The vendor operation (operationId) the faults are decided for.
    operation: str | None = None
    #: How a latency fault is waited (the faults layer's sleep).
    sleep: Callable[[float], Awaitable[None]] | None = None
    #: The account's replay store and the request's ``sign + nonce``, not checked yet.
    replay: ReplayStore | None = None
    replay_key: str = ""
    #: The 401 message of a replay (authentication words it).
    replay_message: str = ""
    #: The journal entry of the success response, and the media server it names.
    journal: JournalEntry | None = None
    media_server: str = ""
    #: Whether the action wrote ``journal`` (accepted, and the media server was the same).
    journaled: bool = False

    @property
    def anything(self) -> bool:
        return self.faults is not None or self.replay is not None

    async def settle(self) -> Decision | None:
        """Settle what is owed, apart (the slow way, for answers other than an action):
        the fault decision when one fired (latency already waited), else ``None``; a replay
        raises ``Replayed``."""
        faults, self.faults = self.faults, None
        if faults is not None:
            decision = await faults.decide(self.operation)
            if decision.delay and self.sleep is not None:
                await self.sleep(decision.delay)
            if decision.drop or decision.status is not None:
                self.replay = None  # answered before authentication, as in memory
                return decision
        replay, self.replay = self.replay, None
        if replay is not None and await replay.check_and_add(self.replay_key):
            raise Replayed
        return None


class FaultFired(Exception):
    """The fault plan drops this request or forces its status (``decision``)."""

    def __init__(self, decision: Decision) -> None:
        super().__init__("fault")
        self.decision = decision


class Replayed(Exception):
    """The request's ``sign + nonce`` was already accepted within the window."""


def defers(store: object) -> bool:
    """Whether ``store`` settles its checks inside the action (a shared backend)."""
    return bool(getattr(store, "defers", False))
