"""The call center of one account, kept in Redis and changed atomically.

The state is one hash per account (``m7:{K}:callcenter``, its fields: ``center_fields``).
A vendor request is one Lua script (``act_script``: the request path of
``mock_server.model.request_path``, the document's rule table interpreted by Redis alone)
that reads and writes only the fields it needs, so it costs the same whatever the size of the
call center. Every admin
change is one optimistic transaction: ``WATCH`` the hash, read it, apply the change with the
very rules of ``CallCenter``, and write every field anew in ``MULTI``/``EXEC``; when another
worker changed the hash meanwhile, ``EXEC`` fails and the change is retried on the new state.
So two workers can never both put one supervisor on two calls, or two supervisors on one
call. A refused action writes nothing.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any, Final, TypeVar

import orjson
import redis.asyncio

from mock_server.model.callcenter import (
    AgentView,
    CallCenter,
    CallState,
    CallStateError,
    CallView,
    Role,
)
from mock_server.model.defaults import JOURNAL_CAPACITY, REPLAY_WINDOW_SECONDS
from mock_server.model.faults import Decision
from mock_server.model.request_path import (
    PASSED,
    REPLAYED,
    Accepted,
    ActionRequest,
    Faulted,
    Refused,
    Replayed,
    Result,
    Stale,
    VendorRequest,
)
from mock_server.model.rules import OPERATION_OF, Action
from mock_server.model.scenario import Scenario, parse_scenario
from mock_server.redis_store.act_script import request_script
from mock_server.redis_store.center_fields import center_data, center_fields
from mock_server.redis_store.clock import RedisClock
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.guard import REMOVED, Guard, removed
from mock_server.redis_store.journal import RedisJournal
from mock_server.redis_store.keys import AccountKeys
from mock_server.redis_store.loss import StoreLoss
from mock_server.redis_store.messages import event_message
from mock_server.redis_store.pipeline import AutoPipeline
from mock_server.redis_store.transaction import Again, optimistic

__all__ = ["RedisCallCenter"]

T = TypeVar("T")


#: The place of ``slept`` in act.lua's ARGV (0-based here).
_SLEPT: Final = 7


class RedisCallCenter:
    """``CallCenter``'s methods, async, on the state shared by every worker of the mock."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        keys: AccountKeys,
        *,
        scenario: Scenario | None = None,
        clock: Callable[[], float] = time.time,
        where: str = "redis",
        replay_window: int = REPLAY_WINDOW_SECONDS,
        journal: RedisJournal | None = None,
        rng: random.Random | None = None,
        pipeline: AutoPipeline | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        script: str | None = None,
        loss: StoreLoss | None = None,
        account_clock: RedisClock | None = None,
        guard: Guard | None = None,
    ) -> None:
        #: An account of the admin API: seeded and loaded only while its marker holds this
        #: creation's serial, so a request in flight when it is removed (or made again)
        #: cannot write it back (``guard``).
        self._guard = guard
        #: How a latency fault is waited.
        self._sleep = sleep
        #: The request path's script (``act_script``; a test may build one of another table).
        self._act = script if script is not None else request_script()
        self._replay_window = replay_window
        #: Encodes the entry of an accepted action, which the script writes.
        self._journal = journal
        self._journal_capacity = journal.capacity if journal is not None else JOURNAL_CAPACITY
        self._rng = rng or random.Random()  # noqa: S311 - faults, not secrets
        self._client = client
        self._keys = keys
        #: Where the account starts when Redis has no state for it (first use, a flushed Redis).
        self._scenario = scenario
        #: The account's clock (shared by every worker; this worker's copy of its setting).
        self.clock = account_clock or RedisClock(client, keys, real=clock, where=where, guard=guard)
        self._where = where
        #: The request path's commands (the action's script), auto-pipelined.
        self._pipeline = pipeline if pipeline is not None else AutoPipeline(client, where=where)
        self._media_server: str | None = None
        #: Tells a first start from a store that lost its data (``None``: never fence).
        self._loss = loss
        #: The action script's keys but the request's own replay key, named once.
        self._act_keys = (keys.center, keys.events, keys.faults, keys.journal)

    async def ensure(self, scenario: Scenario) -> bool:
        """Start from ``scenario`` unless the account already has a state (another worker's);
        whether it did."""
        center = CallCenter(scenario, clock=self.clock)
        fields = center_fields(center.export())
        keys = [self._keys.scenario, self._keys.center]
        if self._guard is not None:
            keys.append(self._guard.marker)
        seeded = await self._run(
            self._client.eval(
                _SEED,
                len(keys),
                *keys,
                self._guard.serial if self._guard is not None else "",
                orjson.dumps(scenario.to_data()),
                *(item for pair in fields.items() for item in pair),
            )
        )
        if seeded == REMOVED:
            raise removed(self._keys.account)
        if seeded:
            self._media_server = None  # read again: the scenario's
        return bool(seeded)

    # --- the request path and the five operations -------------------------------------------

    async def perform(self, request: VendorRequest) -> Result:
        """The request path (``mock_server.model.request_path``) as one script
        (``act_script``), so one round trip: faults, clock window, replay, rules and the
        accepted action's journal entry (two round trips with a latency fault: the wait comes
        between). Concurrent requests of this worker share writes (``AutoPipeline``)."""
        return await self._script(request.operation, request.action, faults=True, request=request)

    async def act(
        self,
        action: Action,
        supervisor: str,
        agent: str,
        *,
        supervisor_field: str,
    ) -> CallView:
        """One supervisor action alone (no faults, replay or journal), by the same script."""
        result = await self._script(
            OPERATION_OF[action],
            ActionRequest(action, supervisor, agent, supervisor_field),
            faults=False,
        )
        if isinstance(result, Refused):
            raise result.error
        if not isinstance(result, Accepted):
            raise LookupError(f"call center of {self._keys.account}: {result!r}")
        return result.call

    def _arguments(
        self,
        operation: str,
        wanted: ActionRequest | None,
        *,
        faults: bool,
        request: VendorRequest | None,
    ) -> list[str | bytes | int | float]:
        """The script's ARGV, its times read from the clock as this worker sees it."""
        entry, message = b"", b""
        if request is not None and request.success is not None and self._journal is not None:
            entry, message = self._journal.encode(request.success(request.media_server))
        return [
            operation,
            int(wanted is not None),
            wanted.supervisor if wanted is not None else "",
            wanted.agent if wanted is not None else "",
            wanted.supervisor_field if wanted is not None else "",
            round(self.clock() * 1000),
            int(faults),
            0,  # slept: not yet
            int(request is not None and request.replay_key is not None),
            self._replay_window,
            self._rng.random(),
            self._rng.random(),
            request.media_server if request is not None else "",
            self._journal_capacity,
            entry,
            message,
            request.signed_at if request is not None else 0,
            self.clock.seen,
        ]

    async def _script(
        self,
        operation: str,
        wanted: ActionRequest | None,
        *,
        faults: bool,
        request: VendorRequest | None = None,
    ) -> Result:
        replay_key = request.replay_key if request is not None else None
        args = self._arguments(operation, wanted, faults=faults, request=request)
        keys = [
            *self._act_keys,
            self._keys.replay(replay_key) if replay_key else self._keys.prefix,
            self._keys.fence,
            self._keys.clock,
        ]
        for _ in range(4):
            reply = await self._pipeline.script(self._act, keys, args)
            kind = reply[0]
            if kind == b"missing":
                try:
                    await self._seed()
                except CallStateError:  # removed meanwhile: its app key is unknown now
                    return Refused(
                        CallStateError(401, "401", "m7-appkey", "m7-appkey: unknown app key")
                    )
                continue
            if kind == b"clock":  # another worker set it: the times again, on its reading
                self.clock.saw(reply[1])
                slept = args[_SLEPT]
                args = self._arguments(operation, wanted, faults=faults, request=request)
                args[_SLEPT] = slept
                continue
            if kind == b"latency":
                args[_SLEPT] = 1
                await self._sleep(int(reply[1]) / 1000)
            else:
                break
        if kind == b"ok":
            self._media_server = media = reply[2].decode()
            return Accepted(CallView.from_row(orjson.loads(reply[1])), bool(reply[3]), media)
        if kind == b"passed":
            return PASSED
        if kind == b"refused":
            status, code, field, text = reply[1:]
            return Refused(
                CallStateError(int(status), code.decode(), field.decode(), text.decode())
            )
        if kind == b"drop":
            return Faulted(Decision(drop=True))
        if kind == b"status":
            status, code = int(reply[1]), reply[2].decode()
            return Faulted(Decision(status=status, code=code or str(status)))
        if kind == b"stale":
            return Stale(int(reply[1]))
        if kind == b"replay":
            return REPLAYED
        if kind == b"unjudged":
            return Replayed(lost_at=float(reply[1]))
        raise LookupError(f"state store: account {self._keys.account} has no state")

    # --- admin -----------------------------------------------------------------------------

    async def ping(self) -> None:
        """Whether Redis answers (``StateStoreUnavailable`` when not), for the health check."""
        await self._run(self._client.ping())

    async def media_server(self) -> str:
        """The media server; the one the last action saw, which saves a read per request (it
        changes only when a scenario is loaded)."""
        if self._media_server is None:
            self._media_server = str((await self._state())["mediaServer"])
        return self._media_server

    async def reset(self) -> None:
        await self._change(lambda c: c.reset(), {"action": "reset"}, resets=True)

    async def load(self, scenario: Scenario) -> None:
        """Replace the scenario and reset to it, in one transaction."""
        center = CallCenter(scenario, clock=self.clock)  # validates: raises ScenarioError
        self._media_server = None
        if self._loss is not None and not await self._run(self._client.exists(self._keys.center)):
            await self._loss.check()  # a load must not hide that the store lost its data

        async def step(pipe: Any) -> None:
            pipe.multi()
            pipe.set(self._keys.scenario, orjson.dumps(scenario.to_data()))
            _rewrite(pipe, self._keys.center, center)
            pipe.publish(self._keys.events, event_message("callcenter", {"action": "load"}))
            await pipe.execute()

        await optimistic(
            self._client,
            step,
            guard=self._guard,
            account=self._keys.account,
            what="call center",
            where=self._where,
        )

    async def agents(self) -> list[AgentView]:
        return (await self._read()).agents()

    async def agent(self, number: str) -> AgentView:
        return (await self._read()).agent(number)

    async def calls(self) -> list[CallView]:
        return (await self._read()).calls()

    async def call(self, call_id: str) -> CallView:
        return (await self._read()).call(call_id)

    async def snapshot(self) -> dict[str, object]:
        state = await self._state()
        # Off the event loop, as in memory: viewing every agent of a large center takes
        # tens of milliseconds.
        return await asyncio.to_thread(
            lambda: CallCenter.restore(_NO_SCENARIO, state, clock=self.clock).snapshot()
        )

    async def current_scenario(self) -> Scenario:
        center = await self._read()
        return replace(center.current_scenario(), media_server=await self.media_server())

    async def put_agent(
        self,
        number: str,
        *,
        name: str | None = None,
        role: Role | None = None,
        online: bool | None = None,
    ) -> AgentView:
        return await self._change(
            lambda c: c.put_agent(number, name=name, role=role, online=online),
            {"action": "put_agent", "number": number},
        )

    async def remove_agent(self, number: str) -> None:
        await self._change(
            lambda c: c.remove_agent(number), {"action": "remove_agent", "number": number}
        )

    async def start_call(
        self, agent: str, *, customer: str, state: CallState = "ringing"
    ) -> CallView:
        return await self._change(
            lambda c: c.start_call(agent, customer=customer, state=state),
            lambda view: {"action": "start_call", "callId": view.id},
        )

    async def answer_call(self, call_id: str) -> CallView:
        return await self._change(
            lambda c: c.answer_call(call_id), {"action": "answer_call", "callId": call_id}
        )

    async def end_call(self, call_id: str) -> CallView:
        return await self._change(
            lambda c: c.end_call(call_id), {"action": "end_call", "callId": call_id}
        )

    # --- internals -----------------------------------------------------------------------

    async def _run(self, command: Any) -> Any:
        try:
            return await command
        except LOST as exc:
            raise lost(self._where, exc) from None

    async def _seed(self) -> None:
        """Start the account from its scenario, unless another worker just did; first, when
        the store lost its data (a restart that kept nothing), every account is fenced
        (``StoreLoss``)."""
        if self._scenario is None:
            raise LookupError(f"state store: account {self._keys.account} has no state")
        if self._loss is not None:
            await self._loss.check()
        await self.ensure(self._scenario)

    async def _state(self) -> dict[str, Any]:
        """The center's data; its fields decoded off the event loop (a center of 10,000
        agents holds as many JSON fields: about 100 ms). The clock is read afresh first: the
        calls' durations are shown on it."""
        await self.clock.setting()
        for _ in range(2):
            fields = await self._run(self._client.hgetall(self._keys.center))
            if (state := await asyncio.to_thread(center_data, fields)) is not None:
                return state
            await self._seed()
        raise LookupError(f"state store: account {self._keys.account} has no state")

    async def _read(self) -> CallCenter:
        """The center as it is now (for reads: nothing is written back)."""
        return CallCenter.restore(_NO_SCENARIO, await self._state(), clock=self.clock)

    async def _change(
        self,
        action: Callable[[CallCenter], T],
        event: Mapping[str, Any] | Callable[[T], Mapping[str, Any]],
        *,
        resets: bool = False,
    ) -> T:
        """Apply ``action`` to the shared state in one optimistic transaction (see above),
        publishing ``event`` (or what it makes of the result) in it; only a reset needs (and
        watches) the scenario."""
        keys = self._keys
        watched = (keys.center, keys.scenario) if resets else (keys.center,)
        await self.clock.setting()  # a call started or answered now is stamped on it

        async def step(pipe: Any) -> T:
            await pipe.watch(*watched)
            data = center_data(await pipe.hgetall(keys.center))
            if data is None:  # first use, or a flushed store: seed it, then read again
                await self._seed()
                raise Again
            scenario = (
                parse_scenario(orjson.loads(await pipe.get(keys.scenario) or b"null"))
                if resets
                else _NO_SCENARIO
            )
            center = CallCenter.restore(scenario, data, clock=self.clock)
            result = action(center)  # a refusal raises; the pipe unwatches
            pipe.multi()
            _rewrite(pipe, keys.center, center)
            payload = event(result) if callable(event) else event
            pipe.publish(keys.events, event_message("callcenter", payload))
            await pipe.execute()
            return result

        return await optimistic(
            self._client,
            step,
            guard=self._guard,
            account=keys.account,
            what="call center",
            where=self._where,
        )


#: Seeds an account (KEYS: scenario, center and, for an account made at run time, its marker;
#: ARGV: the creation's serial ('' for a start-up account), the scenario, then the center's
#: fields and values) unless its center exists (another worker may have seeded it meanwhile)
#: or its marker no longer holds that serial (removed, or made again: -1).
_SEED: Final = """
if #KEYS > 2 and redis.call('HGET', KEYS[3], 'serial') ~= ARGV[1] then return -1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
for i = 3, #ARGV, 1000 do  -- unpack has a limit: at most 500 fields at a time
  redis.call('HSET', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
return 1
"""


def _rewrite(pipe: Any, key: str, center: CallCenter) -> None:
    """Queue on ``pipe`` the writes that make ``key`` hold ``center``, every field anew (so
    no index of an earlier state is left)."""
    pipe.delete(key)
    pipe.hset(key, mapping=center_fields(center.export()))


#: Reads never reset, so they restore without a scenario.
_NO_SCENARIO: Final = Scenario(media_server="", agents=())
