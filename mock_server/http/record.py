"""The per-request record every layer of the mock reads and annotates.

The lifecycle layer creates one ``RequestRecord`` per request and puts it in the ASGI
scope; later layers add what they learn (the app key, the body, the outcome) so that the
access log and the journal can say what happened without each layer logging on its own.
It holds facts about the request only, never the state: a layer gets the parts of the
state it needs at construction, a handler gets the state as an argument.

Who fills what: the lifecycle every field up to ``drop``; authentication ``app_key``
and ``replay_key``;
the body guard ``body``; validation ``payload``; whoever answers ``outcome`` (through
``mock_server.http.envelope``, or directly for a success); the lifecycle ``status``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final

from starlette.types import Scope

from mock_server.model.outcome import Outcome

__all__ = ["DROP_EXTENSION", "SCOPE_KEY", "SERVER_STATUS_KEY", "RequestRecord", "record_of"]

#: The ASGI scope key holding the ``RequestRecord``.
SCOPE_KEY: Final = "m7_mock"
#: The ASGI extension (``scope["extensions"]``) by which a server lets the app close a
#: request's connection without an answer: ``mock_server.server`` offers it under uvicorn.
DROP_EXTENSION: Final = "m7.drop"
#: The ASGI scope key where a server writes the status it answered a request with itself
#: (``mock_server.server``: the 408 of a body not received in time), for the access log.
SERVER_STATUS_KEY: Final = "m7.server_status"


@dataclass(slots=True, eq=False)
class RequestRecord:
    """What is known about one request so far."""

    request_id: str
    method: str
    path: str
    #: Request headers, lower-case names, decoded as latin-1 (the last of repeated ones).
    headers: dict[str, str]
    #: The server clock at arrival, in Unix seconds.
    started: float
    #: Closes the connection without an answer, when the server offers it (``DROP_EXTENSION``).
    drop: Callable[[], Awaitable[None]] | None
    #: The raw query string (the admin API reads its ``account`` from it).
    query_string: bytes = b""
    app_key: str | None = None
    #: The request body as received (set by the body guard on the routes it reads).
    body: bytes | None = None
    #: The body parsed and validated (set by the validation), for the handler.
    payload: Any = None
    #: The declared query parameters, converted and validated (set by the validation).
    query: dict[str, Any] = field(default_factory=dict)
    #: How the request ended, for the access log and the journal.
    outcome: Outcome = Outcome.OK
    #: The status sent (``None`` until the response starts, or when the request was dropped).
    status: int | None = None
    #: The ``sign + nonce`` of a verified signature, for the request path's replay memory.
    replay_key: str | None = None
    #: The journal entry was written already (with the accepted action, by the request path).
    journaled: bool = False
    #: Lets go of what the request holds until it ends (its account, so that no worker
    #: forgets it meanwhile: ``mock_server.http.account_resolver``); the lifecycle calls it.
    release: Callable[[], None] | None = None


def record_of(scope: Scope) -> RequestRecord:
    """The request's record (the lifecycle layer always sets it on HTTP requests)."""
    record: RequestRecord = scope[SCOPE_KEY]
    return record
