"""The two backends of the call center answer alike: random sessions run on both, side by side.

The same step goes to the in-memory ``CallCenter`` and to a ``RedisCallCenter`` on the
session's real ``redis-server`` (its supervisor actions run by the action script, its admin
changes by optimistic transactions; its async methods run on one event loop in a thread, a
blocking portal, as ``tests/support/centers.py``'s ``SyncCenter`` does). After every step:

* the two answered exactly alike: the view's ``to_dict()``, or the refusal's status, code,
  field and message, or a ``ValueError``'s (``ScenarioError``'s) type and text; any other
  exception fails, even on both;
* their ``snapshot()`` is exactly the same;
* the Redis hash is exactly the fields the in-memory state is stored as
  (``center_fields(export())``): so an index (``on:<agent>``, ``mon:<supervisor>``) or the next
  call number left wrong fails at once, not only when a later answer happens to show it.

The first difference fails with every step so far, the step, and both sides (diffs).

The steps: the five supervisor actions (``listen``, ``whisper``, ``loot_call``,
``hangup_channel``, ``pickup_channel``; mostly with their own supervisor field, now and then
another's), the admin changes (``put_agent``, ``remove_agent``, ``start_call``,
``answer_call``, ``end_call``, ``reset``, and ``MALFORMED`` ones) and the reads ``agent`` and
``call``. Agent numbers come from the scenario, two unknown numbers and two to hire; call ids
from the calls seen so far and one that never exists. ``SCENARIO`` starts with every kind of
agent and call, so every refusal code of the five actions and of the admin changes is
reachable from the first step.

Both centers read one ``Clock`` that stands still during a step and moves 1.25 s before each
(the backends read the clock a different number of times per step; Redis keeps whole
milliseconds, which 1.25 s steps keep exact). Each run of the machine has a Redis account of
its own (``differential-<uuid>``), deleted when the run ends.

Runs: the active Hypothesis profile's ``max_examples``, but at least ``MIN_RUNS`` (100), each
of up to 50 steps: so 100 under the ``default`` profile (``make test``; its 40 would test
little of the ~20 s this test may take), 1000 under ``thorough`` (``make test-thorough``).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from typing import Any, Final

from anyio.from_thread import BlockingPortal
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    multiple,
    rule,
    run_state_machine_as_test,
)
from redis.asyncio import Redis

from mock_server.model.callcenter import AgentView, CallCenter, CallStateError, CallView
from mock_server.redis_store.callcenter import RedisCallCenter
from mock_server.redis_store.center_fields import center_fields
from mock_server.redis_store.keys import AccountKeys
from tests.support.clock import EPOCH, Clock
from tests.support.differential import FIELDS, ON_CALLS, SCENARIO, SUPERVISORS, side_by_side

#: Numbers nobody has, and numbers to hire (then act on, remove, ...).
UNKNOWN: Final = ("0000", "x.y@z")
HIRES: Final = ("7001", "7002")
EVERYONE: Final = (*(a.number for a in SCENARIO.agents), *UNKNOWN, *HIRES)
NO_CALL: Final = "call-9999"
#: Admin changes with one malformed argument each (400/40002, whatever the state).
MALFORMED: Final[tuple[tuple[str, tuple[Any, ...], dict[str, Any]], ...]] = (
    ("put_agent", ("not a number!",), {}),
    ("put_agent", ("8004",), {"name": "   "}),
    ("put_agent", ("8004",), {"role": "boss"}),
    ("put_agent", ("7001",), {"online": "yes"}),
    ("start_call", ("8004",), {"customer": " "}),
    ("start_call", ("8004",), {"customer": "13500135000", "state": "held"}),
)
#: Runs of the machine at least, whatever the profile (see the module docstring).
MIN_RUNS: Final = 100
#: Seconds the clock moves before each step.
TICK: Final = 1.25

Outcome = tuple[Any, ...]


def _supervisors() -> st.SearchStrategy[str]:
    """Mostly supervisors (the interesting refusals come after the role check), anyone else."""
    return st.sampled_from(SUPERVISORS) | st.sampled_from(EVERYONE)


def _on_calls() -> st.SearchStrategy[str]:
    """Mostly the agents on a call at the start (or were), anyone else."""
    return st.sampled_from(ON_CALLS) | st.sampled_from(EVERYONE)


def _field(action: str) -> st.SearchStrategy[str]:
    """The action's own supervisor field, now and then another one (the message names it)."""
    return st.just(FIELDS[action]) | st.sampled_from(sorted(FIELDS.values()))


