"""The vendor operations' endpoint: every check that needs no state, then the request path.

The router (``mock_server.http.router``) hands this every request to a vendor operation's
path. It decides, in order and without the state, what answers the request when the state has
no say: the method (405), the body (415, 413, 400 too deep), the ``m7-*`` headers and the
signature (401), the body's schema (400) and a ``Prefer`` example. Then the operation's handler
takes the request through the state's one request path (``mock_server.model.request_path``:
faults, replay memory, call-state rules, journal), with the answer chosen so far if any: the
faults come before any answer, as the vendor's gateway would fail before looking at the
request, and a replay before a body the schema refuses. The table of operations is built at
start-up from the document (``mock_server.documents.vendor_routes``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from starlette.types import Receive, Scope, Send

from mock_server.http.auth import Authenticator
from mock_server.http.body_guard import BodyLimits, ClientGone, read_body
from mock_server.http.envelope import Answer, error_answer
from mock_server.http.prefer import Examples, preferred
from mock_server.http.record import RequestRecord, record_of
from mock_server.http.rejections import InvalidRequest, MalformedBody, rejection
from mock_server.model.callcenter import CallStateError
from mock_server.model.outcome import Outcome
from mock_server.model.replay import StoreUnavailable

__all__ = ["Checks", "Handler", "VendorEndpoint", "VendorRoute"]

_NO_PATH_PARAMS: Final[Mapping[str, Any]] = {}


class Checks(Protocol):
    """An operation's compiled request checks (``mock_server.documents.validation``)."""

    async def validate(
        self, record: RequestRecord, path_params: Mapping[str, Any], receive: Receive
    ) -> Any:
        """The parsed body, or ``InvalidRequest`` / ``MalformedBody``."""


#: An operation's handler with the state bound: ``(record, body, answer so far) -> Answer``;
#: the body is ``None`` unless it passed every check and no answer is chosen.
Handler = Callable[[RequestRecord, Any, "Answer | None"], Awaitable[Answer]]


@dataclass(frozen=True, slots=True)
class VendorRoute:
    """One vendor operation: what the endpoint needs to answer it."""

    method: str
    operation_id: str
    checks: Checks
    handler: Handler


class VendorEndpoint:
    """Answers the requests to the vendor operations' paths (``routes``, by path)."""

    def __init__(
        self,
        *,
        routes: Mapping[str, VendorRoute],
        authenticator: Authenticator,
        body_limits: BodyLimits,
        examples: Examples,
        resolve: Callable[[RequestRecord], Awaitable[None]] | None = None,
        read_clock: Callable[[str | None], Awaitable[object]] | None = None,
    ) -> None:
        #: Reads the app key's account clock afresh from the state (on a shared store the
        #: copy this worker judged by may be older than another worker's change).
        self._read_clock = read_clock
        #: Brings the request's account in line with the shared state and holds it (accounts
        #: created at run time: ``mock_server.http.account_resolver.hold``) before the
        #: signature is checked.
        self._resolve = resolve
        self._routes = routes
        self._authenticator = authenticator
        self._body_limits = body_limits
        self._examples = examples

    def serves(self, path: str) -> bool:
        """Whether ``path`` is a vendor operation's."""
        return path in self._routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._routes[scope["path"]]
        record = record_of(scope)
        if self._resolve is not None:
            await self._resolve(record)
        try:
            chosen, body = await self._stateless(scope, receive, record, route)
        except ClientGone:
            return
        try:
            answer = await route.handler(record, body, chosen)
        except CallStateError:  # its account was removed while this request ran
            answer = error_answer(
                record, 401, "m7-appkey: unknown app key", outcome=Outcome.AUTH_APPKEY
            )
        except StoreUnavailable as unavailable:
            retry = [(b"retry-after", str(unavailable.retry_after).encode())]
            answer = error_answer(record, 503, unavailable.reason, headers=retry)
        await answer.send(send)

    async def _stateless(
        self, scope: Scope, receive: Receive, record: RequestRecord, route: VendorRoute
    ) -> tuple[Answer | None, Any]:
        """The answer the checks without state chose (``None``: none) and the valid body."""
        if scope["method"] != route.method:
            message = f"method: {scope['method']} is not allowed on {record.path}"
            allowed = [(b"allow", route.method.encode())]
            return error_answer(
                record, 405, f"{message} (allowed: {route.method})", headers=allowed
            ), None
        refused = await read_body(record, receive, self._body_limits, json_only=True)
        if refused is None:
            refused = self._authenticator.refusal(record, scope["headers"])
            if refused is not None and record.outcome == Outcome.AUTH_CLOCK and self._read_clock:
                await self._read_clock(record.app_key)  # judged again on the clock as it is
                refused = self._authenticator.refusal(record, scope["headers"])
        if refused is not None:
            return refused, None
        try:
            body = await route.checks.validate(record, _NO_PATH_PARAMS, receive)
        except (InvalidRequest, MalformedBody) as failed:
            return rejection(record, failed), None
        record.payload = body
        example = preferred(record, self._examples, route.operation_id)
        return (example, None) if example is not None else (None, body)
