"""Wiring: the ASGI app of the mock, layer by layer, built from the settings and the documents.

A request goes down this list and its response comes back up (``docs/architecture.md``
tells the whole way):

1. ``RequestLifecycle`` the request record, x-request-id / auth-mode headers, the
                        last-resort 500 envelope, access log and journal
2. ``CorsMiddleware``   preflights answered here, before authentication
   ``LandingPage``      the start page ``/`` and the guides ``/docs/...``
   ``Pages``            the console's files, the signing Swagger UI page, the documents
3. ``AdminGuard``       the admin API's bearer token
   ``ConsoleSupport``   the console's configuration and the event stream (``/__mock``)
4. ``FaultsMiddleware`` latency, drops and forced statuses (vendor paths only)
5. ``BodyGuard``        415 / 413, the body read once
6. ``AuthMiddleware``   the vendor's signature rule (vendor operations only)
7. ``VendorDispatch``   the five vendor operations: body checks, ``Prefer``, the handler,
                        from a table built at start-up from the document
8. connexion            everything else: the admin API, the Swagger UIs, 404 / 405

Layers 1-7 are the pure ASGI layers of ``mock_server.http``; 8 is ``mock_server.spec``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from m7_call_monitor.signing import APPKEY_HEADER
from mock_server.http.access_log import AccessLog
from mock_server.http.admin_guard import AdminGuard
from mock_server.http.auth import Authenticator, AuthMiddleware
from mock_server.http.body_guard import BodyGuard
from mock_server.http.console import ConsoleSupport, console_config
from mock_server.http.cors import CorsMiddleware
from mock_server.http.faults import FaultsMiddleware
from mock_server.http.landing import LandingPage
from mock_server.http.lifecycle import HeadLimits, RequestLifecycle
from mock_server.http.pages import Pages
from mock_server.http.record import RequestRecord
from mock_server.http.vendor_dispatch import VendorDispatch
from mock_server.model.accounts import AccountPlan, Accounts, plan_accounts
from mock_server.model.scenario import load_demo
from mock_server.model.state import MockState
from mock_server.settings import Settings
from mock_server.spec.connexion_app import connexion_app
from mock_server.spec.documents import (
    ADMIN_BASE_PATH,
    VENDOR_DOCUMENT,
    load_document,
    operation_facts,
    vendor_operations,
)
from mock_server.spec.prefer_answers import PreferredAnswers
from mock_server.spec.validation import resolved_document
from mock_server.spec.vendor_routes import vendor_routes

__all__ = ["MockApp", "account_plan", "build_accounts", "build_state", "create_app"]


class MockApp:
    """The mock's ASGI app, with its state reachable for tests and the command line:
    ``state`` is the default account's, ``accounts`` every account's."""

    def __init__(
        self, app: ASGIApp, accounts: Accounts, *, on_shutdown: Callable[[], None] | None = None
    ) -> None:
        self._app = app
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
            rng=settings.rng,
            replay_window=settings.auth_window_seconds,
            journal_capacity=settings.journal_capacity,
            journal_value_chars=settings.journal_value_chars,
        )
    states = {
        app_key: MockState.in_memory(
            scenario,
            clock=settings.clock,
            rng=settings.rng,
            replay_window=settings.auth_window_seconds,
            replay_max_bytes=settings.replay_max_bytes,
            journal_capacity=settings.journal_capacity,
            journal_max_bytes=settings.journal_max_bytes,
            journal_value_chars=settings.journal_value_chars,
        )
        for app_key, scenario in plan.scenarios.items()
    }
    return Accounts(states, plan.default)


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
    plan: AccountPlan,
    accounts: Accounts,
    operations: Sequence[Mapping[str, str]],
    record: RequestRecord,
) -> dict[str, Any]:
    """``GET /__mock/config`` for the account the request names (the default without one)."""
    account = _admin_account(record)
    accounts.named(account)  # an unknown account: 404
    app_key = account or accounts.default
    return console_config(settings, operations, {app_key: plan.secrets[app_key]})


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
    plan = account_plan(settings)
    accounts = build_accounts(settings)
    operations = vendor_operations()
    routes = frozenset((op.method, op.path) for op in operations.values())
    operation_ids = {path: op.operation_id for path, op in operations.items()}

    def named_by_headers(record: RequestRecord) -> MockState:
        return accounts.of(record.app_key or record.headers.get(APPKEY_HEADER))

    authenticator = Authenticator(
        mode=settings.auth_mode,
        credentials=plan.secrets,
        replay_of=lambda app_key: accounts.of(app_key).replay,
        window_seconds=settings.auth_window_seconds,
    )
    layers: list[Callable[[ASGIApp], ASGIApp]] = [
        partial(
            RequestLifecycle,
            journal_of=lambda record: named_by_headers(record).journal,
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
        ),
        partial(
            CorsMiddleware,
            origins=settings.cors_origins,
            admin_prefix=ADMIN_BASE_PATH,
            admin_origins=settings.admin_origins,
        ),
        partial(LandingPage, admin_prefix=ADMIN_BASE_PATH),
        partial(
            Pages,
            settings=settings,
            document=resolved_document(VENDOR_DOCUMENT),
            vendor_paths=operation_ids,
            admin_prefix=ADMIN_BASE_PATH,
        ),
        partial(
            AdminGuard,
            prefix=ADMIN_BASE_PATH,
            token=settings.admin_token,
            disabled=settings.admin_disabled,
        ),
        partial(
            ConsoleSupport,
            config_of=partial(_account_config, settings, plan, accounts, operation_facts()),
            events_of=lambda record: accounts.named(_admin_account(record)).events,
            admin_prefix=ADMIN_BASE_PATH,
        ),
        partial(
            FaultsMiddleware,
            faults_of=lambda record: named_by_headers(record).faults,
            operations=operation_ids,
            sleep=settings.sleep,
        ),
        partial(
            BodyGuard,
            json_routes=routes,
            limit=settings.max_body_bytes,
            admin_prefix=ADMIN_BASE_PATH,
            admin_limit=settings.max_admin_body_bytes,
            drain_limit=settings.max_drain_bytes,
            max_json_depth=settings.max_json_depth,
        ),
        partial(AuthMiddleware, authenticator=authenticator, routes=routes, clock=settings.clock),
        partial(
            VendorDispatch,
            routes=vendor_routes(lambda record: accounts.of(record.app_key), operations),
            examples=PreferredAnswers(load_document(VENDOR_DOCUMENT), operations),
        ),
    ]
    app = connexion_app(
        lambda record: accounts.of(record.app_key),
        lambda record: accounts.named(_admin_account(record)),
    )
    for layer in reversed(layers):
        app = layer(app)
    return MockApp(app, accounts, on_shutdown=access_log.flush)
