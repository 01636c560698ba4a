"""The vendor's response envelopes, and the one way every layer answers with one.

Every response of the mock is JSON in one of two shapes of the document: ``SuccessEnvelope``
(filled like the vendor's examples) or ``ErrorEnvelope`` (``success: false``, a string
``code``, a ``message`` naming the field or header at fault, the ``requestId``).

An answer is an ``Answer`` (status, serialised body, headers): ``error_answer`` builds the
error envelope for a request and writes its ``Outcome`` in the request record, so no layer
can refuse a request without saying why; ``json_answer`` wraps any other JSON. A pure ASGI
layer sends an ``Answer`` (``send_error`` does both steps), a handler returns one, and the
connexion error handlers convert one (``mock_server.documents.errors``). Bodies are serialised
with orjson, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Final

import orjson
from starlette.types import Send

from mock_server.http.record import RequestRecord
from mock_server.model.field_error import FieldError
from mock_server.model.outcome import Outcome

__all__ = [
    "JSON_CONTENT_TYPE",
    "Answer",
    "FieldError",
    "Span",
    "call_service_time",
    "dumps",
    "empty_answer",
    "error_answer",
    "error_body",
    "json_answer",
    "send_error",
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


Headers = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """A finished JSON response: the status, the serialised body and extra headers."""

    status: int
    body: bytes
    headers: Headers = ()

    async def send(self, send: Send) -> None:
        """Send it from a pure ASGI layer, without building a response object."""
        framing = (
            [_JSON_HEADER, (b"content-length", str(len(self.body)).encode())]
            if self.status != 204  # no content: neither a type nor a length (RFC 9110)
            else []
        )
        await send(
            {
                "type": "http.response.start",
                "status": self.status,
                "headers": [*framing, *self.headers],
            }
        )
        await send({"type": "http.response.body", "body": self.body})


def empty_answer(status: int = 204) -> Answer:
    """An answer without content (204: a removal done)."""
    return Answer(status, b"")


def json_answer(status: int, body: object, headers: Iterable[tuple[bytes, bytes]] = ()) -> Answer:
    """Any JSON value as an answer (a success envelope, an admin API document)."""
    return Answer(status, dumps(body), tuple(headers))


def error_answer(
    record: RequestRecord,
    status: int,
    message: str,
    *,
    code: str | None = None,
    outcome: Outcome | None = None,
    action_id: str | None = None,
    errors: Sequence[FieldError] = (),
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> Answer:
    """The error envelope answering ``record``; ``code`` defaults to the status and the
    outcome written in the record to the code (``413``, ``40903``)."""
    code = code or str(status)
    record.outcome = outcome if outcome is not None else Outcome(code)
    body = error_body(code, message, record.request_id, action_id=action_id, errors=errors)
    return Answer(status, dumps(body), tuple(headers))


async def send_error(
    send: Send,
    record: RequestRecord,
    status: int,
    message: str,
    *,
    code: str | None = None,
    outcome: Outcome | None = None,
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    """``error_answer``, sent from a pure ASGI layer."""
    answer = error_answer(record, status, message, code=code, outcome=outcome, headers=headers)
    await answer.send(send)
