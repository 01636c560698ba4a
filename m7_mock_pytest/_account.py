"""One account of the mock, as a test uses it: arrange, break, move time, verify.

An account is an app key with its own secret, call center, journal, faults and clock
(``POST /__mock/accounts``), so a test that owns one never sees another test's calls, not
even under pytest-xdist against one shared mock. Every method is one admin request on this
account (``?account=<app key>``), named in the call center's words rather than the admin
API's paths, and answers what the mock answered (JSON as ``dict``), so a test can check it.

The secret is the account's only secret: it signs the vendor requests, and it is kept out
of ``repr`` and out of every message the plugin writes.

The vendor requests the plugin signs (``supervisor_monitoring``, the clients of
``call_monitor`` and so ``m7_client``, ``signed_headers()``) are signed on the account's
clock, not on this machine's: a test that moved the clock past the 300 s window can still
arrange and call. The account knows its clock from the last clock answer the mock gave it
(its clock methods, ``now()`` and ``load_snapshot``): frozen at a time, or running some
seconds ahead of this machine's time; it costs no request.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, get_args

import httpx

from m7_mock_admin.api.accounts import delete_account
from m7_mock_admin.api.clock import advance_clock, freeze_clock, get_clock, reset_clock
from m7_mock_admin.api.faults import clear_faults, put_faults
from m7_mock_admin.api.journal import verify_requests
from m7_mock_admin.api.state import (
    answer_call,
    end_call,
    get_snapshot,
    get_state,
    load_scenario,
    put_agent,
    put_snapshot,
    start_call,
)
from m7_mock_admin.models import (
    AdvanceClock,
    AgentUpdate,
    Clock,
    ClockSetting,
    Faults,
    FreezeClock,
    NewCall,
    Snapshot,
    VerifyRequest,
)
from m7_mock_pytest._admin import AdminApi
from m7_mock_pytest._report import failure_message

if TYPE_CHECKING:
    from m7_call_monitor import CallMonitor
    from m7_call_monitor.signing import NonceSource

__all__ = ["MockAccount"]

#: The vendor operations, by the operationId the journal and verification use.
VendorOperation = Literal["listen", "hangupChannel", "lootCall", "whisper", "pickupChannel"]
#: The ``actionId`` of the listen :meth:`MockAccount.supervisor_monitoring` sends, so that it
#: is recognisable in the journal and in a verification's near misses.
ARRANGED_ACTION_ID = "m7-mock-pytest-arranged"
#: A customer number for calls a test starts without naming one.
DEFAULT_CUSTOMER = "13800138000"


class MockAccount:
    """A fresh account of the mock for one test (the ``m7_account`` fixture).

    ``app_key`` and ``secret`` sign its vendor requests (:meth:`call_monitor` gives a client
    doing so); the other methods arrange its call center, set its faults, move its clock,
    save and load its snapshot, and :meth:`verify` what the code under test sent.
    """

    def __init__(self, admin: AdminApi, app_key: str, secret: str) -> None:
        self._admin = admin
        self._client = admin.client
        self._app_key = app_key
        self._secret = secret
        self._deleted = False
        # The account's clock as last answered by the mock: frozen at ``_frozen_at``, else
        # running ``_offset`` seconds ahead of this machine's time (a new account: real time).
        self._frozen_at: float | None = None
        self._offset = 0.0
        self._nonces: NonceSource | None = None

    def __repr__(self) -> str:
        return f"MockAccount(app_key={self._app_key!r}, base_url={self.base_url!r})"

    @property
    def app_key(self) -> str:
        """The account's app key (``m7-appkey``; not a secret)."""
        return self._app_key

    @property
    def secret(self) -> str:
        """The secret key its requests are signed with (never in a repr or a message)."""
        return self._secret

    @property
    def base_url(self) -> str:
        """The mock's address, the base URL of the vendor API (``M7_BASE_URL``)."""
        return self._admin.base_url

    # --- the vendor API -------------------------------------------------------------------

    def call_monitor(self, **options: Any) -> CallMonitor:
        """A ``m7_call_monitor.CallMonitor`` on the mock, signed with this account.

        ``options`` are the client's own (``retries=0``, ``timeout=...``). Close it, or use
        it as a context manager; the ``m7_client`` fixture does that for you.

        Its requests are signed on the account's clock (see :meth:`signed_headers`), so it
        keeps working after the test froze or moved the clock: ``transport`` (yours, or
        httpx's default) is wrapped to sign each request again as it leaves.
        """
        from m7_call_monitor import CallMonitor

        inner: httpx.BaseTransport = options.pop("transport", None) or httpx.HTTPTransport()
        transport = _SignedOnAccountClock(self, inner)
        return CallMonitor(
            self.base_url, self._app_key, self._secret, transport=transport, **options
        )

    def signed_headers(self, at: float | None = None) -> dict[str, str]:
        """The four ``m7-*`` headers of a request signed at ``at`` (Unix seconds), a new nonce;
        without ``at``, at the account's time now (as this account last set or read it).

        For requests a test builds by hand: signed in the past or ahead of the account's
        clock, or sent twice (a replay).
        """
        from m7_call_monitor import signed_headers
        from m7_call_monitor.signing import NonceSource

        if at is not None:
            return signed_headers(self._app_key, self._secret, clock=lambda: at)
        if self._nonces is None:  # never one nonce twice in a second: a replay to the mock
            self._nonces = NonceSource()
        return signed_headers(
            self._app_key, self._secret, clock=self._clock_time, nonces=self._nonces
        )

    def _clock_time(self) -> float:
        """The account's time now, from what the mock last answered about its clock."""
        if self._frozen_at is not None:
            return self._frozen_at
        return time.time() + self._offset

    def _learn_clock(self, clock: Clock | ClockSetting) -> None:
        """Remember how the account's clock is set, from a clock answer or a snapshot's."""
        if isinstance(clock, Clock):
            self._frozen_at = clock.now if clock.frozen else None
            self._offset = 0.0 if clock.frozen else clock.now - time.time()
        elif isinstance(clock.frozen_at, float | int):
            self._frozen_at, self._offset = float(clock.frozen_at), 0.0
        else:
            offset = clock.offset_seconds
            self._frozen_at = None
            self._offset = float(offset) if isinstance(offset, float | int) else 0.0

    # --- arranging the call center --------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """The call center now: every agent with its status, every live call."""
        state = self._admin.answer(
            "getState", lambda: get_state.sync_detailed(client=self._client, account=self._app_key)
        )
        return state.to_dict()

    def load_scenario(self, scenario: Mapping[str, Any]) -> dict[str, Any]:
        """Replace the call center by ``scenario`` (the ``demo-scenario.yaml`` format);
        answers the state it makes."""
        state = self._admin.answer(
            "loadScenario",
            lambda: load_scenario.sync_detailed(
                client=self._client, body=dict(scenario), account=self._app_key
            ),
        )
        return state.to_dict()

    def agent_online(
        self,
        number: str,
        *,
        role: Literal["agent", "supervisor"] = "agent",
        name: str | None = None,
    ) -> dict[str, Any]:
        """Agent ``number`` is online (created when new) with ``role``; answers the agent."""
        body: dict[str, Any] = {"online": True, "role": role}
        if name is not None:
            body["name"] = name
        return self._put_agent(number, body)

    def agent_offline(self, number: str) -> dict[str, Any]:
        """Agent ``number`` is offline (refused while on a call); answers the agent."""
        return self._put_agent(number, {"online": False})

    def _put_agent(self, number: str, body: dict[str, Any]) -> dict[str, Any]:
        agent = self._admin.answer(
            "putAgent",
            lambda: put_agent.sync_detailed(
                number, client=self._client, body=AgentUpdate.from_dict(body), account=self._app_key
            ),
        )
        return agent.to_dict()

    def call_ringing(self, agent: str, *, customer: str = DEFAULT_CUSTOMER) -> dict[str, Any]:
        """A customer's call rings at ``agent`` (online and idle); answers the call."""
        return self._start_call({"agent": agent, "customer": customer, "state": "ringing"})

    def call_talking(self, agent: str, *, customer: str = DEFAULT_CUSTOMER) -> dict[str, Any]:
        """``agent`` (online and idle) talks with a customer; answers the call."""
        return self._start_call({"agent": agent, "customer": customer, "state": "talking"})

    def _start_call(self, body: dict[str, Any]) -> dict[str, Any]:
        call = self._admin.answer(
            "startCall",
            lambda: start_call.sync_detailed(
                client=self._client, body=NewCall.from_dict(body), account=self._app_key
            ),
            expect=201,
        )
        return call.to_dict()

    def answer_call(self, call_id: str) -> dict[str, Any]:
        """The agent picks up ringing call ``call_id``: it is talking; answers the call."""
        call = self._admin.answer(
            "answerCall",
            lambda: answer_call.sync_detailed(call_id, client=self._client, account=self._app_key),
        )
        return call.to_dict()

    def end_call(self, call_id: str) -> dict[str, Any]:
        """The customer hangs up ``call_id``; answers the call as it was."""
        call = self._admin.answer(
            "endCall",
            lambda: end_call.sync_detailed(call_id, client=self._client, account=self._app_key),
        )
        return call.to_dict()

    def supervisor_monitoring(self, supervisor: str, agent: str) -> dict[str, Any]:
        """``supervisor`` listens to ``agent``'s talking call; answers the vendor's envelope.

        Done as the vendor's own ``listen``, signed with this account, so the supervisor
        rules apply exactly as for the code under test (online, a supervisor, not on a call
        of their own). It is therefore in the journal, with ``actionId``
        ``m7-mock-pytest-arranged``: a verification of ``listen`` that must not count it
        names the fields of your code's requests (``where``).
        """
        with self.call_monitor(retries=0) as monitor:
            envelope = monitor.listen(
                supervisor=supervisor, agent=agent, action_id=ARRANGED_ACTION_ID
            )
        answered: dict[str, Any] = envelope.to_dict()
        return answered

    # --- faults ---------------------------------------------------------------------------

    def set_faults(self, plan: Mapping[str, Any], *, seed: int | None = None) -> dict[str, Any]:
        """Put ``plan`` in force (``latency``, ``status``, ``drop``, ``operations``: the body
        of ``PUT /__mock/faults``), replacing the faults before. With ``seed``, what chance
        decides (a ``ratio``, a latency range) falls on the same requests in every run;
        answers the plan in force."""
        body = dict(plan) if seed is None else {**plan, "seed": seed}
        faults = self._admin.answer(
            "putFaults",
            lambda: put_faults.sync_detailed(
                client=self._client, body=Faults.from_dict(body), account=self._app_key
            ),
        )
        return faults.to_dict()

    def clear_faults(self) -> None:
        """No fault any more: the vendor API answers normally from the next request."""
        self._admin.answer(
            "clearFaults",
            lambda: clear_faults.sync_detailed(client=self._client, account=self._app_key),
        )

    # --- the clock ------------------------------------------------------------------------

    def now(self) -> float:
        """The account's clock, in Unix seconds (what the signature window is judged by)."""
        clock = self._admin.answer(
            "getClock", lambda: get_clock.sync_detailed(client=self._client, account=self._app_key)
        )
        self._learn_clock(clock)
        return clock.now

    def freeze_clock(self, at: float | None = None) -> float:
        """Stop the account's clock at ``at`` (Unix seconds; default: its time now), so that
        time-dependent rules can be tested at a known instant; answers its time."""
        moment = self.now() if at is None else at
        clock = self._admin.answer(
            "freezeClock",
            lambda: freeze_clock.sync_detailed(
                client=self._client, body=FreezeClock(frozen_at=moment), account=self._app_key
            ),
        )
        self._learn_clock(clock)
        return clock.now

    def advance_clock(self, seconds: float) -> float:
        """Move the account's clock ``seconds`` forward (frozen or not) instead of waiting;
        answers its time."""
        clock = self._admin.answer(
            "advanceClock",
            lambda: advance_clock.sync_detailed(
                client=self._client, body=AdvanceClock(seconds=seconds), account=self._app_key
            ),
        )
        self._learn_clock(clock)
        return clock.now

    def resume_real_clock(self) -> float:
        """The account's clock is the real time again; answers its time."""
        clock = self._admin.answer(
            "resetClock",
            lambda: reset_clock.sync_detailed(client=self._client, account=self._app_key),
        )
        self._learn_clock(clock)
        return clock.now

    # --- snapshots ------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The account's call center, faults and clock as one JSON document: a state reached
        after many steps, to save (``json.dump``) and load again with :meth:`load_snapshot`."""
        snapshot = self._admin.answer(
            "getSnapshot",
            lambda: get_snapshot.sync_detailed(client=self._client, account=self._app_key),
        )
        return snapshot.to_dict()

    def load_snapshot(self, snapshot: Mapping[str, Any]) -> dict[str, Any]:
        """Start again from ``snapshot`` (what :meth:`snapshot` gave, of any account);
        answers the snapshot as loaded."""
        loaded = self._admin.answer(
            "putSnapshot",
            lambda: put_snapshot.sync_detailed(
                client=self._client, body=Snapshot.from_dict(snapshot), account=self._app_key
            ),
        )
        if isinstance(loaded.clock, ClockSetting):
            self._learn_clock(loaded.clock)
        return loaded.to_dict()

    # --- verification ---------------------------------------------------------------------

    def verify(
        self,
        operation: VendorOperation,
        *,
        exactly: int | None = None,
        at_least: int | None = None,
        at_most: int | None = None,
        **where: str | int | bool,
    ) -> int:
        """Assert that ``operation`` was sent as many times as the rule says; the count.

        ``where`` are the values a matching request has: fields of its body by their JSON
        names (``agentNumber="9527"``), and ``appKey``, ``status``, ``outcome``. Give exactly
        one rule (``exactly=0`` for never). A request the mock refused for its signature or
        its form is not a call made: it matches only when ``where`` names its ``status`` or
        ``outcome``. When the rule does not hold, raises ``AssertionError`` naming the
        nearest requests and what differed in each.
        """
        __tracebackhide__ = True
        rules = {"exactly": exactly, "atLeast": at_least, "atMost": at_most}
        given = {name: count for name, count in rules.items() if count is not None}
        if len(given) != 1:
            raise TypeError("verify() takes exactly one of exactly=, at_least=, at_most=")
        body: dict[str, Any] = {"operation": operation, **given}
        if where:
            body["where"] = dict(where)
        if operation not in get_args(VendorOperation):
            raise ValueError(
                f"verify(): no operation {operation!r}; the vendor's operation names are "
                + ", ".join(get_args(VendorOperation))
                + " (the client's hangup() is hangupChannel, barge() lootCall, "
                "pickup() pickupChannel)"
            )
        request = VerifyRequest.from_dict(body)
        verdict = self._admin.answer(
            "verifyRequests",
            lambda: verify_requests.sync_detailed(
                client=self._client, body=request, account=self._app_key
            ),
        )
        if not verdict.holds:
            nearest = [miss.to_dict() for miss in verdict.nearest]
            raise AssertionError(failure_message(operation, where, given, verdict.matched, nearest))
        return verdict.matched

    # --- the end --------------------------------------------------------------------------

    def delete(self) -> None:
        """Remove the account and all it holds (the ``m7_account`` fixture does this at the
        end of the test); deleting it again does nothing."""
        if self._deleted:
            return
        self._admin.answer_empty(
            "deleteAccount",
            lambda: delete_account.sync_detailed(self._app_key, client=self._client),
        )
        self._deleted = True


class _SignedOnAccountClock(httpx.BaseTransport):
    """Signs each request again as it leaves, on the account's clock.

    ``m7_call_monitor.CallMonitor`` signs with this machine's time and takes no clock; this
    transport, given to it, replaces its ``m7-*`` headers by the account's
    (:meth:`MockAccount.signed_headers`), then sends through ``inner``.
    """

    def __init__(self, account: MockAccount, inner: httpx.BaseTransport) -> None:
        self._account = account
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for name, value in self._account.signed_headers().items():
            request.headers[name] = value
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()
