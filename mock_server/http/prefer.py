"""Prism's ``Prefer`` header: answer with an example of the document instead of acting.

``Prefer: code=409`` answers that operation's example for 409; ``Prefer: example=vendor``
the named example of the lowest 2xx response; ``Prefer: code=200, example=vendor`` both.
As in Prism, the request is authenticated and validated first (an invalid request gets its
401/400 whatever it prefers), and the call center is not touched. The examples come from
the document at start-up (``mock_server.documents.prefer_answers``); a request only looks one up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from mock_server.http.envelope import Answer, error_answer
from mock_server.http.record import RequestRecord
from mock_server.model.outcome import Outcome

__all__ = ["Example", "Examples", "Preference", "parse_prefer", "preferred"]


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
class Example:
    """An example to send, or (``failure``) what the document lacks, for a 500."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    failure: str | None = None


class Examples(Protocol):
    """Where the examples come from (the document, read at start-up)."""

    def example(self, operation_id: str, preference: Preference) -> Example:
        """The example for this preference, or a failure saying what the document lacks."""


def preferred(record: RequestRecord, examples: Examples, operation_id: str) -> Answer | None:
    """The answer to the request's ``Prefer`` header, or ``None`` when it has none to honour."""
    prefer = record.headers.get("prefer")
    if prefer is None:
        return None
    preference = parse_prefer(prefer)
    if preference.code is None and preference.example is None:
        return None
    example = examples.example(operation_id, preference)
    if example.failure is not None:
        return error_answer(record, 500, example.failure, outcome=Outcome.PREFER_MISSING)
    record.outcome = Outcome.prefer(example.status)
    return Answer(example.status, example.body, example.headers)
