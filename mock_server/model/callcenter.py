"""The mock server's simulated call center: agents, live calls and the five supervisor actions.

No HTTP here: the handlers translate a request into one method call and a ``CallStateError``
into the error envelope. The model exists so that the mock answers like a real call center
(listening to a ringing call fails, a hung-up call is gone, ...) instead of echoing success.

Call-state rules of the five operations, as stated by ``openapi/call-monitor.yaml``; the
preconditions are checked in this order and the first failure is raised:

====  ======  =====  ======================  ====================================================
step  status  code   field                   failure
====  ======  =====  ======================  ====================================================
1     400     40001  the supervisor field    supervisor and agentNumber are the same agent
2     404     40401  the supervisor field    no such supervisor
3     404     40402  agentNumber             no such agent
4     403     40301  the supervisor field    the acting agent is not a supervisor
5     409     40901  the supervisor field    the supervisor is offline
6     409     40902  the supervisor field    the supervisor is on a call of their own, or
                                             monitors a call other than the agent's
7     409     40903  agentNumber             the agent has no live call
8     409     40904  agentNumber             listen/whisper/lootCall: the call is still ringing
9     409     40905  agentNumber             listen/whisper/lootCall: another supervisor
                                             monitors the call
====  ======  =====  ======================  ====================================================

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from mock_server.model.scenario import (
    AGENT_NUMBER_PATTERN,
    CALL_STATES,
    ROLES,
    AgentStatus,
    CallState,
    MonitorMode,
    Role,
    Scenario,
    parse_scenario,
)

__all__ = [
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

    def __init__(self, scenario: Scenario, *, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._clock = clock
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

    def listen(
        self, supervisor: str, agent: str, *, supervisor_field: str = "listenAgent"
    ) -> CallView:
        """监听: the supervisor silently listens to the agent's answered call."""
        return self._monitor(supervisor, agent, supervisor_field, "listen")

    def whisper(
        self, supervisor: str, agent: str, *, supervisor_field: str = "whisperAgent"
    ) -> CallView:
        """耳语: the supervisor speaks to the agent only, on the agent's answered call."""
        return self._monitor(supervisor, agent, supervisor_field, "whisper")

    def loot_call(
        self, supervisor: str, agent: str, *, supervisor_field: str = "lootCallAgent"
    ) -> CallView:
        """强插: the supervisor barges into the agent's answered call (a three-way call)."""
        return self._monitor(supervisor, agent, supervisor_field, "barge")

    def hangup_channel(
        self, supervisor: str, agent: str, *, supervisor_field: str = "hangupAgent"
    ) -> CallView:
        """强拆: end the agent's call, ringing or answered; returns the call as it was.

        The agent and any monitoring supervisor become idle (derived: the call is gone).
        """
        with self._lock:
            call = self._check(supervisor, agent, supervisor_field, monitoring=False)
            view = self._call_view(call)
            del self._calls[call.id]
            return view

    def pickup_channel(
        self, supervisor: str, agent: str, *, supervisor_field: str = "pickupAgent"
    ) -> CallView:
        """抢接: the supervisor takes the agent's call over; returns the call after the move.

        A ringing call is answered by the supervisor; the old agent and any other monitoring
        supervisor become idle, the supervisor becomes talking.
        """
        with self._lock:
            call = self._check(supervisor, agent, supervisor_field, monitoring=False)
            call.agent = supervisor
            if call.state == "ringing":
                call.state = "talking"
                call.answered_at = self._clock()
            call.supervisor = None
            call.mode = None
            return self._call_view(call)

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
            return [self._agent_view(a) for a in self._agents.values()]

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
            return {
                "agents": [self._agent_view(a).to_dict() for a in self._agents.values()],
                "calls": [self._call_view(c).to_dict() for c in self._calls.values()],
                "mediaServer": self._scenario.media_server,
            }

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
                "agents": [[a.number, a.name, a.role, a.online] for a in self._agents.values()],
                "calls": [
                    [
                        c.id,
                        c.customer,
                        c.agent,
                        c.state,
                        c.supervisor,
                        c.mode,
                        _ms(c.started_at),
                        None if c.answered_at is None else _ms(c.answered_at),
                    ]
                    for c in self._calls.values()
                ],
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
        center._scenario = replace(scenario, media_server=data["mediaServer"])
        center._next_call = int(data["nextCall"])
        center._agents = {
            number: _Agent(number=number, name=name, role=role, online=online)
            for number, name, role, online in data["agents"] or ()
        }
        center._calls = {
            row[0]: _Call(
                id=row[0],
                customer=row[1],
                agent=row[2],
                state=row[3],
                supervisor=row[4],
                mode=row[5],
                started_at=row[6] / 1000,
                answered_at=None if row[7] is None else row[7] / 1000,
            )
            for row in data["calls"] or ()
        }
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

    def _agent_view(self, agent: _Agent) -> AgentView:
        status: AgentStatus
        call_id: str | None = None
        if not agent.online:
            status = "offline"
        elif (own := self._call_of(agent.number)) is not None:
            status, call_id = own.state, own.id
        elif (monitored := self._monitored_by(agent.number)) is not None:
            status, call_id = "monitoring", monitored.id
        else:
            status = "idle"
        return AgentView(
            number=agent.number, name=agent.name, role=agent.role, status=status, call_id=call_id
        )

    @staticmethod
    def _call_view(call: _Call) -> CallView:
        return CallView(
            id=call.id,
            customer=call.customer,
            agent=call.agent,
            state=call.state,
            supervisor=call.supervisor,
            mode=call.mode,
            started_at=call.started_at,
            answered_at=call.answered_at,
        )

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

    def _check(self, supervisor: str, agent: str, field: str, *, monitoring: bool) -> _Call:
        """Rules 1-9 of the module docstring, in order; returns the agent's call.

        ``monitoring`` is true for listen/whisper/lootCall, which also need an answered call
        that no other supervisor monitors (rules 8 and 9).
        """
        if supervisor == agent:
            raise CallStateError(
                400,
                "40001",
                field,
                f"{field}: supervisor and agentNumber are the same agent {supervisor}",
            )
        sup = self._agents.get(supervisor)
        if sup is None:
            raise CallStateError(404, "40401", field, f"{field}: no agent {supervisor}")
        if agent not in self._agents:
            raise CallStateError(404, "40402", "agentNumber", f"agentNumber: no agent {agent}")
        if sup.role != "supervisor":
            raise CallStateError(
                403, "40301", field, f"{field}: agent {supervisor} is not a supervisor"
            )
        if not sup.online:
            raise CallStateError(
                409, "40901", field, f"{field}: supervisor {supervisor} is offline"
            )
        call = self._call_of(agent)
        if (own := self._call_of(supervisor)) is not None:
            raise CallStateError(
                409, "40902", field, f"{field}: supervisor {supervisor} is busy on call {own.id}"
            )
        monitored = self._monitored_by(supervisor)
        if monitored is not None and monitored is not call:
            raise CallStateError(
                409,
                "40902",
                field,
                f"{field}: supervisor {supervisor} is busy monitoring call {monitored.id}",
            )
        if call is None:
            raise CallStateError(
                409, "40903", "agentNumber", f"agentNumber: agent {agent} has no live call"
            )
        if monitoring and call.state == "ringing":
            raise CallStateError(
                409,
                "40904",
                "agentNumber",
                f"agentNumber: call {call.id} of agent {agent} is still ringing",
            )
        if monitoring and call.supervisor is not None and call.supervisor != supervisor:
            raise CallStateError(
                409,
                "40905",
                "agentNumber",
                f"agentNumber: call {call.id} of agent {agent} is monitored by "
                f"supervisor {call.supervisor}",
            )
        return call

    def _monitor(self, supervisor: str, agent: str, field: str, mode: MonitorMode) -> CallView:
        """listen / whisper / lootCall: attach (or switch the mode of) the supervisor."""
        with self._lock:
            call = self._check(supervisor, agent, field, monitoring=True)
            call.supervisor = supervisor
            call.mode = mode
            return self._call_view(call)


def _checked(scenario: Scenario) -> Scenario:
    """The scenario, after the file validation: a ``Scenario`` built in Python skips
    ``parse_scenario``, and an impossible start state would break every rule above."""
    parse_scenario(scenario.to_data())
    return scenario


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _invalid(field: str, problem: str) -> CallStateError:
    """400/40002: an admin argument is malformed."""
    return CallStateError(400, "40002", field, f"{field}: {problem}")
