"""Prism's ``Prefer`` header: answer with an example of the document instead of acting.

``Prefer: code=409`` answers that operation's example for 409; ``Prefer: example=vendor``
the named example of the lowest 2xx response; ``Prefer: code=200, example=vendor`` both.
As in Prism, the request is authenticated and validated first (an invalid request gets its
401/400 whatever it prefers), a status the operation does not declare or an example it does
not have is a 500, and the example is sent as written in the document (its ids are the
document's, not this request's). Declared response headers get Prism's static value
(the schema's example, default or minimum, else 0). The call center is not touched.

Every answer is computed at start-up; a request only looks it up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.context import context_of
from mock_server.documents import Operation, resolve
from mock_server.envelope import dumps, error_body

__all__ = ["Answer", "PreferMiddleware", "Preference", "PreferredAnswers", "parse_prefer"]

_ROUTING: Final = "connexion_routing"
_LONGEST_SHOWN: Final = 40


@dataclass(frozen=True, slots=True)
class Preference:
    """What a ``Prefer`` header asks for; both ``None``: nothing this mock honours."""

    code: str | None = None
    example: str | None = None


def parse_prefer(value: str) -> Preference:
    """Parse ``code=409, example=vendor`` (RFC 7240: preferences by commas, parameters by
    semicolons, optional quotes); unknown preferences such as ``dynamic=true`` are ignored."""
    code: str | None = None
    example: str | None = None
    for item in value.replace(";", ",").split(","):
        key, sep, raw = item.partition("=")
        if not sep:
            continue
        key = key.strip().lower()
        text = raw.strip().strip('"')
        if key == "code":
            code = text
        elif key == "example":
            example = text
    return Preference(code, example)


@dataclass(frozen=True, slots=True)
class Answer:
    """An example to send, or (``failure``) what the document lacks, for a 500."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    failure: str | None = None


@dataclass(frozen=True, slots=True)
class _Response:
    """One declared response of an operation: its examples (serialised), its headers."""

    status: int
    first: bytes | None
    named: Mapping[str, bytes]
    headers: tuple[tuple[bytes, bytes], ...]


class PreferredAnswers:
    """Every example answer of every operation, taken from the document at start-up."""

    def __init__(self, document: Mapping[str, Any], operations: Mapping[str, Operation]) -> None:
        self._responses: dict[str, dict[str, _Response]] = {}
        self._lowest_2xx: dict[str, str] = {}
        for operation in operations.values():
            responses: dict[str, _Response] = {}
            for code, response in operation.spec.get("responses", {}).items():
                if str(code).isdigit():
                    responses[str(code)] = _read_response(document, int(code), response)
            self._responses[operation.operation_id] = responses
            successes = sorted(code for code in responses if code.startswith("2"))
            if successes:
                self._lowest_2xx[operation.operation_id] = successes[0]

    def answer(self, operation_id: str, preference: Preference) -> Answer:
        """The answer for this preference, or a 500 saying what the document lacks."""
        responses = self._responses.get(operation_id, {})
        code = preference.code or self._lowest_2xx.get(operation_id)
        response = responses.get(code) if code is not None else None
        if response is None:
            return _failure(f"prefer: {operation_id} declares no response {_shown(code)}")
        if preference.example is None:
            if response.first is None:
                return _failure(f"prefer: response {code} of {operation_id} has no example")
            return Answer(response.status, response.first, response.headers)
        named = response.named.get(preference.example)
        if named is None:
            return _failure(
                f"prefer: response {code} of {operation_id} has no example "
                f"'{_shown(preference.example)}'"
            )
        return Answer(response.status, named, response.headers)


def _failure(message: str) -> Answer:
    return Answer(500, failure=message)


def _shown(text: str | None) -> str:
    """A client's value in a message, cut short."""
    text = str(text)
    return text if len(text) <= _LONGEST_SHOWN else text[:_LONGEST_SHOWN] + "…"


def _read_response(document: Mapping[str, Any], status: int, node: Any) -> _Response:
    response = resolve(document, node)
    media = response.get("content", {}).get("application/json", {})
    named = {
        name: dumps(resolve(document, example).get("value"))
        for name, example in media.get("examples", {}).items()
    }
    first = dumps(media["example"]) if "example" in media else next(iter(named.values()), None)
    headers = tuple(
        (name.lower().encode(), _static_value(resolve(document, header)).encode())
        for name, header in response.get("headers", {}).items()
    )
    return _Response(status, first, named, headers)


def _static_value(header: Mapping[str, Any]) -> str:
    schema = header.get("schema", {})
    for key in ("example", "default", "minimum"):
        if key in header or key in schema:
            return str(header.get(key, schema.get(key)))
    return "0"


class PreferMiddleware:
    """Inside connexion, after validation: answers requests that carry a ``Prefer`` header."""

    def __init__(
        self, app: ASGIApp, *, answers: PreferredAnswers, operation_ids: frozenset[str]
    ) -> None:
        self.app = app
        self._answers = answers
        self._operation_ids = operation_ids

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        operation_id = scope.get("extensions", {}).get(_ROUTING, {}).get("operation_id")
        context = context_of(scope)
        prefer = context.headers.get("prefer")
        if prefer is None or operation_id not in self._operation_ids:
            await self.app(scope, receive, send)
            return
        preference = parse_prefer(prefer)
        if preference.code is None and preference.example is None:
            await self.app(scope, receive, send)
            return
        answer = self._answers.answer(operation_id, preference)
        body = answer.body
        context.outcome = f"prefer:{answer.status}"
        if answer.failure is not None:
            body = dumps(error_body("500", answer.failure, context.request_id))
            context.outcome = "prefer:missing"
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *answer.headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
