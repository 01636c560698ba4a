"""The connexion app serving both documents: the innermost layer of the mock.

connexion serves the admin API under ``/__mock`` (routing by operationId, body validation
listing every violation, the handlers of ``handlers.admin``), both Swagger UIs and the
documents (``openapi.yaml`` as written, by ``DocumentsAsWritten``), and the 404 and 405 of
unknown paths and methods (trailing slashes included). The vendor operations never reach it
(the router hands them to ``mock_server.http.vendor_endpoint``); the vendor document is
still added as an API, for its Swagger UI. Its stack is connexion's default but:

* no ``SecurityMiddleware``: ``mock_server.http.auth`` authenticates the vendor operations
  (the documents still declare the security, and the Swagger UI shows it);
* ``ValidationMiddleware`` instead of ``RequestValidationMiddleware`` (every violation
  listed, validators compiled at start-up);
* no ``ResponseValidationMiddleware`` (responses are checked by the tests, not on every
  request);
* no ``ServerErrorMiddleware`` (``mock_server.http.lifecycle`` is the last resort).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from types import ModuleType
from typing import Any, Final

from connexion import AsyncApp
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.resolver import Resolver
from starlette.types import ASGIApp

from mock_server.documents.connexion_glue import (
    ValidationMiddleware,
    build_now,
    check_documents_once,
    snake_case,
    use_handler_api,
)
from mock_server.documents.documents_as_written import DocumentsAsWritten
from mock_server.documents.errors import ERROR_HANDLERS
from mock_server.documents.facts import (
    ADMIN_BASE_PATH,
    ADMIN_DOCUMENT,
    VENDOR_DOCUMENT,
    load_document,
)
from mock_server.handlers import admin
from mock_server.http.envelope import Answer, error_answer
from mock_server.http.record import RequestRecord
from mock_server.model.accounts import Accounts
from mock_server.model.state import MockState

__all__ = ["connexion_app"]

_STACK: Final[list[Any]] = [
    ExceptionMiddleware,
    SwaggerUIMiddleware,
    RoutingMiddleware,
    ValidationMiddleware,
    LifespanMiddleware,
    ContextMiddleware,
]


#: Admin operations answered by a pure ASGI layer in front of connexion
#: (``mock_server.http.console``): the event stream must see the client disconnect, and the
#: configuration comes from the settings, which handlers do not get.
ANSWERED_IN_FRONT: Final = frozenset({"getConfig", "getEvents"})

#: Admin operations on the set of accounts itself: their handlers get ``Accounts``, not one
#: account's state.
ON_ACCOUNTS: Final = frozenset({"createAccount", "deleteAccount"})

#: Which account's state a request acts on.
StateOf = Callable[[RequestRecord], MockState]


def _resolver(module: ModuleType, state_of: StateOf, accounts: Accounts) -> Resolver:
    """Routes from operationIds to the snake_case functions of ``module``, each called with
    the state of the request's account (``state_of``), or with ``accounts`` (``ON_ACCOUNTS``)."""

    def function_for(operation_id: str) -> Callable[..., Any]:
        if operation_id in ANSWERED_IN_FRONT:
            return partial(_answered_in_front, operation_id)
        function = getattr(module, snake_case(operation_id))
        if operation_id in ON_ACCOUNTS:

            async def on_accounts(record: RequestRecord, **kwargs: Any) -> Any:
                return await function(accounts, record, **kwargs)

            return on_accounts

        async def bound(record: RequestRecord, **kwargs: Any) -> Any:
            kwargs.pop("account", None)  # chose the state (``state_of``); not the handler's
            return await function(state_of(record), record, **kwargs)

        return bound

    return Resolver(function_resolver=function_for)


async def _answered_in_front(operation_id: str, record: RequestRecord, **_: Any) -> Answer:
    """Reached only if the layer answering ``operation_id`` is missing from the stack."""
    return error_answer(record, 500, f"internal error: {operation_id} is not served")


def connexion_app(admin_state_of: StateOf, accounts: Accounts) -> ASGIApp:
    """The connexion app (documents checked before it is returned); the admin operations act
    on ``admin_state_of(record)``, those of ``ON_ACCOUNTS`` on ``accounts``."""
    check_documents_once()
    vendor_document = load_document(VENDOR_DOCUMENT)
    app = AsyncApp(__name__, middlewares=list(_STACK))
    use_handler_api(app)
    in_front = Resolver(
        function_resolver=lambda operation_id: partial(_answered_in_front, operation_id)
    )
    app.add_api(dict(vendor_document), base_path="", resolver=in_front)
    app.add_api(
        dict(load_document(ADMIN_DOCUMENT)),
        base_path=ADMIN_BASE_PATH,
        resolver=_resolver(admin, admin_state_of, accounts),
        pythonic_params=True,
    )
    for exception, handler in ERROR_HANDLERS:
        app.add_error_handler(exception, handler)
    return DocumentsAsWritten(build_now(app))
