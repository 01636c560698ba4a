"""The fast path of the five vendor operations: validation, ``Prefer`` and the handler.

After authentication, a request for one of the vendor operations is looked up in a table
built at start-up from the document (``mock_server.spec.vendor_routes``): its compiled
body checks, its ``Prefer`` examples and its handler. It is answered here, without
connexion's routing stack; everything else (the admin API, both Swagger UIs, the 404 and
405 of unknown paths and methods, trailing slashes) goes on to connexion. The answers are
the same either way: the same checks, the same envelope, the same handlers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.http.envelope import Answer
from mock_server.http.prefer import Examples, preferred
from mock_server.http.record import RequestRecord, record_of
from mock_server.http.rejections import InvalidRequest, MalformedBody, rejection

__all__ = ["Checks", "VendorDispatch", "VendorRoute"]

_NO_PATH_PARAMS: Final[Mapping[str, Any]] = {}


class Checks(Protocol):
    """An operation's compiled request checks (``mock_server.spec.validation``)."""

    async def validate(
        self, record: RequestRecord, path_params: Mapping[str, Any], receive: Receive
    ) -> Any:
        """The parsed body, or ``InvalidRequest`` / ``MalformedBody``."""


@dataclass(frozen=True, slots=True)
class VendorRoute:
    """One vendor operation: what the fast path needs to answer it."""

    operation_id: str
    checks: Checks
    #: The handler with the state bound: ``(record, body) -> Answer``.
    handler: Callable[[RequestRecord, Any], Awaitable[Answer]]


class VendorDispatch:
    """Answers the vendor operations from ``routes``; passes every other request on."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: Mapping[tuple[str, str], VendorRoute],
        examples: Examples,
    ) -> None:
        self.app = app
        self._routes = routes
        self._examples = examples

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = (
            self._routes.get((scope["method"], scope["path"])) if scope["type"] == "http" else None
        )
        if route is None:
            await self.app(scope, receive, send)
            return
        record = record_of(scope)
        try:
            body = await route.checks.validate(record, _NO_PATH_PARAMS, receive)
        except (InvalidRequest, MalformedBody) as failed:
            answer = rejection(record, failed)
        else:
            record.payload = body
            answer = preferred(record, self._examples, route.operation_id) or await route.handler(
                record, body
            )
        await answer.send(send)
