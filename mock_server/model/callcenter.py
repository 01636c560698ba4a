"""The mock server's simulated call center: agents, live calls and the five supervisor actions.

No HTTP here: the handlers translate a request into one method call and a ``CallStateError``
into the error envelope. The model exists so that the mock answers like a real call center
(listening to a ringing call fails, a hung-up call is gone, ...) instead of echoing success.

The call-state rules of the five operations are the vendor document's table
(``x-call-state-rules``, read by ``mock_server.model.rules``): its preconditions are checked in
order and the first that refuses is raised; the operation's effect is applied when none does.
Only the table's vocabulary is written here (``_CONDITIONS``, ``_apply``), never a rule.

The admin methods (used by the mock's admin API, not part of the vendor's API) refuse with
these codes of this project's own:

======  =====  ===============================================================================
status  code   failure
======  =====  ===============================================================================
400     40002  an invalid argument (agent number format, empty name or customer, role, state)
404     40402  no such agent
404     40403  no such call
409     40906  the agent is busy (on a call or monitoring): cannot go offline, be removed,
               lose the supervisor role while monitoring, or start another call
409     40907  the agent is offline: cannot start a call
409     40908  the call is already answered: cannot answer it again
======  =====  ===============================================================================

Every message starts with the field at fault, e.g. ``agentNumber: agent 9530 has no live call``.
An agent's status is derived from the calls, never stored, so it cannot disagree with them.
Every public method holds one lock, so the HTTP layer may call from a thread pool; the views
returned are immutable snapshots.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Final, cast

from mock_server.model.rules import OPERATION_OF, Action, Effect, RuleTable, call_state_rules
from mock_server.model.scenario import (
    AGENT_NUMBER_PATTERN,
    CALL_STATES,
    ROLES,
    AgentSpec,
    AgentStatus,
    CallSpec,
    CallState,
    MonitorMode,
    Role,
    Scenario,
    parse_scenario,
)

__all__ = [
    "AGENT_ROW",
    "CALL_ROW",
    "AgentStatus",
    "AgentView",
    "CallCenter",
    "CallState",
    "CallStateError",
    "CallView",
    "MonitorMode",
    "Role",
]

_CALL_ID: Final = re.compile(r"call-(\d+)")

#: A call as it is stored (``export``, ``restore``, the Redis hash, the Redis script): a
#: list of these fields in this order, times in whole milliseconds. The one layout of a call.
CALL_ROW: Final = (
    "id",
    "customer",
    "agent",
    "state",
    "supervisor",
    "mode",
    "startedMs",
    "answeredMs",
)
#: An agent as it is stored: a list of these fields in this order.
AGENT_ROW: Final = ("number", "name", "role", "online")


class CallStateError(Exception):
    """A precondition of an operation failed. Carries what the HTTP layer needs for the error
    envelope: the HTTP ``status``, the envelope ``code``, the body ``field`` at fault and the
    ``message`` (which starts with the field name; ``str(exc) == message``)."""

    def __init__(self, status: int, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"CallStateError({self.status}, {self.code!r}, {self.field!r}, {self.message!r})"


@dataclass(frozen=True, slots=True)
class AgentView:
    """An agent as seen at one instant; ``call_id`` is the call they are on or monitoring."""

    number: str
    name: str
    role: Role
    status: AgentStatus
    call_id: str | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, with the API's camelCase keys."""
        return {
            "number": self.number,
            "name": self.name,
            "role": self.role,
            "status": self.status,
            "callId": self.call_id,
        }


@dataclass(frozen=True, slots=True)
class CallView:
    """A call as seen at one instant; times are Unix seconds from the center's clock."""

    id: str
    customer: str
    agent: str
    state: CallState
    supervisor: str | None
    mode: MonitorMode | None
    started_at: float
    answered_at: float | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, with the API's camelCase keys."""
        return {
            "id": self.id,
            "customer": self.customer,
            "agent": self.agent,
            "state": self.state,
            "supervisor": self.supervisor,
            "mode": self.mode,
            "startedAt": self.started_at,
            "answeredAt": self.answered_at,
        }

    def to_row(self) -> list[object]:
        """The stored form (``CALL_ROW``)."""
        return [
            self.id,
            self.customer,
            self.agent,
            self.state,
            self.supervisor,
            self.mode,
            _ms(self.started_at),
            None if self.answered_at is None else _ms(self.answered_at),
        ]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> CallView:
        """A call from its stored form (``CALL_ROW``); trusted, so not validated."""
        call_id, customer, agent, state, supervisor, mode, started_ms, answered_ms = row
        return cls(
            id=call_id,
            customer=customer,
            agent=agent,
            state=state,
            supervisor=supervisor,
            mode=mode,
            started_at=started_ms / 1000,
            answered_at=None if answered_ms is None else answered_ms / 1000,
        )


