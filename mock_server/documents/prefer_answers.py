"""The ``Prefer`` examples of the vendor document, every one computed at start-up.

``PreferredAnswers.example`` looks one up for an operation and a ``Preference``: the example
for a status (``code=409``), a named example of the lowest 2xx response (``example=vendor``),
or both. A status the operation does not declare or an example it does not have is a 500
naming what the document lacks. Declared response headers get Prism's static value (the
schema's example, default or minimum, else 0). The example is sent as written in the
document (its ids are the document's, not this request's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from mock_server.documents.facts import Operation, resolve
from mock_server.http.envelope import dumps
from mock_server.http.prefer import Example, Preference

__all__ = ["PreferredAnswers"]

_LONGEST_SHOWN: Final = 40


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

    def example(self, operation_id: str, preference: Preference) -> Example:
        """The answer for this preference, or a 500 saying what the document lacks."""
        responses = self._responses.get(operation_id, {})
        code = preference.code or self._lowest_2xx.get(operation_id)
        response = responses.get(code) if code is not None else None
        if response is None:
            return _failure(f"prefer: {operation_id} declares no response {_shown(code)}")
        if preference.example is None:
            if response.first is None:
                return _failure(f"prefer: response {code} of {operation_id} has no example")
            return Example(response.status, response.first, response.headers)
        named = response.named.get(preference.example)
        if named is None:
            return _failure(
                f"prefer: response {code} of {operation_id} has no example "
                f"'{_shown(preference.example)}'"
            )
        return Example(response.status, named, response.headers)


def _failure(message: str) -> Example:
    return Example(500, failure=message)


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
