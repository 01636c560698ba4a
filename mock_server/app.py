"""Wiring: the ASGI app of the mock, layer by layer, built from the settings and the documents.

Every request passes two layers, then the router hands it to one of three stacks
(``docs/architecture.md`` tells the whole way):

``RequestLifecycle``  the request record, x-request-id / auth-mode headers, head limits,
                      the last-resort 500 envelope, access log and journal
``CorsMiddleware``    preflights answered here, before anything else
``Router``            by path, once:

* vendor operations: ``VendorEndpoint`` (method, body, signature, schema, ``Prefer``: the
  checks without state), then the operation's handler and the account's request path
  (``mock_server.model.request_path``: faults, replay memory, call-state rules, journal);
* ``/__mock``: ``Pages`` (the console's files), ``AdminGuard`` (the bearer token),
  ``ConsoleSupport`` (configuration, event stream), ``BodyGuard`` (size), connexion;
* the rest: ``LandingPage`` (``/`` and ``/docs/...``), ``Pages`` (the signing Swagger UI
  page, the documents), connexion (the Swagger UIs, 404).

The layers are the pure ASGI layers of ``mock_server.http``; connexion is ``mock_server.documents``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from m7_call_monitor.signing import APPKEY_HEADER
from mock_server.documents.connexion_app import connexion_app
from mock_server.documents.connexion_glue import resolved_document
from mock_server.documents.facts import (
    ADMIN_BASE_PATH,
    VENDOR_DOCUMENT,
    load_document,
    operation_facts,
    vendor_operations,
)
from mock_server.documents.prefer_answers import PreferredAnswers
from mock_server.documents.vendor_routes import vendor_routes
from mock_server.http.access_log import AccessLog
from mock_server.http.account_resolver import AccountResolver, hold
from mock_server.http.admin_guard import AdminGuard
from mock_server.http.auth import Authenticator
from mock_server.http.body_guard import BodyGuard, BodyLimits
from mock_server.http.console import ConsoleSupport, console_config
from mock_server.http.cors import CorsMiddleware
from mock_server.http.landing import LandingPage
from mock_server.http.lifecycle import HeadLimits, RequestLifecycle
from mock_server.http.pages import Pages
from mock_server.http.record import RequestRecord
from mock_server.http.router import Router
from mock_server.http.vendor_endpoint import VendorEndpoint
from mock_server.model.accounts import AccountPlan, Accounts, plan_accounts
from mock_server.model.defaults import ACCOUNT_JOURNAL_MAX_BYTES, ACCOUNT_REPLAY_MAX_BYTES
from mock_server.model.scenario import Scenario, load_demo
from mock_server.model.state import MockState
from mock_server.settings import Settings
from mock_server.upstream.sources import answered_elsewhere
from mock_server.upstream.wiring import Elsewhere, build_elsewhere

__all__ = ["MockApp", "account_plan", "build_accounts", "build_state", "create_app"]


class MockApp:
    """The mock's ASGI app, with its state reachable for tests and the command line:
    ``state`` is the default account's, ``accounts`` every account's."""

    def __init__(
        self,
        app: ASGIApp,
        accounts: Accounts,
        *,
        on_shutdown: Callable[[], None] | None = None,
        elsewhere: Elsewhere | None = None,
    ) -> None:
        self._app = app
        #: The upstream or recording answering in proxy or replay mode (``None``: simulating).
        self.elsewhere = elsewhere
        self.accounts = accounts
        self.state = accounts.default_state
        self._on_shutdown = on_shutdown

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan" or self._on_shutdown is None:
            await self._app(scope, receive, send)
            return
        on_shutdown = self._on_shutdown

        async def send_then_stop(message: Message) -> None:
            # uvicorn ends a process stopped by a signal by raising that signal again once
            # the lifespan is over, so no atexit runs: what is held is written here.
            if message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                on_shutdown()
            await send(message)

        await self._app(scope, receive, send_then_stop)


def account_plan(settings: Settings) -> AccountPlan:
    """Every account of ``settings``: the credentials' and the scenario file's."""
    fallback = settings.scenario if settings.scenario is not None else load_demo()
    return plan_accounts(settings.credentials, settings.scenario_file, fallback)


def build_accounts(settings: Settings) -> Accounts:
    """Every account's state: in this process, or in Redis (``settings.state``)."""
    plan = account_plan(settings)
    if settings.state != "memory":
        from mock_server.redis_store.state import redis_accounts  # only with --state redis

        return redis_accounts(
            settings.state,
            plan,
            clock=settings.clock,
            sleep=settings.sleep,
            rng=settings.rng,
            replay_window=settings.auth_window_seconds,
            journal_capacity=settings.journal_capacity,
            journal_value_chars=settings.journal_value_chars,
            max_accounts=settings.max_accounts,
        )

    def make_state(
        scenario: Scenario, *, journal_max_bytes: int, replay_max_bytes: int
    ) -> MockState:
        return MockState.in_memory(
            scenario,
            clock=settings.clock,
            sleep=settings.sleep,
            rng=settings.rng,
            replay_window=settings.auth_window_seconds,
            replay_max_bytes=replay_max_bytes,
            journal_capacity=settings.journal_capacity,
            journal_max_bytes=journal_max_bytes,
            journal_value_chars=settings.journal_value_chars,
        )

    states = {
        app_key: make_state(
            scenario,
            journal_max_bytes=settings.journal_max_bytes,
            replay_max_bytes=settings.replay_max_bytes,
        )
        for app_key, scenario in plan.scenarios.items()
    }
    # An account made at run time gets smaller bounds: ``max_accounts`` of them fit in
    # ``max_accounts`` x 5 MiB (mock_server.model.defaults).
    return Accounts(
        states,
        plan.default,
        secrets=plan.secrets,
        make_state=lambda _, scenario, __: make_state(
            scenario,
            journal_max_bytes=min(settings.journal_max_bytes, ACCOUNT_JOURNAL_MAX_BYTES),
            replay_max_bytes=min(settings.replay_max_bytes, ACCOUNT_REPLAY_MAX_BYTES),
        ),
        starting_scenario=plan.shared,
        max_accounts=settings.max_accounts,
    )