@dataclass
class _Agent:
    """Mutable record behind the lock; never handed out (views are)."""

    number: str
    name: str
    role: Role
    online: bool


@dataclass
class _Call:
    """Mutable record behind the lock; never handed out (views are)."""

    id: str
    customer: str
    agent: str
    state: CallState
    supervisor: str | None
    mode: MonitorMode | None
    started_at: float
    answered_at: float | None


class CallCenter:
    """The simulated call center, built from a ``Scenario`` it can always be reset to."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        clock: Callable[[], float] = time.time,
        rules: RuleTable | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._rules = rules or call_state_rules()
        self._scenario = _checked(scenario)
        self._agents: dict[str, _Agent] = {}
        self._calls: dict[str, _Call] = {}
        self._next_call = 1
        self._reset()

    @property
    def media_server(self) -> str:
        """The media server (host:port) put in every success response."""
        with self._lock:
            return self._scenario.media_server

    # --- the five operations -------------------------------------------------------------

    def act(
        self, action: Action, supervisor: str, agent: str, *, supervisor_field: str
    ) -> CallView:
        """One of the five actions, by the rule table: the first
        precondition that refuses raises ``CallStateError``; else its effect is applied.
        Returns the call after the action (as it was, for a call that ended)."""
        operation = OPERATION_OF[action]
        with self._lock:
            facts = _Facts(self, supervisor, agent)
            for rule in self._rules.of(operation):
                if _CONDITIONS[rule.refuses](facts):
                    raise CallStateError(
                        rule.status,
                        rule.code,
                        rule.field_name(supervisor_field),
                        rule.text(facts.values(supervisor_field)),
                    )
            call = facts.call
            if call is None:  # a table that lets an operation through without a call
                raise LookupError(
                    f"{operation}: the rule table let a request without a call through"
                )
            return self._apply(self._rules.effects[operation], call, supervisor)

    def listen(
        self, supervisor: str, agent: str, *, supervisor_field: str = "listenAgent"
    ) -> CallView:
        """监听: the supervisor silently listens to the agent's answered call."""
        return self.act("listen", supervisor, agent, supervisor_field=supervisor_field)

    def whisper(
        self, supervisor: str, agent: str, *, supervisor_field: str = "whisperAgent"
    ) -> CallView:
        """耳语: the supervisor speaks to the agent only, on the agent's answered call."""
        return self.act("whisper", supervisor, agent, supervisor_field=supervisor_field)

    def loot_call(
        self, supervisor: str, agent: str, *, supervisor_field: str = "lootCallAgent"
    ) -> CallView:
        """强插: the supervisor barges into the agent's answered call (a three-way call)."""
        return self.act("loot_call", supervisor, agent, supervisor_field=supervisor_field)

    def hangup_channel(
        self, supervisor: str, agent: str, *, supervisor_field: str = "hangupAgent"
    ) -> CallView:
        """强拆: end the agent's call, ringing or answered; returns the call as it was."""
        return self.act("hangup_channel", supervisor, agent, supervisor_field=supervisor_field)

    def pickup_channel(
        self, supervisor: str, agent: str, *, supervisor_field: str = "pickupAgent"
    ) -> CallView:
        """抢接: the supervisor takes the agent's call over; returns the call after the move."""
        return self.act("pickup_channel", supervisor, agent, supervisor_field=supervisor_field)

    # --- admin -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Return to the scenario the center was built with (or last loaded)."""
        with self._lock:
            self._reset()

    def load(self, scenario: Scenario) -> None:
        """Replace the scenario and reset to it; an inconsistent one raises ``ScenarioError``
        (a ``ValueError``) and the current state is kept."""
        checked = _checked(scenario)
        with self._lock:
            self._scenario = checked
            self._reset()

    def agents(self) -> list[AgentView]:
        """All agents, in scenario order then creation order."""
        with self._lock:
            views = self._views_of_all()
            return [views(a) for a in self._agents.values()]

    def agent(self, number: str) -> AgentView:
        """One agent; 404/40402 if unknown."""
        with self._lock:
            return self._agent_view(self._require_agent(number, "number"))

    def calls(self) -> list[CallView]:
        """All live calls, in scenario order then creation order."""
        with self._lock:
            return [self._call_view(c) for c in self._calls.values()]

    def call(self, call_id: str) -> CallView:
        """One live call; 404/40403 if unknown (or ended)."""
        with self._lock:
            return self._call_view(self._require_call(call_id))

    def snapshot(self) -> dict[str, object]:
        """The whole state, JSON-ready with camelCase keys, taken under one lock."""
        with self._lock:
            views = self._views_of_all()
            return {
                "agents": [views(a).to_dict() for a in self._agents.values()],
                "calls": [self._call_view(c).to_dict() for c in self._calls.values()],
                "mediaServer": self._scenario.media_server,
            }

    def current_scenario(self) -> Scenario:
        """The state now as a scenario: loading it gives the same agents and calls (the
        calls' times start again), a snapshot that is the file format."""
        with self._lock:
            return Scenario(
                media_server=self._scenario.media_server,
                agents=tuple(
                    AgentSpec(number=a.number, name=a.name, role=a.role, online=a.online)
                    for a in self._agents.values()
                ),
                calls=tuple(
                    CallSpec(
                        id=c.id,
                        customer=c.customer,
                        agent=c.agent,
                        state=c.state,
                        supervisor=c.supervisor,
                        mode=c.mode,
                    )
                    for c in self._calls.values()
                ),
            )

    def put_agent(
        self,
        number: str,
        *,
        name: str | None = None,
        role: Role | None = None,
        online: bool | None = None,
    ) -> AgentView:
        """Create an agent (defaults: name = number, role agent, online) or change one.

        Changes that would break the call center are refused with 40906: going offline while
        on a call or monitoring, and losing the supervisor role while monitoring.
        """
        with self._lock:
            if not isinstance(number, str) or not AGENT_NUMBER_PATTERN.fullmatch(number):
                raise _invalid(
                    "number", f"{number!r} is not an agent number (1 to 32 of 0-9 A-Z a-z _ . @ -)"
                )
            if name is not None and (not isinstance(name, str) or not name.strip()):
                raise _invalid("name", "must be a non-empty string")
            if role is not None and role not in ROLES:
                raise _invalid("role", f"must be 'supervisor' or 'agent', got {role!r}")
            if online is not None and not isinstance(online, bool):
                raise _invalid("online", f"must be true or false, got {online!r}")

            existing = self._agents.get(number)
            if existing is None:
                created = _Agent(
                    number=number,
                    name=name if name is not None else number,
                    role=role if role is not None else "agent",
                    online=online if online is not None else True,
                )
                self._agents[number] = created
                return self._agent_view(created)

            if online is False:
                self._refuse_if_busy(existing, "online", "go offline")
            if role == "agent" and (monitored := self._monitored_by(number)) is not None:
                raise CallStateError(
                    409,
                    "40906",
                    "role",
                    f"role: agent {number} is monitoring call {monitored.id}; "
                    "a monitor must be a supervisor",
                )
            if name is not None:
                existing.name = name
            if role is not None:
                existing.role = role
            if online is not None:
                existing.online = online
            return self._agent_view(existing)

    def remove_agent(self, number: str) -> None:
        """Delete an agent; refused (40906) while they are on a call or monitoring."""
        with self._lock:
            agent = self._require_agent(number, "number")
            self._refuse_if_busy(agent, "number", "be removed")
            del self._agents[number]

    def start_call(self, agent: str, *, customer: str, state: CallState = "ringing") -> CallView:
        """A customer's call reaches ``agent`` (online and idle); returns it with a new id."""
        with self._lock:
            if not isinstance(customer, str) or not customer.strip():
                raise _invalid("customer", "must be a non-empty string")
            if state not in CALL_STATES:
                raise _invalid("state", f"must be 'ringing' or 'talking', got {state!r}")
            target = self._require_agent(agent, "agent")
            if not target.online:
                raise CallStateError(
                    409, "40907", "agent", f"agent: agent {agent} is offline and cannot take a call"
                )
            self._refuse_if_busy(target, "agent", "take another call")
            now = self._clock()
            call = _Call(
                id=self._new_call_id(),
                customer=customer,
                agent=agent,
                state=state,
                supervisor=None,
                mode=None,
                started_at=now,
                answered_at=now if state == "talking" else None,
            )
            self._calls[call.id] = call
            return self._call_view(call)

    def answer_call(self, call_id: str) -> CallView:
        """The agent answers a ringing call: ringing -> talking; 40908 if already talking."""
        with self._lock:
            call = self._require_call(call_id)
            if call.state != "ringing":
                raise CallStateError(
                    409, "40908", "callId", f"callId: call {call_id} is already answered"
                )
            call.state = "talking"
            call.answered_at = self._clock()
            return self._call_view(call)

    def end_call(self, call_id: str) -> CallView:
        """The customer hangs up: the call is gone, its agent and monitor become idle.

        Returns the call as it was.
        """
        with self._lock:
            call = self._require_call(call_id)
            view = self._call_view(call)
            del self._calls[call_id]
            return view

    # --- a state kept elsewhere (the Redis backend) ---------------------------------------

    def export(self) -> dict[str, Any]:
        """The live state as JSON-ready data (``restore`` rebuilds it): what a shared store
        keeps between actions. Times are whole milliseconds, which JSON keeps exactly."""
        with self._lock:
            return {
                "mediaServer": self._scenario.media_server,
                "nextCall": self._next_call,
                "agents": [[getattr(a, name) for name in AGENT_ROW] for a in self._agents.values()],
                "calls": [self._call_view(c).to_row() for c in self._calls.values()],
            }

    @classmethod
    def restore(
        cls, scenario: Scenario, data: Mapping[str, Any], *, clock: Callable[[], float] = time.time
    ) -> CallCenter:
        """A center in the state ``export`` gave, resetting to ``scenario``; the data is trusted
        (it was exported by a center), so it is not validated again."""
        center = cls.__new__(cls)
        center._lock = threading.Lock()
        center._clock = clock
        center._rules = call_state_rules()
        center._scenario = replace(scenario, media_server=data["mediaServer"])
        center._next_call = int(data["nextCall"])
        center._agents = {
            row[0]: _Agent(**dict(zip(AGENT_ROW, row, strict=True))) for row in data["agents"] or ()
        }
        views = (CallView.from_row(row) for row in data["calls"] or ())
        center._calls = {view.id: _Call(**_fields_of(view)) for view in views}
        return center

    # --- internals (the lock is held) ------------------------------------------------------

    def _reset(self) -> None:
        """Rebuild the state from the scenario; scenario calls start now (talking: answered)."""
        now = self._clock()
        self._agents = {
            a.number: _Agent(number=a.number, name=a.name, role=a.role, online=a.online)
            for a in self._scenario.agents
        }
        self._calls = {
            c.id: _Call(
                id=c.id,
                customer=c.customer,
                agent=c.agent,
                state=c.state,
                supervisor=c.supervisor,
                mode=c.mode,
                started_at=now,
                answered_at=now if c.state == "talking" else None,
            )
            for c in self._scenario.calls
        }
        numbers = [int(m.group(1)) for c in self._calls if (m := _CALL_ID.fullmatch(c))]
        self._next_call = max(numbers, default=0) + 1

    def _new_call_id(self) -> str:
        """``call-0007``: one past the highest seen since the reset, never an id in use."""
        while True:
            call_id = f"call-{self._next_call:04d}"
            self._next_call += 1
            if call_id not in self._calls:
                return call_id

    def _call_of(self, number: str) -> _Call | None:
        """The call ``number`` is the agent of (at most one, an invariant)."""
        return next((c for c in self._calls.values() if c.agent == number), None)

    def _monitored_by(self, number: str) -> _Call | None:
        """The call ``number`` monitors (at most one, an invariant)."""
        return next((c for c in self._calls.values() if c.supervisor == number), None)

    def _views_of_all(self) -> Callable[[_Agent], AgentView]:
        """``_agent_view`` for many agents: the calls indexed once, by agent and by monitor,
        so that viewing every agent costs the agents plus the calls, not their product (a
        snapshot of 10,000 agents and 5,000 calls took a second)."""
        own = {c.agent: c for c in self._calls.values()}
        monitored = {c.supervisor: c for c in self._calls.values() if c.supervisor is not None}
        return lambda agent: self._agent_view(
            agent, (own.get(agent.number), monitored.get(agent.number))
        )

    def _agent_view(
        self, agent: _Agent, calls: tuple[_Call | None, _Call | None] | None = None
    ) -> AgentView:
        """The agent now; ``calls``: the call they are on and the one they monitor, when
        already found (``_views_of_all``)."""
        if calls is None:
            calls = self._call_of(agent.number), self._monitored_by(agent.number)
        own, monitored = calls
        status: AgentStatus
        call_id: str | None = None
        if not agent.online:
            status = "offline"
        elif own is not None:
            status, call_id = own.state, own.id
        elif monitored is not None:
            status, call_id = "monitoring", monitored.id
        else:
            status = "idle"
        return AgentView(
            number=agent.number, name=agent.name, role=agent.role, status=status, call_id=call_id
        )

    @staticmethod
    def _call_view(call: _Call) -> CallView:
        return CallView(**_fields_of(call))

    def _require_agent(self, number: str, field: str) -> _Agent:
        agent = self._agents.get(number)
        if agent is None:
            raise CallStateError(404, "40402", field, f"{field}: no agent {number}")
        return agent

    def _require_call(self, call_id: str) -> _Call:
        call = self._calls.get(call_id)
        if call is None:
            raise CallStateError(404, "40403", "callId", f"callId: no call {call_id}")
        return call

    def _refuse_if_busy(self, agent: _Agent, field: str, action: str) -> None:
        """40906 when the agent is on a call or monitoring one (admin changes only)."""
        if (own := self._call_of(agent.number)) is not None:
            doing = f"on call {own.id}"
        elif (monitored := self._monitored_by(agent.number)) is not None:
            doing = f"monitoring call {monitored.id}"
        else:
            return
        raise CallStateError(
            409, "40906", field, f"{field}: agent {agent.number} is {doing} and cannot {action}"
        )

    def _apply(self, effect: Effect, call: _Call, supervisor: str) -> CallView:
        """The table's effect verbs (``mock_server.model.rules.EFFECTS``)."""
        if effect.effect == "monitor":
            call.supervisor = supervisor
            call.mode = cast(MonitorMode, effect.mode)
            return self._call_view(call)
        if effect.effect == "end-call":
            view = self._call_view(call)
            del self._calls[call.id]  # the agent and the monitor are free: derived
            return view
        # take-over: a ringing call is answered by the supervisor; the old agent and any
        # monitoring supervisor become idle, the supervisor becomes talking.
        call.agent = supervisor
        if call.state == "ringing":
            call.state = "talking"
            call.answered_at = self._clock()
        call.supervisor = None
        call.mode = None
        return self._call_view(call)


