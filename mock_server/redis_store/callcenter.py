"""The call center of one account, kept in Redis and changed atomically.

The state is one JSON document (``CallCenter.export``) under the account's ``center`` key.
Every action is one optimistic transaction: ``WATCH`` the key, read it, apply the action with
the very rules of ``mock_server.callcenter`` (so both backends cannot disagree), and write the
result in ``MULTI``/``EXEC``; when another worker changed the key meanwhile, ``EXEC`` fails and
the action is retried on the new state. So two workers can never both put one supervisor on
two calls, or two supervisors on one call. A refused action writes nothing.

One document per account keeps every action a single read and write, at the price that an
action costs time in proportion to the size of the call center (fine for hundreds of agents).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final, TypeVar

import orjson
import redis.asyncio
from redis.exceptions import WatchError

from mock_server.callcenter import AgentView, CallCenter, CallState, CallView, Role
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.keys import AccountKeys
from mock_server.scenario import Scenario, parse_scenario

__all__ = ["RedisCallCenter"]

T = TypeVar("T")

#: Optimistic retries before giving up (each retry means another worker won a race).
_MAX_ATTEMPTS: Final = 100


class RedisCallCenter:
    """``CallCenter``'s methods, async, on the state shared by every worker of the mock."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        keys: AccountKeys,
        *,
        clock: Callable[[], float] = time.time,
        where: str = "redis",
    ) -> None:
        self._client = client
        self._keys = keys
        self._clock = clock
        self._where = where

    async def ensure(self, scenario: Scenario) -> None:
        """Start from ``scenario`` unless the account already has a state (another worker's)."""
        center = CallCenter(scenario, clock=self._clock)
        await self._run(
            self._client.msetnx(
                {
                    self._keys.scenario: orjson.dumps(scenario.to_data()),
                    self._keys.center: orjson.dumps(center.export()),
                }
            )
        )

    # --- the five operations -------------------------------------------------------------

    async def listen(
        self, supervisor: str, agent: str, *, supervisor_field: str = "listenAgent"
    ) -> CallView:
        return await self._change(
            lambda c: c.listen(supervisor, agent, supervisor_field=supervisor_field)
        )

    async def whisper(
        self, supervisor: str, agent: str, *, supervisor_field: str = "whisperAgent"
    ) -> CallView:
        return await self._change(
            lambda c: c.whisper(supervisor, agent, supervisor_field=supervisor_field)
        )

    async def loot_call(
        self, supervisor: str, agent: str, *, supervisor_field: str = "lootCallAgent"
    ) -> CallView:
        return await self._change(
            lambda c: c.loot_call(supervisor, agent, supervisor_field=supervisor_field)
        )

    async def hangup_channel(
        self, supervisor: str, agent: str, *, supervisor_field: str = "hangupAgent"
    ) -> CallView:
        return await self._change(
            lambda c: c.hangup_channel(supervisor, agent, supervisor_field=supervisor_field)
        )

    async def pickup_channel(
        self, supervisor: str, agent: str, *, supervisor_field: str = "pickupAgent"
    ) -> CallView:
        return await self._change(
            lambda c: c.pickup_channel(supervisor, agent, supervisor_field=supervisor_field)
        )

    # --- admin -----------------------------------------------------------------------------

    async def media_server(self) -> str:
        return str((await self._state())["mediaServer"])

    async def reset(self) -> None:
        await self._change(lambda c: c.reset(), resets=True)

    async def load(self, scenario: Scenario) -> None:
        """Replace the scenario and reset to it, in one transaction."""
        center = CallCenter(scenario, clock=self._clock)  # validates: raises ScenarioError
        pipe = self._client.pipeline(transaction=True)
        pipe.set(self._keys.scenario, orjson.dumps(scenario.to_data()))
        pipe.set(self._keys.center, orjson.dumps(center.export()))
        await self._run(pipe.execute())

    async def agents(self) -> list[AgentView]:
        return (await self._read()).agents()

    async def agent(self, number: str) -> AgentView:
        return (await self._read()).agent(number)

    async def calls(self) -> list[CallView]:
        return (await self._read()).calls()

    async def call(self, call_id: str) -> CallView:
        return (await self._read()).call(call_id)

    async def snapshot(self) -> dict[str, object]:
        return (await self._read()).snapshot()

    async def put_agent(
        self,
        number: str,
        *,
        name: str | None = None,
        role: Role | None = None,
        online: bool | None = None,
    ) -> AgentView:
        return await self._change(
            lambda c: c.put_agent(number, name=name, role=role, online=online)
        )

    async def remove_agent(self, number: str) -> None:
        await self._change(lambda c: c.remove_agent(number))

    async def start_call(
        self, agent: str, *, customer: str, state: CallState = "ringing"
    ) -> CallView:
        return await self._change(lambda c: c.start_call(agent, customer=customer, state=state))

    async def answer_call(self, call_id: str) -> CallView:
        return await self._change(lambda c: c.answer_call(call_id))

    async def end_call(self, call_id: str) -> CallView:
        return await self._change(lambda c: c.end_call(call_id))

    # --- internals -----------------------------------------------------------------------

    async def _run(self, command: Any) -> Any:
        try:
            return await command
        except LOST as exc:
            raise lost(self._where, exc) from None

    async def _state(self) -> dict[str, Any]:
        raw = await self._run(self._client.get(self._keys.center))
        if raw is None:
            raise LookupError(f"state store: account {self._keys.account} has no state")
        state: dict[str, Any] = orjson.loads(raw)
        return state

    async def _read(self) -> CallCenter:
        """The center as it is now (for reads: nothing is written back)."""
        return CallCenter.restore(_NO_SCENARIO, await self._state(), clock=self._clock)

    async def _change(self, action: Callable[[CallCenter], T], *, resets: bool = False) -> T:
        """Apply ``action`` to the shared state in one optimistic transaction (see above);
        only a reset needs (and watches) the scenario."""
        keys = self._keys
        watched = (keys.center, keys.scenario) if resets else (keys.center,)
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                for _ in range(_MAX_ATTEMPTS):
                    try:
                        await pipe.watch(*watched)
                        raw_center, *raw_scenario = await pipe.mget(watched)
                        if raw_center is None:
                            raise LookupError(f"state store: account {keys.account} has no state")
                        scenario = (
                            parse_scenario(orjson.loads(raw_scenario[0] or b"null"))
                            if resets
                            else _NO_SCENARIO
                        )
                        center = CallCenter.restore(
                            scenario, orjson.loads(raw_center), clock=self._clock
                        )
                        result = action(center)  # a refusal raises; the pipe unwatches
                        pipe.multi()  # type: ignore[no-untyped-call]
                        pipe.set(keys.center, orjson.dumps(center.export()))
                        await pipe.execute()
                        return result
                    except WatchError:
                        continue
        except LOST as exc:
            raise lost(self._where, exc) from None
        raise RuntimeError(f"call center of {keys.account}: {_MAX_ATTEMPTS} conflicting writes")


#: Reads never reset, so they restore without a scenario.
_NO_SCENARIO: Final = Scenario(media_server="", agents=())
