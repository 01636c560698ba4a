"""How one HTTP exchange becomes a :class:`SuccessEnvelope` or an :class:`M7Error`.

The generated functions parse documented responses; this module copes with the rest
(an undocumented status, a proxy's HTML page, a failure envelope sent with 200) so a
caller always gets either the typed envelope or an error from the one hierarchy.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from m7_openapi.models import ErrorEnvelope, FieldError, SuccessEnvelope

from ._config import Credentials
from ._errors import (
    AuthError,
    CallStateError,
    M7Error,
    RateLimited,
    RequestError,
    ServerError,
    TransportError,
)

__all__ = [
    "error_for_response",
    "error_for_transport",
    "parse",
    "request_id_of",
    "success_or_raise",
]

_CALL_STATE_CODE = re.compile(r"[0-9]{5}")
_SNIPPET = 120
#: Failures where the request cannot have reached the server, so resending is safe.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _redact(text: str, credentials: Credentials) -> str:
    """Belt and braces: a server or proxy must not get the secret into our texts.

    The functions here take the :class:`Credentials`, never the bare secret: they are frames
    of the traceback of every failed call, and a test runner prints a frame's arguments
    (pytest's long tracebacks, ``--showlocals``); the credentials' repr hides the secret.
    """
    secret = credentials.secret_key
    return text.replace(secret, "[secret]") if secret else text


def _error_class(status: int, code: str) -> type[M7Error]:
    """The class for a failure; the HTTP status decides, a 5-digit code marks call state.

    A failure envelope sent with 200 (some gateways do) is classed by its 3-digit code.
    """
    if status < 400 and code.isdigit() and len(code) == 3:
        status = int(code)
    if status == 401:
        return AuthError
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServerError
    if status in (403, 409) or _CALL_STATE_CODE.fullmatch(code):
        return CallStateError
    if status >= 400:
        return RequestError
    return M7Error


def _retry_after(headers: httpx.Headers) -> float | None:
    """``Retry-After`` in seconds; an HTTP date or garbage counts as absent."""
    try:
        seconds = float(headers.get("retry-after", ""))
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(content)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _field_errors(items: object) -> list[FieldError]:
    if not isinstance(items, list):
        return []
    return [
        FieldError(field=str(item.get("field", "")), message=str(item.get("message", "")))
        for item in items
        if isinstance(item, dict)
    ]


def _unreadable(response: httpx.Response) -> str:
    """A clear message for a body that is not an envelope, e.g. a proxy's HTML 502."""
    kind = response.headers.get("content-type", "no content-type")
    text = " ".join(response.content.decode("utf-8", "replace").split())
    snippet = text if len(text) <= _SNIPPET else text[:_SNIPPET] + "…"
    return (
        f"HTTP {response.status_code} {response.reason_phrase} with a body that is not "
        f"the API's JSON envelope ({kind}): {snippet!r}"
    )


def _header_request_id(response: httpx.Response, credentials: Credentials) -> str | None:
    """The ``x-request-id`` header: the id to quote when the body carries none (a proxy's
    page, an empty 503), so that no failure loses it."""
    value = response.headers.get("x-request-id")
    return _redact(value, credentials) if value else None


def parse(response: httpx.Response) -> SuccessEnvelope | ErrorEnvelope | None:
    """The generated model of a documented body: the success envelope for a 200, else the
    error envelope; None for a body neither model can read (an HTML page, a bare list)."""
    body = _json_object(response.content)
    if body is None:
        return None
    model = SuccessEnvelope if response.status_code == 200 else ErrorEnvelope
    try:
        return model.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError):  # the model's own parse failures
        return None


def error_for_response(
    response: httpx.Response, parsed: object, *, credentials: Credentials
) -> M7Error:
    """The error for a response that is not a success, whatever its body looks like."""
    status = response.status_code
    envelope = parsed.to_dict() if isinstance(parsed, ErrorEnvelope) else None
    if envelope is None:
        body = _json_object(response.content)
        if (
            body is not None
            and body.get("success") is not True
            and {"code", "message"} <= set(body)
        ):
            envelope = body  # a failure envelope the generated parser did not expect
    if envelope is None:
        if status == 200:
            message = "HTTP 200 with a body that is not the documented SuccessEnvelope"
        else:
            message = _unreadable(response)
        code = str(status)
        cls = _error_class(status, code)
        return cls(
            _redact(message, credentials),
            status=status,
            code=code,
            request_id=_header_request_id(response, credentials),
            retry_after=_retry_after(response.headers),
        )
    code = str(envelope.get("code", status))
    request_id = envelope.get("requestId")
    action_id = envelope.get("actionId")
    errors = [
        FieldError(field=_redact(e.field, credentials), message=_redact(e.message, credentials))
        for e in _field_errors(envelope.get("errors"))
    ]
    return _error_class(status, code)(
        _redact(str(envelope.get("message", "")), credentials),
        status=status,
        code=_redact(code, credentials),
        request_id=(
            _redact(str(request_id), credentials)
            if request_id is not None
            else _header_request_id(response, credentials)
        ),
        action_id=str(action_id) if action_id is not None else None,
        errors=errors,
        retry_after=_retry_after(response.headers),
    )


def success_or_raise(
    response: httpx.Response, parsed: object, *, credentials: Credentials
) -> SuccessEnvelope:
    """The typed envelope of a 200 success, else raise the matching :class:`M7Error`."""
    if response.status_code == 200 and isinstance(parsed, SuccessEnvelope) and parsed.success:
        return parsed
    raise error_for_response(response, parsed, credentials=credentials)


def _shown_url(exc: httpx.TransportError, credentials: Credentials) -> str | None:
    """The URL the failed request went to, fit to print: no user name, password, query or
    fragment (a base URL may carry a proxy's credentials; the API's secret is never in a URL,
    and is redacted all the same)."""
    try:
        url = exc.request.url
    except RuntimeError:  # an exception raised without its request
        return None
    return _redact(str(url.copy_with(userinfo=b"", query=None, fragment=None)), credentials)


def error_for_transport(exc: httpx.TransportError, *, credentials: Credentials) -> TransportError:
    """The error for an exchange that got no response, naming the URL tried and saying
    whether it may have acted."""
    sent = not isinstance(exc, _NOT_SENT)
    detail = _redact(str(exc) or type(exc).__name__, credentials)
    url = _shown_url(exc, credentials)
    where = f" {url}" if url else ""
    if sent:
        message = (
            f"{type(exc).__name__} on POST{where}: {detail}; the request may have reached the "
            "server and the action may have happened, so it was not retried"
        )
    else:
        message = f"{type(exc).__name__}: could not connect to{where or ' the server'}: {detail}"
    return TransportError(message, request_sent=sent, url=url)


def request_id_of(response: httpx.Response, parsed: object) -> str | None:
    """The request id to log: the success envelope's, the error envelope's, or none."""
    if isinstance(parsed, SuccessEnvelope):
        return parsed.request_info.request_id
    if isinstance(parsed, ErrorEnvelope):
        return parsed.request_id
    body = _json_object(response.content)
    value = body.get("requestId") if body else None
    return str(value) if value is not None else None
