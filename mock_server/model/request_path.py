"""One vendor request's way through an account's state, in one order on every backend.

``perform(request) -> Result`` is the only place where a vendor request meets the state:

1. the account's fault plan decides (a latency is waited; a drop or a forced status answers);
2. a verified signature's ``m7-timestamp`` is judged against the account's clock (more than
   the window away answers 401: ``Stale``), then the replay memory records its
   ``sign + nonce`` (one seen within the window answers 401);
3. the call-state rules (``mock_server.model.rules``) refuse the action or apply its effect;
4. an accepted action's journal entry, its success answer included, is written with it.

In memory that is a plain function over the account's parts (``InMemoryPath``); on Redis it
is one script, so one round trip (``mock_server.redis_store.callcenter``). What needs no
state (the request's head and body limits, the headers' syntax, the signature's arithmetic,
the body's schema) is decided before, by the HTTP layer, which hands over a request without
an action when it has already chosen its answer: the faults and the replay memory still
come first, as for any request to a vendor operation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final, Protocol

from mock_server.model.callcenter import CallStateError, CallView
from mock_server.model.callcenter_store import CallCenterStore
from mock_server.model.clock import AccountClock, skew_seconds
from mock_server.model.defaults import REPLAY_WINDOW_SECONDS
from mock_server.model.faults import Decision, FaultStore
from mock_server.model.journal import JournalEntry, JournalStore
from mock_server.model.replay import ReplayStore
from mock_server.model.rules import Action

__all__ = [
    "PASSED",
    "REPLAYED",
    "Accepted",
    "ActionRequest",
    "Faulted",
    "InMemoryPath",
    "Passed",
    "Refused",
    "Replayed",
    "RequestPath",
    "Result",
    "Stale",
    "VendorRequest",
]


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """The supervisor action a valid request asks for."""

    action: Action
    supervisor: str
    agent: str
    #: The body field naming the supervisor (``listenAgent``, ...), for the refusals.
    supervisor_field: str


@dataclass(frozen=True, slots=True)
class VendorRequest:
    """What the state needs to know of one request to a vendor operation."""

    #: The operationId (faults may be set per operation).
    operation: str
    #: ``sign + nonce`` of a verified signature, to remember (``None``: not checked).
    replay_key: str | None = None
    #: When it was signed (its ``m7-timestamp``), to tell whether a lost replay memory
    #: could have held it.
    signed_at: int = 0
    #: The action, or ``None`` when the answer is already chosen (a refusal, an example).
    action: ActionRequest | None = None
    #: Makes the success answer naming a media server, and gives its journal entry: called
    #: once the action is accepted in memory, and before the action on a shared store, which
    #: writes the entry only when its center's media server is ``media_server``.
    success: Callable[[str], JournalEntry] | None = None
    #: The media server the call center had when last seen.
    media_server: str = ""


@dataclass(frozen=True, slots=True)
class Faulted:
    """The fault plan drops the request or forces its status (any latency was waited)."""

    decision: Decision


@dataclass(frozen=True, slots=True)
class Replayed:
    """The ``sign + nonce`` was accepted within the window already, or (``lost_at``: when)
    the store lost its replay memory after the request was signed, so it may have been:
    refused, since a store that cannot judge fails closed."""

    lost_at: float | None = None


@dataclass(frozen=True, slots=True)
class Stale:
    """The signature's ``m7-timestamp`` is ``skew`` seconds from the account's clock, more
    than the window allows. The HTTP layer judged it already against the clock as it knew
    it; this is the account's own judgement (on a shared store another worker may have
    moved the clock since)."""

    skew: int


@dataclass(frozen=True, slots=True)
class Passed:
    """No fault and no replay; the request carried no action."""


@dataclass(frozen=True, slots=True)
class Refused:
    """A call-state rule refused the action."""

    error: CallStateError


@dataclass(frozen=True, slots=True)
class Accepted:
    """The action was applied: the call after it (as it was, for a call that ended)."""

    call: CallView
    #: Whether the success's journal entry was written (with the media server it names).
    journaled: bool
    #: The center's media server as the action saw it.
    media_server: str


REPLAYED: Final = Replayed()
PASSED: Final = Passed()

Result = Faulted | Stale | Replayed | Passed | Refused | Accepted


class RequestPath(Protocol):
    """The port every backend implements."""

    async def perform(self, request: VendorRequest) -> Result:
        """Faults, replay, rules, journal, in that order, as one step (see the module)."""


class InMemoryPath:
    """``RequestPath`` over the in-process parts of one account."""

    def __init__(
        self,
        *,
        faults: FaultStore,
        replay: ReplayStore,
        callcenter: CallCenterStore,
        journal: JournalStore,
        sleep: Callable[[float], Awaitable[None]],
        clock: AccountClock,
        window: int = REPLAY_WINDOW_SECONDS,
    ) -> None:
        self._clock = clock
        self._window = window
        self._faults = faults
        self._replay = replay
        self._callcenter = callcenter
        self._journal = journal
        self._sleep = sleep

    async def perform(self, request: VendorRequest) -> Result:
        decision = await self._faults.decide(request.operation)
        if decision.delay:
            await self._sleep(decision.delay)
        if decision.drop or decision.status is not None:
            return Faulted(decision)
        if request.replay_key is not None:
            skew = skew_seconds(self._clock(), request.signed_at)
            if skew > self._window:
                return Stale(skew)
            if await self._replay.check_and_add(request.replay_key):
                return REPLAYED
        wanted = request.action
        if wanted is None:
            return PASSED
        try:
            call = await self._callcenter.act(
                wanted.action,
                wanted.supervisor,
                wanted.agent,
                supervisor_field=wanted.supervisor_field,
            )
        except CallStateError as refused:
            return Refused(refused)
        media_server = await self._callcenter.media_server()
        if request.success is None:
            return Accepted(call, False, media_server)
        await self._journal.record(request.success(media_server))
        return Accepted(call, True, media_server)
