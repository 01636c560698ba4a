"""The request path answers alike on both backends: random sessions of ``perform``, side by side.

``RequestPath.perform`` (``mock_server.model.request_path``) is the one place where a vendor
request meets an account's state: faults, then the replay memory, then the call-state rules,
then the accepted action's journal entry. In memory it is ``InMemoryPath``, a plain function
over the parts; on Redis it is one Lua script (``RedisCallCenter.perform``). This machine
sends the same steps to a ``MockState.in_memory`` and to a Redis ``MockState``
(``redis_store.state.redis_accounts``, on the session's real ``redis-server``; its async
methods run on one event loop in a thread, a blocking portal, as in
``test_backends_differential.py``; both start from ``tests.support.differential.SCENARIO``).

What it draws, each step on both states:

* a fault plan (``faults.set``), counts only, so deterministic: none; a forced status
  (503, 429 or 409, 1 to 3 times, with or without a business ``code``); a drop (1 to 3
  times); both; and the same per operation (``operations``). Never a ratio or a latency,
  which draw random numbers (the backends draw theirs differently);
* a request (``perform``): one of the five operations; a replay key: none, a fresh one or
  one of a pool of four (so replays happen); ``signed_at`` the clock's whole seconds; with
  an action (a
  supervisor and an agent from the scenario's numbers and one unknown number, the
  operation's own ``supervisor_field``) or without one (an answer chosen already); with a
  ``success`` that makes a deterministic ``JournalEntry`` naming the media server it is
  given, or none; ``media_server`` the center's;
* the same request again (the replay key repeated: a replay unless a fault comes first);
* admin changes: start a call, answer one, end one, ``state.reset()`` (which also forgets
  the replay memory; at most once in ``RESET_AFTER`` steps, or Hypothesis, which draws a
  rule without arguments often, would reset a quarter of the time).

What it compares after every step: the result (a ``Faulted``'s decision; ``Replayed`` and its
``lost_at``; ``Passed``; a ``Refused``'s status, code, field and message; an ``Accepted``'s
call ``to_dict()``, ``journaled`` and ``media_server``; an admin change's answer or refusal;
any other exception fails, even on both), the fault plan left (counts used up), the call
center's ``snapshot()``, and the journal (``entries()``: their number, and each one whole,
its status and operation included). The first difference fails with every step so far, the
step, and both sides (diffs). So the order of the path (a fault before the replay check, a
replay before the rules), a count used up on one backend only, or an entry written on one
only fails at the step that shows it.

Both states read one pinned ``Clock``, which stands still during a step and moves 1.25 s
before each (Redis keeps whole milliseconds, which 1.25 s steps keep exact); ``sleep`` does
nothing (no latency is drawn anyway). ``wait`` moves it further (to just before, at and past
the 300 s window's end): both backends judge the signature window and the replay memory's end
by the account's clock (``Stale``; Redis keeps each key's end on that clock). The Redis account (``request-path-<uuid>``) is one test's own; its
keys are deleted before each run (so each run starts from a fresh, unseeded account, seeded
at its first read, as a first request would) and after the test.

Runs: the active Hypothesis profile's ``max_examples``, but at least ``MIN_RUNS`` (200),
each of up to 50 steps: 200 under ``default`` (``make test``: about 10 s on 2 busy cores;
its 40 would test little of the ~20 s this test may take), 1000 under ``thorough``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Final, assert_never

import orjson
from anyio.from_thread import BlockingPortal
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from redis.asyncio import Redis

from mock_server.model.accounts import AccountPlan
from mock_server.model.callcenter import CallStateError, CallView
from mock_server.model.faults import FaultPlan
from mock_server.model.journal import JournalEntry
from mock_server.model.outcome import Outcome as JournalOutcome
from mock_server.model.request_path import (
    Accepted,
    ActionRequest,
    Faulted,
    Passed,
    Refused,
    Replayed,
    Result,
    Stale,
    VendorRequest,
)
from mock_server.model.rules import OPERATION_OF, Action
from mock_server.model.state import MockState
from mock_server.redis_store.keys import AccountKeys
from mock_server.redis_store.state import redis_accounts
from tests.support.clock import EPOCH, Clock
from tests.support.differential import FIELDS, ON_CALLS, SCENARIO, SUPERVISORS, side_by_side

ACTIONS: Final = tuple(OPERATION_OF)
#: The scenario's numbers and one nobody has.
EVERYONE: Final = (*(a.number for a in SCENARIO.agents), "0000")
NO_CALL: Final = "call-9999"
#: The replay keys (``sign + nonce``) requests carry besides fresh ones: few, so they repeat.
REPLAY_KEYS: Final = ("sign-a000001", "sign-b000002", "sign-c000003", "sign-d000004")
#: A request's replay key: none, a fresh one (``FRESH``: never sent before), one of the pool.
FRESH: Final = "fresh"
STATUSES: Final = (503, 429, 409)
CODES: Final = ("50301", "42901", "40903")
#: Steps at least between two resets (rules without arguments would be drawn far too often).
RESET_AFTER: Final = 10
#: Runs of the machine at least, whatever the profile (see the module docstring).
MIN_RUNS: Final = 200
#: Seconds the clock moves before each step.
TICK: Final = 1.25

Observed = tuple[Any, ...]
#: One step, run on one state: its outcome (see ``_result`` and ``_failure``).
Step = Callable[[MockState], Awaitable[Observed]]
#: What a step leaves: its outcome, the fault plan, the snapshot, the journal's entries.
Observation = tuple[Observed, dict[str, Any], dict[str, object], list[dict[str, Any]]]


async def _no_sleep(seconds: float) -> None:
    return None


# --- what is drawn ----------------------------------------------------------------------------


def _counted_faults(**more: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A forced status and/or a drop, each for 1 to 3 requests (maybe neither), and ``more``."""
    status = st.fixed_dictionaries(
        {"status": st.sampled_from(STATUSES), "count": st.integers(1, 3)},
        optional={"code": st.sampled_from(CODES)},
    )
    drop = st.fixed_dictionaries({"count": st.integers(1, 3)})
    return st.fixed_dictionaries({}, optional={"status": status, "drop": drop, **more})


