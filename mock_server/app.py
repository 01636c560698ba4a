"""Wiring: the ASGI app of the mock, layer by layer, built from the two documents.

A request goes down this list and its response comes back up:

1. ``Transport``       request id, headers decoded once, x-request-id / auth-mode headers,
                       last-resort 500 envelope, access log and journal
2. ``CorsMiddleware``  preflights answered here, before authentication
   ``Pages``           the console, the signing Swagger UI page, the served documents
3. ``AdminGuard``      the admin API's bearer token
4. ``FaultsMiddleware`` latency, drops and forced statuses (vendor paths only)
5. ``BodyGuard``       415 / 413, the body read once
6. ``AuthMiddleware``  the vendor's signature rule (vendor operations only)
7. connexion          routing from the documents' operationIds (404 / 405), body validation
                      listing every violation (400), ``Prefer`` examples, then the handler
                      (``handlers`` for the vendor API, ``admin`` under ``/__mock``)

Layers 1-6 are plain ASGI callables working on headers, so the common path costs little;
connexion's own security layer is left out of its stack (the documents still declare the
security, and the Swagger UI shows it) because ``AuthMiddleware`` does that job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from types import ModuleType
from typing import Any

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.resolver import Resolver
from starlette.routing import Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server import admin, handlers
from mock_server.access_log import AccessLog
from mock_server.admin_guard import AdminGuard
from mock_server.auth import Authenticator, AuthMiddleware
from mock_server.body_guard import BodyGuard
from mock_server.cors import CorsMiddleware
from mock_server.dispatch import HandlerApi, snake_case
from mock_server.documents import (
    ADMIN_BASE_PATH,
    ADMIN_DOCUMENT,
    VENDOR_DOCUMENT,
    Operation,
    load_document,
    vendor_operations,
)
from mock_server.errors import ERROR_HANDLERS
from mock_server.faults import FaultsMiddleware
from mock_server.prefer import PreferMiddleware, PreferredAnswers
from mock_server.settings import Settings
from mock_server.state import MockState
from mock_server.transport import Transport
from mock_server.validation import ValidationMiddleware
from mock_server.web.pages import Pages

__all__ = ["MockApp", "create_app"]

#: connexion's default stack, but: no SecurityMiddleware (``AuthMiddleware`` authenticates,
#: before connexion); ``ValidationMiddleware`` instead of RequestValidationMiddleware (every
#: violation listed, validators compiled at start-up); no ResponseValidationMiddleware
#: (responses are checked by the tests, not on every request); no ServerErrorMiddleware
#: (``Transport`` is the last resort, answering with the envelope).
_CONNEXION_STACK: list[Any] = [
    ExceptionMiddleware,
    SwaggerUIMiddleware,
    RoutingMiddleware,
    ValidationMiddleware,
    LifespanMiddleware,
    ContextMiddleware,
]


class MockApp:
    """The mock's ASGI app, with its state reachable for tests and the command line."""

    def __init__(self, app: ASGIApp, state: MockState) -> None:
        self._app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def _resolver(module: ModuleType) -> Resolver:
    """Routes from operationIds to the snake_case functions of ``module``."""

    def function_for(operation_id: str) -> Callable[..., Any]:
        function: Callable[..., Any] = getattr(module, snake_case(operation_id))
        return function

    return Resolver(function_resolver=function_for)


def _connexion_app(operations: Mapping[str, Operation]) -> ASGIApp:
    vendor = load_document(VENDOR_DOCUMENT)
    app = AsyncApp(__name__, middlewares=list(_CONNEXION_STACK))
    # Handlers are called directly (see ``dispatch``), not through connexion's per-request
    # decorators; ``_middleware_app`` is the AsyncApp's inner app (connexion is pinned).
    app._middleware_app.api_cls = HandlerApi
    app.add_middleware(
        PreferMiddleware,
        position=MiddlewarePosition.BEFORE_CONTEXT,
        answers=PreferredAnswers(vendor, operations),
        operation_ids=frozenset(op.operation_id for op in operations.values()),
    )
    app.add_api(dict(vendor), base_path="", resolver=_resolver(handlers))
    app.add_api(
        dict(load_document(ADMIN_DOCUMENT)),
        base_path=ADMIN_BASE_PATH,
        resolver=_resolver(admin),
        pythonic_params=True,
    )
    for exception, handler in ERROR_HANDLERS:
        app.add_error_handler(exception, handler)
    # connexion builds its stack (validating the documents, compiling routes) on the first
    # request; build it now so that a broken document fails at start-up, not on a request.
    middleware = app.middleware
    middleware.app, middleware.middleware_stack = middleware._build_middleware_stack()
    for layer in middleware.middleware_stack:
        _no_slash_redirects(getattr(layer, "router", None))
    connexion_asgi: ASGIApp = middleware
    return connexion_asgi


def _no_slash_redirects(router: Any) -> None:
    """Turn off Starlette's trailing-slash redirects in ``router`` and the routers it mounts.

    Starlette answers ``POST /openapi/v1/call/listen/`` with a bare 307 to the path without
    the slash (no envelope, and before any check). The vendor has no such redirect: a path
    with a trailing slash is an unknown path, answered with the 404 envelope like any other.
    """
    if not isinstance(router, Router):
        return
    router.redirect_slashes = False
    for route in router.routes:
        if isinstance(route, Mount):
            _no_slash_redirects(route.app)


def create_app(settings: Settings | None = None) -> MockApp:
    """Build the mock for ``settings`` (the defaults of ``m7-mock`` when omitted).

    Every call builds a fresh state (call center, replay cache, journal, faults), so tests
    can build one app per test; the clock, sleep and random source come from ``settings``.
    """
    settings = settings or Settings()
    state = MockState.build(settings)
    operations = vendor_operations()
    routes = frozenset((op.method, op.path) for op in operations.values())
    authenticator = Authenticator(
        mode=settings.auth_mode,
        credentials=settings.credentials,
        replay=state.replay,
        window_seconds=settings.auth_window_seconds,
    )
    layers: list[Callable[[ASGIApp], ASGIApp]] = [
        partial(Transport, state=state, access_log=AccessLog()),
        partial(CorsMiddleware, origins=settings.cors_origins),
        partial(
            Pages,
            settings=settings,
            document=load_document(VENDOR_DOCUMENT),
            vendor_paths={path: op.operation_id for path, op in operations.items()},
            admin_prefix=ADMIN_BASE_PATH,
        ),
        partial(
            AdminGuard,
            prefix=ADMIN_BASE_PATH,
            token=settings.admin_token,
            disabled=settings.admin_disabled,
        ),
        partial(
            FaultsMiddleware,
            faults=state.faults,
            operations={path: op.operation_id for path, op in operations.items()},
            sleep=settings.sleep,
        ),
        partial(
            BodyGuard,
            json_routes=routes,
            limit=settings.max_body_bytes,
            admin_prefix=ADMIN_BASE_PATH,
            admin_limit=settings.max_admin_body_bytes,
        ),
        partial(AuthMiddleware, authenticator=authenticator, routes=routes),
    ]
    app = _connexion_app(operations)
    for layer in reversed(layers):
        app = layer(app)
    return MockApp(app, state)