def _answer(result: object) -> Outcome:
    """A step's result, comparable across the backends."""
    if isinstance(result, CallView | AgentView):
        return ("ok", result.to_dict())
    return ("ok", result)


def _failure(exc: Exception) -> Outcome:
    """A step's exception, comparable across the backends (any but a refusal or a
    ``ValueError``, ``ScenarioError`` included, fails the test)."""
    if isinstance(exc, CallStateError):
        return ("refused", exc.status, exc.code, exc.field, exc.message)
    if isinstance(exc, ValueError):
        return ("invalid", type(exc).__name__, str(exc))
    return ("crashed", repr(exc))


def _on_memory(
    center: CallCenter, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Outcome:
    try:
        return _answer(getattr(center, method)(*args, **kwargs))
    except Exception as exc:
        return _failure(exc)


async def _on_redis(
    center: RedisCallCenter,
    client: Redis,
    keys: AccountKeys,
    step: tuple[str, tuple[Any, ...], dict[str, Any]] | None,
) -> tuple[Outcome, dict[str, object], dict[str, str]]:
    """The step (``None``: none) on Redis, then the snapshot and the hash: one hop to the
    event loop per step (three would triple the time the test spends handing calls over)."""
    outcome: Outcome = ("ok", None)
    if step is not None:
        method, args, kwargs = step
        # A supervisor action is ``act`` (what ``SyncCenter`` does for the unit tests).
        act: Any = center.act
        run = functools.partial(act, method) if method in FIELDS else getattr(center, method)
        try:
            outcome = _answer(await run(*args, **kwargs))
        except Exception as exc:
            outcome = _failure(exc)
    snapshot = await center.snapshot()
    return outcome, snapshot, _text_fields(await client.hgetall(keys.center))


def _text(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(shown)})"


def _text_fields(fields: Mapping[Any, bytes | str]) -> dict[str, str]:
    """A hash's fields (``bytes`` as redis-py reads them, or ``str``), as text, for comparing
    and showing."""
    return {_as_text(name): _as_text(value) for name, value in fields.items()}


