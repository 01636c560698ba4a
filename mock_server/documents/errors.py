"""connexion's error handlers, turning every failure inside connexion into the error envelope.

connexion answers failures with ``application/problem+json``; the vendor's clients expect
the envelope, so each kind of failure is mapped here: a body that is not JSON or does not
match its schema (400, every violation listed), a refusal of the call center or an
impossible scenario or fault plan on the admin API, connexion's own problems (a wrong
content type on the admin API, a bad path parameter, ...), starlette's 404 and 405, and any
other exception (raised on to the lifecycle layer, which answers 500 and logs the traceback). Each answers through
``error_answer``, like every other layer, and converts the answer to connexion's response.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Final

from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from mock_server.http.envelope import JSON_CONTENT_TYPE, Answer, error_answer
from mock_server.http.record import record_of
from mock_server.http.rejections import InvalidRequest, MalformedBody, rejection
from mock_server.model.callcenter import CallStateError
from mock_server.model.faults import FaultsError
from mock_server.model.field_error import FieldError
from mock_server.model.outcome import Outcome
from mock_server.model.scenario import ScenarioError
from mock_server.model.store_errors import StateStoreUnavailable

__all__ = ["ERROR_HANDLERS"]

logger = logging.getLogger("mock_server")

_LONGEST_PATH: Final = 120


def _respond(
    request: ConnexionRequest,
    status: int,
    message: str,
    *,
    code: str | None = None,
    outcome: Outcome | None = None,
    action_id: str | None = None,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> ConnexionResponse:
    """The envelope response; ``code`` defaults to the status, ``outcome`` to the code."""
    answer = error_answer(
        record_of(request.scope),
        status,
        message,
        code=code,
        outcome=outcome,
        action_id=action_id,
        errors=errors,
    )
    return _converted(answer, headers)


def _converted(answer: Answer, headers: Mapping[str, str] | None = None) -> ConnexionResponse:
    """connexion's response for an ``Answer``."""
    return ConnexionResponse(
        status_code=answer.status,
        mimetype=JSON_CONTENT_TYPE,
        body=answer.body,
        headers=dict(headers or {}),
    )


def _shown_path(request: ConnexionRequest) -> str:
    path: str = request.scope["path"]
    return path if len(path) <= _LONGEST_PATH else path[:_LONGEST_PATH] + "…"


async def on_rejection(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """A body that is not JSON, or a request that does not match its schema (400)."""
    assert isinstance(exc, InvalidRequest | MalformedBody)  # noqa: S101 - registered for these
    return _converted(rejection(record_of(request.scope), exc))


async def on_call_state(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """A refusal of the call center on the admin API (the vendor handlers answer theirs)."""
    assert isinstance(exc, CallStateError)  # noqa: S101 - registered for this type only
    return _respond(request, exc.status, exc.message, code=exc.code)


async def on_invalid_argument(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """An impossible scenario or fault plan sent to the admin API (400, code 40002)."""
    if isinstance(exc, FaultsError):
        return _respond(request, 400, str(exc), code="40002", errors=exc.errors)
    return _respond(request, 400, f"scenario: {exc}", code="40002")


async def on_http_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """starlette's 404/405 and connexion's problems (which are HTTPExceptions too)."""
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for this type only
    status = exc.status_code
    headers = dict(exc.headers or {})
    if status == 404:
        message = f"path: no operation at {_shown_path(request)}"
    elif status == 405:
        allowed = headers.get("Allow", "")
        message = f"method: {request.scope['method']} is not allowed on {_shown_path(request)}"
        if allowed:
            message += f" (allowed: {allowed})"
    else:
        detail: Any = exc.detail
        title: Any = getattr(exc, "title", None)
        message = str(detail or title or "request failed")
    if status >= 500:
        logger.error("connexion problem %s: %s", status, message)
    return _respond(request, status, message, headers=headers)


async def on_state_store(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """The shared state store did not answer (503): nothing changed, the client may retry."""
    logger.warning("%s %s: %s", request.scope["method"], request.scope["path"], exc)
    return _respond(
        request, 503, str(exc), outcome=Outcome.STATE_DOWN, headers={"Retry-After": "1"}
    )


async def on_unexpected(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Any other exception: raised on, past connexion, to ``mock_server.http.lifecycle``,
    the mock's one last-resort handler (500 envelope, traceback to the log). Registered so
    that connexion's own handler does not answer with ``application/problem+json``."""
    raise exc


#: (exception type, handler) pairs for ``add_error_handler``.
ERROR_HANDLERS: Final = (
    (InvalidRequest, on_rejection),
    (MalformedBody, on_rejection),
    (CallStateError, on_call_state),
    (ScenarioError, on_invalid_argument),
    (FaultsError, on_invalid_argument),
    (HTTPException, on_http_error),
    (StateStoreUnavailable, on_state_store),
    (Exception, on_unexpected),
)
