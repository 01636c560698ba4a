"""The vendor's response envelopes, and the three ways the mock sends one.

Every response of the mock is JSON in one of two shapes of the document: ``SuccessEnvelope``
(filled like the vendor's examples) or ``ErrorEnvelope`` (``success: false``, a string
``code``, a ``message`` naming the field or header at fault, the ``requestId``). Pure ASGI
layers answer with ``send_json``, handlers return ``json_response``; both serialise with
orjson, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Final

import orjson
from starlette.responses import Response
from starlette.types import Send

__all__ = [
    "JSON_CONTENT_TYPE",
    "FieldError",
    "Span",
    "call_service_time",
    "dumps",
    "error_body",
    "json_response",
    "send_json",
    "success_body",
]

JSON_CONTENT_TYPE: Final = "application/json"
_JSON_HEADER: Final = (b"content-type", b"application/json")

#: The call service's clock is China Standard Time; its times carry no zone of their own.
_UTC8: Final = timezone(timedelta(hours=8))
#: Constants of the vendor's success example.
_VERSION: Final = "2020102501"
_SERVICE_OK: Final = "call-api-server-ok"
_PROXY_BASE: Final = "http://v7-call/call"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One violation: where (``body.actionId``, a header name) and what."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Span:
    """The four instants of ``requestInfo.span``, in Unix milliseconds."""

    request_start: int
    proxy_start: int
    proxy_end: int
    request_end: int


def dumps(value: object) -> bytes:
    """JSON bytes (UTF-8, no ASCII escaping, as the vendor sends Chinese text)."""
    return orjson.dumps(value)


def error_body(
    code: str,
    message: str,
    request_id: str,
    *,
    action_id: str | None = None,
    errors: Sequence[FieldError] = (),
) -> dict[str, Any]:
    """An ``ErrorEnvelope``; ``actionId`` and ``errors`` only when there is something to say."""
    body: dict[str, Any] = {
        "success": False,
        "code": code,
        "message": message,
        "requestId": request_id,
    }
    if action_id is not None:
        body["actionId"] = action_id
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return body


def call_service_time(epoch_ms: int) -> str:
    """``YYYY-MM-DD HH:MM:SS.mmm`` in UTC+8, the call service's format."""
    return f"{_second_in_utc8(epoch_ms // 1000)}{epoch_ms % 1000:03d}"


@lru_cache(maxsize=4)
def _second_in_utc8(epoch_seconds: int) -> str:
    """``YYYY-MM-DD HH:MM:SS.`` of one second; cached because a second serves thousands of
    responses and datetime + strftime were 6% of the mock's time per request."""
    moment = datetime.fromtimestamp(epoch_seconds, UTC).astimezone(_UTC8)
    return moment.strftime("%Y-%m-%d %H:%M:%S.")


def success_body(
    *,
    body: Mapping[str, Any],
    path: str,
    request_id: str,
    system_id: str,
    media_server: str,
    span: Span,
) -> dict[str, Any]:
    """A ``SuccessEnvelope`` as the vendor fills it (see the document's examples).

    ``requestInfo.body`` is the body exactly as received; ``actionId`` is the body's, or the
    system request id when the body has none.
    """
    action_id = body.get("actionId", system_id)
    return {
        "success": True,
        "code": "200",
        "message": "requestSuccess",
        "data": {
            "code": 200,
            "startTime": call_service_time(span.proxy_start),
            "endTime": call_service_time(span.proxy_end),
            "timezone": "UTC+8",
            "version": _VERSION,
            "request": {"requestId": system_id},
            "response": {"data": {"mediaServer": media_server}, "message": _SERVICE_OK},
            "message": _SERVICE_OK,
        },
        "requestInfo": {
            "requestId": request_id,
            "url": path,
            "proxyUrl": _PROXY_BASE + path,
            "body": body,
            "span": {
                "requestStartTime": span.request_start,
                "proxyStartTime": span.proxy_start,
                "proxyEndTime": span.proxy_end,
                "reqEndTime": span.request_end,
                "bizSpan": f"{span.proxy_end - span.proxy_start}ms",
                "latency": f"{span.proxy_start - span.request_start}ms",
            },
        },
        "actionId": action_id,
    }


def json_response(status: int, body: object, headers: Mapping[str, str] | None = None) -> Response:
    """A starlette response for handlers and connexion error handlers."""
    return Response(dumps(body), status_code=status, media_type=JSON_CONTENT_TYPE, headers=headers)


async def send_json(
    send: Send,
    status: int,
    body: object,
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    """Answer from a pure ASGI layer, without building a response object."""
    payload = dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                _JSON_HEADER,
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