def build_state(settings: Settings) -> MockState:
    """The default account's state for ``settings`` (the demo scenario unless one is given)."""
    return build_accounts(settings).default_state


def _admin_account(record: RequestRecord) -> str | None:
    """The ``account`` query parameter of an admin request (the last one given)."""
    if not record.query_string:
        return None
    values = parse_qs(record.query_string.decode("latin-1")).get("account")
    return values[-1] if values else None


def _account_config(
    settings: Settings,
    accounts: Accounts,
    operations: Sequence[Mapping[str, str]],
    mode_of: Callable[[], Mapping[str, Any]],
    record: RequestRecord,
) -> dict[str, Any]:
    """``GET /__mock/config`` for the account the request names (the default without one)."""
    account = _admin_account(record)
    accounts.named(account)  # an unknown account: 404
    app_key = account or accounts.default
    return console_config(
        settings, operations, {app_key: accounts.secret_of(app_key) or ""}, mode=mode_of()
    )


def create_app(settings: Settings | None = None, *, access_log: AccessLog | None = None) -> MockApp:
    """Build the mock for ``settings`` (the defaults of ``m7-mock`` when omitted).

    Every call builds a fresh state (call center, replay cache, journal, faults) for every
    account, so tests can build one app per test; the clock, sleep and random source come
    from ``settings``. A vendor request acts on the account of its app key, an admin request
    on the account it names (``?account=``), each the default account when there is none.
    The access log goes to the ``mock_server.access`` logger unless ``access_log`` says
    otherwise (the command line writes it straight to stdout).
    """
    settings = settings or Settings()
    access_log = access_log or AccessLog()
    # Proxy or replay mode: its recording opened, its replay read, before anything else.
    elsewhere = build_elsewhere(settings.mode, auth_mode=settings.auth_mode)
    mode_of = elsewhere.describe if elsewhere is not None else settings.mode.describe
    accounts = build_accounts(settings)
    operations = vendor_operations()
    operation_ids = {path: op.operation_id for path, op in operations.items()}

    def named_by_headers(record: RequestRecord) -> MockState:
        return accounts.of(record.app_key or record.headers.get(APPKEY_HEADER))

    authenticator = Authenticator(
        mode=settings.auth_mode,
        credentials=accounts.secret_of,
        window_seconds=settings.auth_window_seconds,
        clock_of=accounts.clock_of,
    )
    connexion = connexion_app(lambda record: accounts.named(_admin_account(record)), accounts)

    def pages(app: ASGIApp) -> ASGIApp:
        return Pages(
            app,
            settings=settings,
            document=resolved_document(VENDOR_DOCUMENT),
            vendor_paths=operation_ids,
            admin_prefix=ADMIN_BASE_PATH,
        )

    def replay_reset(app: ASGIApp) -> ASGIApp:
        """In replay mode an account's reset also starts its replay over."""
        if elsewhere is None:
            return app
        return elsewhere.after_reset(
            app,
            path=f"{ADMIN_BASE_PATH}/reset",
            state_of=lambda record: accounts.named(_admin_account(record)),
        )

    admin_stack = pages(
        AdminGuard(
            AccountResolver(
                ConsoleSupport(
                    BodyGuard(
                        replay_reset(connexion),
                        limits=BodyLimits(
                            settings.max_admin_body_bytes,
                            settings.max_drain_bytes,
                            settings.max_json_depth,
                        ),
                    ),
                    config_of=partial(
                        _account_config, settings, accounts, operation_facts(), mode_of
                    ),
                    events_of=lambda record: accounts.named(_admin_account(record)).events,
                    admin_prefix=ADMIN_BASE_PATH,
                ),
                resolve=accounts.resolve,
                release=accounts.release,
                app_key_of=_admin_account,
            ),
            prefix=ADMIN_BASE_PATH,
            token=settings.admin_token,
            disabled=settings.admin_disabled,
        )
    )
    vendor_endpoint = VendorEndpoint(
        routes=answered_elsewhere(
            vendor_routes(
                named_by_headers,
                operations,
                replay_message=authenticator.replay_message,
                window=settings.auth_window_seconds,
            ),
            elsewhere.source if elsewhere is not None else None,
            named_by_headers,
        ),
        authenticator=authenticator,
        body_limits=BodyLimits(
            settings.max_body_bytes, settings.max_drain_bytes, settings.max_json_depth
        ),
        examples=PreferredAnswers(load_document(VENDOR_DOCUMENT), operations),
        resolve=(
            (
                lambda record: hold(
                    record, record.headers.get(APPKEY_HEADER), accounts.resolve, accounts.release
                )
            )
            if accounts.shared
            else None
        ),
        read_clock=lambda app_key: accounts.of(app_key).clock.setting(),
    )
    router = Router(
        vendor=vendor_endpoint,
        admin=admin_stack,
        pages=LandingPage(pages(connexion), admin_prefix=ADMIN_BASE_PATH),
        admin_prefix=ADMIN_BASE_PATH,
    )
    app = RequestLifecycle(
        CorsMiddleware(
            router,
            origins=settings.cors_origins,
            admin_prefix=ADMIN_BASE_PATH,
            admin_origins=settings.admin_origins,
        ),
        journal_of=lambda record: named_by_headers(record).journal,
        arrival_of=lambda record: named_by_headers(record).clock.at(record.started),
        access_log=access_log,
        clock=settings.clock,
        auth_mode=settings.auth_mode,
        admin_prefix=ADMIN_BASE_PATH,
        operations=operation_ids,
        head_limits=HeadLimits(
            max_head_bytes=settings.server.max_head_bytes,
            max_header_count=settings.server.max_header_count,
            max_header_value_chars=settings.max_header_value_chars,
            max_url_bytes=settings.server.max_url_bytes,
        ),
    )

    def on_shutdown() -> None:
        access_log.flush()
        if elsewhere is not None:
            elsewhere.close()  # the recording completed

    return MockApp(app, accounts, on_shutdown=on_shutdown, elsewhere=elsewhere)
