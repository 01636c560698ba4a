"""Every use of connexion's internals, in one file: read this first when upgrading connexion.

Written against connexion 3.3.0 (pinned in pyproject.toml and requirements.lock). What the
mock takes from beyond connexion's documented API, and why:

1. ``connexion.middleware.abstract.RoutedAPI`` / ``RoutedMiddleware`` (untyped, hence the
   ``type: ignore``): ``ValidationMiddleware`` runs the mock's compiled ``OperationChecks``
   on the route connexion matched; ``HandlerApi`` calls a handler directly.
   connexion's ``AsyncApp`` rebuilds its parameter and response decorators around the
   handler on every request (inspecting the function's signature each time), which costs
   more than everything else the mock does per request; the handlers need none of it.
2. ``AsyncApp._middleware_app.api_cls`` is set to ``HandlerApi`` (the private inner app).
3. ``ConnexionMiddleware._build_middleware_stack()`` is called at start-up, so that a
   broken document fails then, not on the first request.
4. The built stack is walked to switch off Starlette's ``redirect_slashes`` on every router
   (see ``_no_slash_redirects``).
5. ``connexion.spec.Specification._validate_spec`` is wrapped so that a document is checked
   against the OpenAPI schema once per process rather than on every ``add_api`` (see
   ``check_documents_once``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from typing import Any, Final

import orjson
from connexion import AsyncApp
from connexion.json_schema import resolve_refs
from connexion.middleware.abstract import RoutedAPI, RoutedMiddleware
from connexion.spec import Specification
from starlette.routing import Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.documents.facts import ADMIN_DOCUMENT, load_document
from mock_server.documents.validation import OperationChecks, compile_schema, field_errors
from mock_server.http.envelope import Answer
from mock_server.http.record import record_of
from mock_server.model.field_error import FieldError

__all__ = [
    "CONNEXION_VERSION",
    "HandlerApi",
    "ValidationMiddleware",
    "build_now",
    "check_documents_once",
    "resolved_document",
    "scenario_errors",
    "snake_case",
    "use_handler_api",
]

#: The connexion version this file was written against.
CONNEXION_VERSION: Final = "3.3.0"

_CAMEL_HUMP: Final = re.compile(r"(?<!^)(?=[A-Z])")

#: A handler with the state bound: ``(record, **path parameters and body) -> Answer``.
BoundHandler = Callable[..., Awaitable[Answer]]


def snake_case(name: str) -> str:
    """``hangupChannel`` -> ``hangup_channel``: handler names, pythonic parameter names."""
    return _CAMEL_HUMP.sub("_", name).lower()


# --- the documents' references, resolved ------------------------------------------------


def resolved_document(name: str) -> dict[str, Any]:
    """The document with every ``$ref`` replaced by its target (as connexion resolves it)."""
    resolved: dict[str, Any] = resolve_refs(load_document(name))
    return resolved


def scenario_errors(data: Any) -> list[FieldError]:
    """Violations of the admin document's ``Scenario`` schema.

    A scenario file given at start-up is held to the same limits as one posted to
    ``/__mock/scenario``; otherwise a file could make the mock answer with ids or names that
    break its own documents.
    """
    document = resolved_document(ADMIN_DOCUMENT)
    return field_errors(
        compile_schema(document["components"]["schemas"]["Scenario"]).iter_errors(data),
        root="scenario",
    )


# --- validation -------------------------------------------------------------------------


def _checks_of(operation: Any) -> OperationChecks:
    """``OperationChecks`` from a connexion operation (its spec with the refs resolved)."""
    has_body = bool(operation.is_request_body_defined)
    return OperationChecks(
        path_params=(
            (param["name"], param.get("schema", {}))
            for param in operation.parameters
            if param.get("in") == "path"
        ),
        has_body=has_body,
        body_required=bool(operation.request_body.get("required", False)),
        body_schema=operation.body_schema("application/json") if has_body else {},
        query_params=(
            (param["name"], param.get("schema", {}))
            for param in operation.parameters
            if param.get("in") == "query"
        ),
    )


class _ValidationOperation:
    def __init__(self, next_app: ASGIApp, operation: Any) -> None:
        self.next_app = next_app
        self._checks = _checks_of(operation)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        record = record_of(scope)
        record.payload = await self._checks.validate(
            record, scope.get("path_params", {}), receive, scope.get("query_string", b"")
        )
        await self.next_app(scope, receive, send)


class _ValidationAPI(RoutedAPI[_ValidationOperation]):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_paths()

    def make_operation(self, operation: Any) -> _ValidationOperation:
        return _ValidationOperation(self.next_app, operation)


class ValidationMiddleware(RoutedMiddleware[_ValidationAPI]):  # type: ignore[misc]
    """Validates requests against the operation connexion routed them to."""

    api_cls = _ValidationAPI


# --- handlers ---------------------------------------------------------------------------


class _HandlerOperation:
    """Calls one handler with the record, the path parameters, the query parameters present
    (validated) and the body; sends its answer."""

    def __init__(
        self,
        function: BoundHandler,
        *,
        takes_body: bool,
        params: tuple[tuple[str, str], ...],
        query: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self._function = function
        self._takes_body = takes_body
        self._params = params
        self._query = query

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path_params: dict[str, Any] = scope.get("path_params", {})
        kwargs = {argument: path_params[name] for name, argument in self._params}
        record = record_of(scope)
        for name, argument in self._query:
            if name in record.query:
                kwargs[argument] = record.query[name]
        if self._takes_body:
            kwargs["body"] = record.payload
        answer = await self._function(record, **kwargs)
        await answer.send(send)


class HandlerApi(RoutedAPI[_HandlerOperation]):  # type: ignore[misc]
    """Stands in for connexion's ``AsyncApi``: one ``_HandlerOperation`` per operation."""

    def __init__(self, *args: Any, pythonic_params: bool = False, **kwargs: Any) -> None:
        kwargs.pop("jsonifier", None)
        super().__init__(*args, **kwargs)
        self.pythonic_params = pythonic_params
        self.router = Router()  # AsyncASGIApp mounts it; requests arrive by operationId
        self.add_paths()

    def make_operation(self, operation: Any) -> _HandlerOperation:
        params = tuple(
            (param["name"], self._argument(param["name"]))
            for param in operation.parameters
            if param.get("in") == "path"
        )
        query = tuple(
            (param["name"], self._argument(param["name"]))
            for param in operation.parameters
            if param.get("in") == "query"
        )
        return _HandlerOperation(
            operation.function,
            takes_body=bool(operation.is_request_body_defined),
            params=params,
            query=query,
        )

    def _argument(self, name: str) -> str:
        return snake_case(name) if self.pythonic_params else name