def _fault_plans() -> st.SearchStrategy[dict[str, Any]]:
    """The admin API's ``Faults``, counted only: none, the plan's own, per operation, both."""
    operations = st.dictionaries(
        st.sampled_from(tuple(OPERATION_OF.values())), _counted_faults(), max_size=2
    )
    return st.just({}) | _counted_faults(operations=operations)


def _replay_keys() -> st.SearchStrategy[str | None]:
    return st.sampled_from((None, FRESH)) | st.sampled_from(REPLAY_KEYS)


def _supervisors() -> st.SearchStrategy[str]:
    """Mostly supervisors (the interesting refusals come after the role check), anyone else."""
    return st.sampled_from(SUPERVISORS) | st.sampled_from(EVERYONE)


def _agents() -> st.SearchStrategy[str]:
    """Mostly the agents on a call at the start, anyone else."""
    return st.sampled_from(ON_CALLS) | st.sampled_from(EVERYONE)


def _success(operation: str, request_id: str, at: float) -> Callable[[str], JournalEntry]:
    """The success answer's journal entry of one request, naming the media server it is
    given: a pure function (Redis makes it before the action, memory after)."""

    def entry(media_server: str) -> JournalEntry:
        return JournalEntry(
            time=at,
            request_id=request_id,
            method="POST",
            path=f"/openapi/v1/call/{operation}",
            status=200,
            outcome=JournalOutcome.OK,
            app_key="request-path",
            headers={"content-type": "application/json", "m7-sign": "not shown"},
            body=orjson.dumps({"op": operation}),
            response_body=orjson.dumps(
                {"code": 200, "message": "success", "data": {"mediaServer": media_server}}
            ),
            operation=operation,
        )

    return entry


# --- what is compared -------------------------------------------------------------------------


def _result(result: Result) -> Observed:
    """A ``perform`` result, comparable across the backends."""
    if isinstance(result, Faulted):
        decision = result.decision
        return ("faulted", decision.delay, decision.drop, decision.status, decision.code)
    if isinstance(result, Stale):
        return ("stale", result.skew)
    if isinstance(result, Replayed):
        return ("replayed", result.lost_at)
    if isinstance(result, Passed):
        return ("passed",)
    if isinstance(result, Refused):
        error = result.error
        return ("refused", error.status, error.code, error.field, error.message)
    if isinstance(result, Accepted):
        return ("accepted", result.call.to_dict(), result.journaled, result.media_server)
    assert_never(result)


def _failure(exc: Exception) -> Observed:
    """An admin change's refusal, or (failing the test) any other exception."""
    if isinstance(exc, CallStateError):
        return ("refused", exc.status, exc.code, exc.field, exc.message)
    return ("crashed", repr(exc))