def _as_text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class BothBackends(RuleBasedStateMachine):
    """One session, stepped on the in-memory center and on the Redis one at once."""

    calls = Bundle("calls")

    def __init__(self, portal: BlockingPortal, client: Redis) -> None:
        super().__init__()
        self.clock = Clock(EPOCH)
        self.memory = CallCenter(SCENARIO, clock=self.clock)
        self.keys = AccountKeys(f"differential-{uuid.uuid4().hex}")
        self.portal = portal
        self.client = client
        self.redis = RedisCallCenter(client, self.keys, clock=self.clock)
        portal.call(self.redis.load, SCENARIO)
        self.steps: list[str] = []
        self._compare("load(SCENARIO)", ("ok", None), self._redis(None))

    def teardown(self) -> None:
        self.portal.call(self.client.delete, self.keys.center, self.keys.scenario)

    # --- one step on both ------------------------------------------------------------------

    def _step(self, method: str, /, *args: Any, **kwargs: Any) -> Outcome:
        """Run ``method`` on both centers and compare; the (common) outcome."""
        self.clock.advance(TICK)
        memory = _on_memory(self.memory, method, args, kwargs)
        self._compare(_text(method, args, kwargs), memory, self._redis((method, args, kwargs)))
        event(f"{method}: {memory[2] if memory[0] == 'refused' else memory[0]}")
        return memory

    def _redis(
        self, step: tuple[str, tuple[Any, ...], dict[str, Any]] | None
    ) -> tuple[Outcome, dict[str, object], dict[str, str]]:
        answer: tuple[Outcome, dict[str, object], dict[str, str]] = self.portal.call(
            _on_redis, self.redis, self.client, self.keys, step
        )
        return answer

    def _compare(
        self,
        step: str,
        memory: Outcome,
        on_redis: tuple[Outcome, dict[str, object], dict[str, str]],
    ) -> None:
        """Fail, showing every step so far, if Redis's answer, snapshot or hash is not
        memory's."""
        redis, redis_state, stored = on_redis
        self.steps.append(step)
        problems = []
        if memory != redis:
            problems.append(f"they answered differently:\n{side_by_side(memory, redis)}")
        elif memory[0] == "crashed":
            problems.append(f"both crashed: {memory[1]}")
        memory_state = self.memory.snapshot()
        if memory_state != redis_state:
            problems.append(
                f"their snapshots differ after it:\n{side_by_side(memory_state, redis_state)}"
            )
        # The indexes (on:<agent>, mon:<supervisor>) and the next call number are in no
        # snapshot; a stale one shows only in a later answer, if ever. So Redis's hash must be
        # exactly what the in-memory center's state is stored as.
        expected = _text_fields(center_fields(self.memory.export()))
        if stored != expected:
            problems.append(
                "the Redis hash is not the in-memory center's fields (memory: what "
                f"center_fields(export()) gives):\n{side_by_side(expected, stored)}"
            )
        if not problems:
            return
        history = "\n".join(f"  {i:3}. {s}" for i, s in enumerate(self.steps[:-1]))
        raise AssertionError(
            f"the backends differ at step {len(self.steps) - 1}: {step}\n"
            f"steps before it (on SCENARIO):\n{history}\n"
            f"memory: {memory}\nredis:  {redis}\n" + "\n".join(problems)
        )

    # --- the five supervisor actions ------------------------------------------------------

    @initialize(target=calls)
    def the_scenario_calls(self) -> Any:
        return multiple(*(c.id for c in SCENARIO.calls), NO_CALL)

    @rule(supervisor=_supervisors(), agent=_on_calls(), field=_field("listen"))
    def listen(self, supervisor: str, agent: str, field: str) -> None:
        self._step("listen", supervisor, agent, supervisor_field=field)

    @rule(supervisor=_supervisors(), agent=_on_calls(), field=_field("whisper"))
    def whisper(self, supervisor: str, agent: str, field: str) -> None:
        self._step("whisper", supervisor, agent, supervisor_field=field)

    @rule(supervisor=_supervisors(), agent=_on_calls(), field=_field("loot_call"))
    def loot_call(self, supervisor: str, agent: str, field: str) -> None:
        self._step("loot_call", supervisor, agent, supervisor_field=field)

    @rule(supervisor=_supervisors(), agent=_on_calls(), field=_field("hangup_channel"))
    def hangup_channel(self, supervisor: str, agent: str, field: str) -> None:
        self._step("hangup_channel", supervisor, agent, supervisor_field=field)

    @rule(supervisor=_supervisors(), agent=_on_calls(), field=_field("pickup_channel"))
    def pickup_channel(self, supervisor: str, agent: str, field: str) -> None:
        self._step("pickup_channel", supervisor, agent, supervisor_field=field)

    # --- the admin changes ----------------------------------------------------------------

    @rule(
        number=st.sampled_from(EVERYONE),
        name=st.sampled_from([None, "Renamed"]),
        role=st.sampled_from([None, "supervisor", "agent"]),
        online=st.sampled_from([None, True, False]),
    )
    def put_agent(
        self, number: str, name: str | None, role: str | None, online: bool | None
    ) -> None:
        self._step("put_agent", number, name=name, role=role, online=online)

    @rule(number=st.sampled_from(EVERYONE))
    def remove_agent(self, number: str) -> None:
        self._step("remove_agent", number)

    @rule(
        target=calls,
        agent=st.sampled_from(EVERYONE),
        state=st.sampled_from(["ringing", "talking"]),
    )
    def start_call(self, agent: str, state: str) -> Any:
        kind, *rest = self._step("start_call", agent, customer="13500135000", state=state)
        return multiple(rest[0]["id"]) if kind == "ok" else multiple()

    @rule(call_id=calls)
    def answer_call(self, call_id: str) -> None:
        self._step("answer_call", call_id)

    @rule(call_id=calls)
    def end_call(self, call_id: str) -> None:
        self._step("end_call", call_id)

    @rule()
    def reset(self) -> None:
        self._step("reset")

    @rule(change=st.sampled_from(MALFORMED))
    def malformed_change(self, change: tuple[str, tuple[Any, ...], dict[str, Any]]) -> None:
        method, args, kwargs = change
        self._step(method, *args, **kwargs)

    # --- the reads --------------------------------------------------------------------------

    @rule(number=st.sampled_from(EVERYONE))
    def read_agent(self, number: str) -> None:
        self._step("agent", number)

    @rule(call_id=calls)
    def read_call(self, call_id: str) -> None:
        self._step("call", call_id)


def test_both_backends_answer_alike(portal_and_client: tuple[BlockingPortal, Redis]) -> None:
    portal, client = portal_and_client

    class Session(BothBackends):
        def __init__(self) -> None:
            super().__init__(portal, client)

    # The profile's max_examples, at least MIN_RUNS (see the module docstring).
    runs = max(settings().max_examples, MIN_RUNS)
    run_state_machine_as_test(
        Session, settings=settings(max_examples=runs, stateful_step_count=50, deadline=None)
    )