class _Facts:
    """What the conditions of one request look at, found once (the lock is held)."""

    __slots__ = ("agent", "agent_known", "call", "monitored", "own", "sup", "supervisor")

    def __init__(self, center: CallCenter, supervisor: str, agent: str) -> None:
        self.supervisor = supervisor
        self.agent = agent
        self.sup = center._agents.get(supervisor)
        self.agent_known = agent in center._agents
        self.call = center._call_of(agent)
        self.own = center._call_of(supervisor)
        self.monitored = center._monitored_by(supervisor)

    def values(self, field: str) -> dict[str, object]:
        """The placeholders of the table's messages."""
        return {
            "field": field,
            "supervisor": self.supervisor,
            "agent": self.agent,
            "call": self.call.id if self.call else None,
            "own": self.own.id if self.own else None,
            "monitored": self.monitored.id if self.monitored else None,
            "monitor": self.call.supervisor if self.call else None,
        }


#: How this backend tells the table's conditions (``mock_server.model.rules.CONDITIONS``).
_CONDITIONS: Final[Mapping[str, Callable[[_Facts], bool]]] = {
    "same-agent": lambda f: f.supervisor == f.agent,
    "unknown-supervisor": lambda f: f.sup is None,
    "unknown-agent": lambda f: not f.agent_known,
    "not-a-supervisor": lambda f: f.sup is not None and f.sup.role != "supervisor",
    "supervisor-offline": lambda f: f.sup is not None and not f.sup.online,
    "supervisor-on-a-call": lambda f: f.own is not None,
    "supervisor-monitors-another-call": lambda f: (
        f.monitored is not None and f.monitored is not f.call
    ),
    "no-live-call": lambda f: f.call is None,
    "call-ringing": lambda f: f.call is not None and f.call.state == "ringing",
    "monitored-by-another": lambda f: (
        f.call is not None and f.call.supervisor not in (None, f.supervisor)
    ),
}


def _checked(scenario: Scenario) -> Scenario:
    """The scenario, after the file validation: a ``Scenario`` built in Python skips
    ``parse_scenario``, and an impossible start state would break every rule above."""
    parse_scenario(scenario.to_data())
    return scenario


def _fields_of(call: _Call | CallView) -> dict[str, Any]:
    """A call's fields by name (``_Call`` and ``CallView`` have the same)."""
    return {name: getattr(call, name) for name in _CALL_FIELDS}


_CALL_FIELDS: Final = tuple(f.name for f in fields(CallView))


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _invalid(field: str, problem: str) -> CallStateError:
    """400/40002: an admin argument is malformed."""
    return CallStateError(400, "40002", field, f"{field}: {problem}")