async def _observe(state: MockState, step: Step) -> Observation:
    try:
        outcome = await step(state)
    except Exception as exc:
        outcome = _failure(exc)
    plan = (await state.faults.plan()).to_dict()
    return outcome, plan, await state.callcenter.snapshot(), await state.journal.entries()


async def _on_both(memory: MockState, redis: MockState, step: Step) -> list[Observation]:
    """The step on memory, then on Redis, each followed by its reads: one hop to the loop."""
    return [await _observe(memory, step), await _observe(redis, step)]


async def _wipe(client: Redis, keys: AccountKeys) -> None:
    """Delete every key of the account (its center, scenario, faults, journal, replays)."""
    names = [name async for name in client.scan_iter(match=keys.prefix + "*", count=500)]
    if names:
        await client.unlink(*names)


class BothPaths(RuleBasedStateMachine):
    """One session of vendor requests and admin changes, on both backends at once."""

    calls = Bundle("calls")

    def __init__(
        self,
        portal: BlockingPortal,
        client: Redis,
        keys: AccountKeys,
        redis: MockState,
        clock: Clock,
    ) -> None:
        super().__init__()
        self.portal = portal
        self.clock = clock
        clock.now = EPOCH
        portal.call(_wipe, client, keys)
        self.redis = redis
        self.memory = MockState.in_memory(SCENARIO, clock=clock, sleep=_no_sleep)
        self.steps: list[str] = []
        self.sent = 0
        self.last: tuple[str, VendorRequest] | None = None
        #: The step of the last reset (a reset forgets so much that it waits a few steps).
        self.reset_at = 0
        # The first read seeds the Redis account from the scenario, at EPOCH.
        self._step("start (SCENARIO, no faults)", _no_change, tick=False)

    # --- one step on both ------------------------------------------------------------------

    def _step(self, text: str, step: Step, *, tick: bool = True) -> Observed:
        """Run ``step`` on both states and compare what they left; the (common) outcome."""
        if tick:
            self.clock.advance(TICK)
        observed: list[Observation] = self.portal.call(_on_both, self.memory, self.redis, step)
        memory, redis = observed
        self.steps.append(text)
        problems = []
        names = ("the outcome", "the fault plan left", "the snapshot", "the journal")
        for name, mine, theirs in zip(names, memory, redis, strict=True):
            if mine != theirs:
                problems.append(f"{name} differs:\n{side_by_side(mine, theirs)}")
        if len(memory[3]) != len(redis[3]):
            problems.append(
                f"journal entries: {len(memory[3])} in memory, {len(redis[3])} on redis"
            )
        for side, seen in (("memory", memory), ("redis", redis)):
            if seen[0][0] == "crashed":
                problems.append(f"{side} crashed: {seen[0][1]}")
        if problems:
            history = "\n".join(f"  {i:3}. {s}" for i, s in enumerate(self.steps[:-1]))
            raise AssertionError(
                f"the request paths differ at step {len(self.steps) - 1}: {text}\n"
                f"steps before it (on SCENARIO):\n{history}\n"
                f"memory: {memory[0]}\nredis:  {redis[0]}\n" + "\n".join(problems)
            )
        outcome = memory[0]
        event(f"{text.split('(')[0]}: {outcome[2] if outcome[0] == 'refused' else outcome[0]}")
        return outcome

    def _perform(self, text: str, request: VendorRequest, *, tick: bool = True) -> None:
        self.last = (text, request)

        async def perform(state: MockState) -> Observed:
            return _result(await state.path.perform(request))

        self._step(text, perform, tick=tick)

    # --- the requests -----------------------------------------------------------------------

    @initialize(target=calls)
    def the_scenario_calls(self) -> Any:
        return multiple(*(c.id for c in SCENARIO.calls), NO_CALL)

    @rule(plan=_fault_plans())
    def set_faults(self, plan: dict[str, Any]) -> None:
        parsed = FaultPlan.from_dict(plan)

        async def put(state: MockState) -> Observed:
            await state.faults.set(parsed)
            return ("ok", None)

        self._step(f"faults.set({plan!r})", put)

    @rule(
        action=st.sampled_from(ACTIONS),
        supervisor=_supervisors(),
        agent=_agents(),
        replay_key=_replay_keys(),
        journaled=st.booleans(),
    )
    def request(
        self,
        action: Action,
        supervisor: str,
        agent: str,
        replay_key: str | None,
        journaled: bool,
    ) -> None:
        self._send(
            action, ActionRequest(action, supervisor, agent, FIELDS[action]), replay_key, journaled
        )

    @rule(
        action=st.sampled_from(ACTIONS),
        replay_key=_replay_keys(),
        journaled=st.booleans(),
    )
    def request_answered_already(
        self, action: Action, replay_key: str | None, journaled: bool
    ) -> None:
        self._send(action, None, replay_key, journaled)

    def _send(
        self, action: Action, wanted: ActionRequest | None, replay_key: str | None, journaled: bool
    ) -> None:
        operation = OPERATION_OF[action]
        self.sent += 1
        request_id = f"req-{self.sent:04}"
        if replay_key == FRESH:
            replay_key = f"sign-{request_id}"
        self.clock.advance(TICK)  # before the step, as for every step
        now = self.clock()
        request = VendorRequest(
            operation=operation,
            replay_key=replay_key,
            signed_at=int(now),
            action=wanted,
            success=_success(operation, request_id, now) if journaled else None,
            media_server=SCENARIO.media_server,
        )
        asked = f"{wanted.supervisor} -> {wanted.agent}" if wanted is not None else "no action"
        self._perform(
            f"perform({operation}: {asked}, key={replay_key!r}, signed_at={int(now)}, "
            f"success={'yes' if journaled else 'no'}, {request_id})",
            request,
            tick=False,
        )

    @rule(seconds=st.sampled_from([150.0, 298.75, 300.0, 301.25]))
    def wait(self, seconds: float) -> None:
        """Time passes (requests sent again are then near, at or past the window's end)."""
        self.clock.advance(seconds)

    @precondition(lambda self: self.last is not None and self.last[1].replay_key is not None)
    @rule()
    def send_again(self) -> None:
        """The previous request again, its replay key included."""
        assert self.last is not None
        text, request = self.last
        self._perform(f"again: {text}", request)

    # --- the admin changes ----------------------------------------------------------------

    @rule(
        target=calls,
        agent=st.sampled_from(EVERYONE),
        state=st.sampled_from(["ringing", "talking"]),
    )
    def start_call(self, agent: str, state: str) -> Any:
        async def start(mock: MockState) -> Observed:
            view: CallView = await mock.callcenter.start_call(
                agent,
                customer="13500135000",
                state="talking" if state == "talking" else "ringing",
            )
            return ("ok", view.to_dict())

        kind, *rest = self._step(f"start_call({agent!r}, state={state!r})", start)
        return multiple(rest[0]["id"]) if kind == "ok" else multiple()

    @rule(call_id=calls)
    def answer_call(self, call_id: str) -> None:
        async def answer(mock: MockState) -> Observed:
            return ("ok", (await mock.callcenter.answer_call(call_id)).to_dict())

        self._step(f"answer_call({call_id!r})", answer)

    @rule(call_id=calls)
    def end_call(self, call_id: str) -> None:
        async def end(mock: MockState) -> Observed:
            return ("ok", (await mock.callcenter.end_call(call_id)).to_dict())

        self._step(f"end_call({call_id!r})", end)

    @precondition(lambda self: len(self.steps) - self.reset_at >= RESET_AFTER)
    @rule()
    def reset(self) -> None:
        self.reset_at = len(self.steps)

        async def reset(mock: MockState) -> Observed:
            await mock.reset()
            return ("ok", None)

        self._step("reset()", reset)


async def _no_change(state: MockState) -> Observed:
    return ("ok", None)


def test_request_paths_answer_alike(
    redis_url: str, portal_and_client: tuple[BlockingPortal, Redis]
) -> None:
    portal, client = portal_and_client
    app_key = f"request-path-{uuid.uuid4().hex}"
    keys = AccountKeys(app_key)
    clock = Clock(EPOCH)
    plan = AccountPlan(default=app_key, secrets={app_key: "secret"}, scenarios={app_key: SCENARIO})
    redis = redis_accounts(redis_url, plan, clock=clock, sleep=_no_sleep, client=client).of(app_key)

    class Session(BothPaths):
        def __init__(self) -> None:
            super().__init__(portal, client, keys, redis, clock)

    # The profile's max_examples, at least MIN_RUNS (see the module docstring).
    runs = max(settings().max_examples, MIN_RUNS)
    try:
        run_state_machine_as_test(
            Session, settings=settings(max_examples=runs, stateful_step_count=50, deadline=None)
        )
    finally:
        portal.call(_wipe, client, keys)
