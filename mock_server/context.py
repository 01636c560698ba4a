"""The per-request record every layer of the mock reads and annotates.

The transport layer creates one ``RequestContext`` per request and puts it in the ASGI
scope; later layers add what they learn (the app key, the body, the outcome) so that the
access log and the journal can say what happened without each layer logging on its own.
Handlers reach it through connexion's request context, never through a global.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from connexion import context as connexion_context
from starlette.types import Scope, Send

if TYPE_CHECKING:
    from mock_server.state import MockState

__all__ = ["SCOPE_KEY", "RequestContext", "context_of", "current"]

#: The ASGI scope key holding the ``RequestContext``.
SCOPE_KEY: Final = "m7_mock"


@dataclass(slots=True, eq=False)
class RequestContext:
    """What is known about one request so far."""

    state: MockState
    request_id: str
    method: str
    path: str
    #: Request headers, lower-case names, decoded as latin-1 (the last of repeated ones).
    headers: dict[str, str]
    #: The server clock at arrival, in Unix seconds.
    started: float
    #: The server's own ``send``, unwrapped (a drop fault needs the connection under it).
    raw_send: Send
    app_key: str | None = None
    #: The request body as received (set by the body guard on the routes it reads).
    body: bytes | None = None
    #: The body parsed and validated (set by the validation layer), for the handler.
    payload: Any = None
    #: How the request ended, for the log and the journal: "ok", "auth:replay", "40903", ...
    outcome: str = "ok"
    status: int | None = None

    def now_ms(self) -> int:
        """The server clock now, in Unix milliseconds."""
        return int(self.state.settings.clock() * 1000)


def context_of(scope: Scope) -> RequestContext:
    """The request's context (the transport layer always sets it on HTTP requests)."""
    context: RequestContext = scope[SCOPE_KEY]
    return context


def current() -> RequestContext:
    """The context of the request a connexion handler is serving."""
    return context_of(connexion_context.scope)