def use_handler_api(app: AsyncApp) -> None:
    """Make ``app`` call handlers through ``HandlerApi`` (before any ``add_api``)."""
    app._middleware_app.api_cls = HandlerApi


# --- start-up ---------------------------------------------------------------------------

#: Digests of the documents connexion's check has passed in this process.
_CHECKED: Final[set[bytes]] = set()


def check_documents_once() -> None:
    """Make connexion check each distinct document against the OpenAPI schema once per
    process (idempotent).

    connexion re-checks a document on every ``add_api``: two thirds of ``create_app``'s time,
    spent again on every app a process builds (one per test in tests/api, one per account
    plan). The same content passes the same check, so a document whose digest has passed
    skips it; a document that fails is checked (and fails) every time.
    """
    original = Specification._validate_spec
    if getattr(original, "_checks_once", False):
        return

    def validate_once(cls: type[Specification], spec: Any) -> None:
        try:
            digest = hashlib.sha256(orjson.dumps(spec, option=orjson.OPT_SORT_KEYS)).digest()
        except TypeError:  # not JSON-like (a YAML date, say): no digest, check it every time
            original.__func__(cls, spec)
            return
        if digest not in _CHECKED:
            original.__func__(cls, spec)
            _CHECKED.add(digest)

    validate_once._checks_once = True  # type: ignore[attr-defined]
    Specification._validate_spec = classmethod(validate_once)


def build_now(app: AsyncApp) -> ASGIApp:
    """Build ``app``'s middleware stack now, without trailing-slash redirects; the ASGI app.

    connexion builds its stack (validating the documents, compiling routes) on the first
    request; building it at start-up makes a broken document fail there.
    """
    middleware = app.middleware
    middleware.app, middleware.middleware_stack = middleware._build_middleware_stack()
    for layer in middleware.middleware_stack:
        _no_slash_redirects(getattr(layer, "router", None))
    built: ASGIApp = middleware
    return built


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
