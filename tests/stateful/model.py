"""A reference call center, small enough to trust by reading, written from the document alone.

The rules are those of ``openapi/call-monitor.yaml`` (each operation's description and the
``ErrorEnvelope.code`` description) and of ``openapi/mock-admin.yaml`` for the admin actions.
It shares no code with the mock (``mock_server.model.callcenter`` is never imported), so the two
can only agree by both following the documents.

Preconditions of the five operations, checked in this order (the first failure wins):

=====  ======  =========================================================================
code   status  failure
=====  ======  =========================================================================
40001  400     the supervisor and the agent are the same agent number
40401  404     no such supervisor
40402  404     no such agent
40301  403     the acting agent is not a supervisor
40901  409     the supervisor is offline
40902  409     the supervisor is on a call of their own, or monitors another call
40903  409     the agent has no live call
40904  409     listen / whisper / lootCall only: the call is still ringing
40905  409     listen / whisper / lootCall only: another supervisor monitors the call
=====  ======  =========================================================================
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

Operation = Literal["listen", "whisper", "lootCall", "hangupChannel", "pickupChannel"]
MONITOR_MODES: dict[str, str] = {"listen": "listen", "whisper": "whisper", "lootCall": "barge"}


@dataclass(frozen=True)
class Refused:
    """A precondition failed: the HTTP status and the envelope's code."""

    status: int
    code: str


@dataclass
class Agent:
    role: str
    online: bool


@dataclass
class Call:
    agent: str
    state: str  # "ringing" | "talking"
    supervisor: str | None = None
    mode: str | None = None


@dataclass
class CallCenter:
    """Agents and live calls; an agent's status is derived, never stored."""

    agents: dict[str, Agent] = field(default_factory=dict)
    calls: dict[str, Call] = field(default_factory=dict)

    @classmethod
    def from_scenario(cls, data: dict[str, Any]) -> CallCenter:
        """From a scenario file's data (``mock_server/model/demo-scenario.yaml``, read as YAML)."""
        center = cls()
        for agent in data["agents"]:
            center.agents[agent["number"]] = Agent(agent["role"], agent.get("online", True))
        for call in data.get("calls") or []:
            center.calls[call["id"]] = Call(
                call["agent"], call["state"], call.get("supervisor"), call.get("mode")
            )
        return center

    def copy(self) -> CallCenter:
        return copy.deepcopy(self)

    # --- derived ---------------------------------------------------------------------------

    def call_of(self, number: str) -> str | None:
        """The id of the call ``number`` is the agent of."""
        return next((i for i, c in self.calls.items() if c.agent == number), None)

    def monitored_by(self, number: str) -> str | None:
        """The id of the call ``number`` monitors."""
        return next((i for i, c in self.calls.items() if c.supervisor == number), None)

    def status(self, number: str) -> tuple[str, str | None]:
        """(status, call id): offline, ringing / talking (own call), monitoring, or idle."""
        if not self.agents[number].online:
            return "offline", None
        if (own := self.call_of(number)) is not None:
            return self.calls[own].state, own
        if (watched := self.monitored_by(number)) is not None:
            return "monitoring", watched
        return "idle", None

    def view(self) -> dict[str, object]:
        """What the admin API's state must say, reduced to what the rules decide."""
        return {
            "agents": {n: (a.role, *self.status(n)) for n, a in self.agents.items()},
            "calls": {i: (c.agent, c.state, c.supervisor, c.mode) for i, c in self.calls.items()},
        }

    # --- the five operations ---------------------------------------------------------------

    def act(self, operation: Operation, supervisor: str, agent: str) -> Refused | None:
        """Apply one operation; ``None`` on success, else why it was refused (no change)."""
        monitoring = operation in MONITOR_MODES
        refused = self._check(supervisor, agent, monitoring=monitoring)
        if refused is not None:
            return refused
        call_id = self.call_of(agent)
        assert call_id is not None
        call = self.calls[call_id]
        if monitoring:
            call.supervisor, call.mode = supervisor, MONITOR_MODES[operation]
        elif operation == "hangupChannel":
            del self.calls[call_id]
        else:  # pickupChannel: the supervisor has the call, answered; nobody monitors it
            call.agent, call.state = supervisor, "talking"
            call.supervisor = call.mode = None
        return None

    def _check(self, supervisor: str, agent: str, *, monitoring: bool) -> Refused | None:
        if supervisor == agent:
            return Refused(400, "40001")
        if supervisor not in self.agents:
            return Refused(404, "40401")
        if agent not in self.agents:
            return Refused(404, "40402")
        if self.agents[supervisor].role != "supervisor":
            return Refused(403, "40301")
        if not self.agents[supervisor].online:
            return Refused(409, "40901")
        call_id = self.call_of(agent)
        watched = self.monitored_by(supervisor)
        if self.call_of(supervisor) is not None or (watched is not None and watched != call_id):
            return Refused(409, "40902")
        if call_id is None:
            return Refused(409, "40903")
        call = self.calls[call_id]
        if monitoring and call.state == "ringing":
            return Refused(409, "40904")
        if monitoring and call.supervisor not in (None, supervisor):
            return Refused(409, "40905")
        return None

    # --- admin actions (openapi/mock-admin.yaml) -------------------------------------------

    def busy(self, number: str) -> bool:
        return self.call_of(number) is not None or self.monitored_by(number) is not None

    def start_call(self, call_id: str, agent: str, state: str) -> Refused | None:
        """A customer's call reaches ``agent``, ringing or already answered."""
        if agent not in self.agents:
            return Refused(404, "40402")
        if not self.agents[agent].online:
            return Refused(409, "40907")
        if self.busy(agent):
            return Refused(409, "40906")
        assert call_id not in self.calls, f"the mock reused the live call id {call_id}"
        self.calls[call_id] = Call(agent=agent, state=state)
        return None

    def answer(self, call_id: str) -> Refused | None:
        call = self.calls.get(call_id)
        if call is None:
            return Refused(404, "40403")
        if call.state != "ringing":
            return Refused(409, "40908")
        call.state = "talking"
        return None

    def end(self, call_id: str) -> Refused | None:
        """The customer hangs up: the call is gone, its agent and monitor are free."""
        if call_id not in self.calls:
            return Refused(404, "40403")
        del self.calls[call_id]
        return None

    def put_agent(
        self, number: str, *, role: str | None = None, online: bool | None = None
    ) -> Refused | None:
        """Create an agent (role ``agent`` and online by default) or change one.

        Refused with 40906 when a busy agent would go offline, or a monitoring supervisor
        would lose the supervisor role.
        """
        agent = self.agents.get(number)
        if agent is None:
            self.agents[number] = Agent(
                role=role or "agent", online=True if online is None else online
            )
            return None
        if online is False and self.busy(number):
            return Refused(409, "40906")
        if role == "agent" and self.monitored_by(number) is not None:
            return Refused(409, "40906")
        if role is not None:
            agent.role = role
        if online is not None:
            agent.online = online
        return None
