"""The call center as the request path sees it: an async interface a backend implements.

``CallCenter`` (``callcenter.py``) holds the rules and the in-memory state; the handlers
never call it directly but through a ``CallCenterStore``, whose methods are async so that a
shared backend (Redis, one transaction per action) can implement the same interface. The
in-memory implementation runs the rules in process and publishes a ``callcenter`` event on
every change (a refused action changes nothing and publishes nothing).
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from mock_server.model.callcenter import AgentView, CallCenter, CallView
from mock_server.model.events import EventFeed
from mock_server.model.rules import Action
from mock_server.model.scenario import CallState, Role, Scenario

__all__ = ["CallCenterStore", "InMemoryCallCenter"]


class CallCenterStore(Protocol):
    """What handlers may ask of the call center; every method may raise ``CallStateError``."""

    async def ping(self) -> None:
        """Nothing when the store serves; ``StateStoreUnavailable`` when it cannot (a shared
        store out of reach): what the health check asks."""

    async def media_server(self) -> str:
        """The media server (host:port) put in every success response."""

    async def act(
        self,
        action: Action,
        supervisor: str,
        agent: str,
        *,
        supervisor_field: str,
    ) -> CallView:
        """One of the five supervisor actions (``supervisor_field`` names the supervisor),
        by the rule table; a refusal raises ``CallStateError``. A request of the vendor API
        goes through ``mock_server.model.request_path`` instead, which calls this in order."""

    async def snapshot(self) -> dict[str, object]:
        """The whole state, JSON-ready (the admin API's ``State``)."""

    async def current_scenario(self) -> Scenario:
        """The state now, as a scenario (a snapshot)."""

    async def reset(self) -> None:
        """Back to the scenario."""

    async def load(self, scenario: Scenario) -> None:
        """Replace the scenario and reset to it."""

    async def put_agent(
        self,
        number: str,
        *,
        name: str | None = None,
        role: Role | None = None,
        online: bool | None = None,
    ) -> AgentView:
        """Create or change an agent."""

    async def remove_agent(self, number: str) -> None:
        """Delete an agent."""

    async def start_call(self, agent: str, *, customer: str, state: CallState) -> CallView:
        """A customer's call reaches ``agent``."""

    async def answer_call(self, call_id: str) -> CallView:
        """ringing -> talking."""

    async def end_call(self, call_id: str) -> CallView:
        """The customer hangs up."""


class InMemoryCallCenter:
    """``CallCenterStore`` over one in-process ``CallCenter``, publishing every change."""

    def __init__(self, center: CallCenter, events: EventFeed) -> None:
        self.center = center
        self._events = events

    async def _changed(self, action: str, **details: Any) -> None:
        await self._events.publish("callcenter", {"action": action, **details})

    async def ping(self) -> None:
        return None

    async def media_server(self) -> str:
        return self.center.media_server

    async def act(
        self,
        action: Action,
        supervisor: str,
        agent: str,
        *,
        supervisor_field: str,
    ) -> CallView:
        view = self.center.act(action, supervisor, agent, supervisor_field=supervisor_field)
        await self._changed(action, supervisor=supervisor, agent=agent, callId=view.id)
        return view

    async def snapshot(self) -> dict[str, object]:
        # Off the event loop: a large center's snapshot (10,000 agents: 50 ms) must not
        # stop the vendor requests meanwhile (the center's lock keeps it consistent).
        return await asyncio.to_thread(self.center.snapshot)

    async def current_scenario(self) -> Scenario:
        return self.center.current_scenario()

    async def reset(self) -> None:
        self.center.reset()
        await self._changed("reset")

    async def load(self, scenario: Scenario) -> None:
        self.center.load(scenario)
        await self._changed("load")

    async def put_agent(
        self,
        number: str,
        *,
        name: str | None = None,
        role: Role | None = None,
        online: bool | None = None,
    ) -> AgentView:
        view = self.center.put_agent(number, name=name, role=role, online=online)
        await self._changed("put_agent", number=number)
        return view

    async def remove_agent(self, number: str) -> None:
        self.center.remove_agent(number)
        await self._changed("remove_agent", number=number)

    async def start_call(self, agent: str, *, customer: str, state: CallState) -> CallView:
        view = self.center.start_call(agent, customer=customer, state=state)
        await self._changed("start_call", callId=view.id)
        return view

    async def answer_call(self, call_id: str) -> CallView:
        view = self.center.answer_call(call_id)
        await self._changed("answer_call", callId=call_id)
        return view

    async def end_call(self, call_id: str) -> CallView:
        view = self.center.end_call(call_id)
        await self._changed("end_call", callId=call_id)
        return view
