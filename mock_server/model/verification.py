"""Verification: did a client send the requests its test expects, and if not, what came close.

The journal holds what each request was and how it ended; a verification counts the entries
that match a pattern (an operation, and optionally fields of the request body, the app key,
the status, the outcome) against a rule (exactly, at least or at most n). When the rule does
not hold, it names the nearest requests and what differed in each, so that a failing test
says "hangupChannel was sent once, for agentNumber 9530, not 9527" rather than "0 != 1".
This is the project's own logic (WireMock's near misses, for this vendor's requests): no
library knows the journal's shape or what an authentication failure means here.

A request that authentication refused, or refused for its form (its body, method or size),
does not match unless the pattern names its ``status`` or ``outcome``: a call the vendor
would have refused is not a call made; it shows among the nearest, with the reason. When
too many requests match, the nearest are the matching ones (the surplus), newest first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal

from mock_server.model.callcenter import CallStateError
from mock_server.model.document_files import VENDOR_DOCUMENT, load_document
from mock_server.model.outcome import Outcome

__all__ = ["COUNT_RULES", "NEAREST", "Difference", "Verdict", "body_fields", "verify"]

#: How many near misses a verdict names at most.
NEAREST: Final = 3
#: The count rules, by the admin API's names.
COUNT_RULES: Final = ("exactly", "atLeast", "atMost")
#: Outcomes of a request refused for its form before anything acted on it (its body, its
#: method, its size): like one refused by authentication, not a call made.
_REFUSED_AS_SENT: Final = frozenset(
    {Outcome.VALIDATION, Outcome.JSON, *(Outcome.status(s) for s in (400, 405, 413, 414, 415, 431))}
)
#: Outcomes of a request authentication refused.
_REFUSED_BY_AUTHENTICATION: Final = frozenset(o for o in Outcome if o.name.startswith("AUTH_"))
#: Keys of a pattern that are facts of the entry, not fields of the request body.
_ENTRY_KEYS: Final = ("appKey", "status", "outcome")

Rule = Literal["exactly", "atLeast", "atMost"]


@dataclass(frozen=True, slots=True)
class Difference:
    """One way a request differs from the pattern."""

    field: str
    expected: Any
    actual: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "expected": self.expected, "actual": self.actual}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the rule holds, how many requests matched, and the nearest misses."""

    holds: bool
    matched: int
    nearest: tuple[tuple[Mapping[str, Any], tuple[Difference, ...]], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "holds": self.holds,
            "matched": self.matched,
            "nearest": [
                {
                    "requestId": entry.get("requestId"),
                    "time": entry.get("time"),
                    "operation": entry.get("operation"),
                    "status": entry.get("status"),
                    "outcome": entry.get("outcome"),
                    "appKey": entry.get("appKey"),
                    "body": entry.get("body"),
                    "differences": [d.to_dict() for d in differences],
                }
                for entry, differences in self.nearest
            ],
        }


@cache
def body_fields(operation: str) -> tuple[str, ...]:
    """The fields of ``operation``'s request body, as the vendor document declares them."""
    document = load_document(VENDOR_DOCUMENT)
    for item in document.get("paths", {}).values():
        for spec in item.values():
            if isinstance(spec, dict) and spec.get("operationId") == operation:
                schema = spec["requestBody"]["content"]["application/json"]["schema"]
                if "$ref" in schema:
                    schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
                return tuple(schema.get("properties", {}))
    return ()


def _check_pattern(operation: str, where: Mapping[str, Any]) -> None:
    """``CallStateError`` (400, 40002) for a key of ``where`` that no request can have: a
    misspelt field would match nothing, and "never" would always hold."""
    known = (*body_fields(operation), *_ENTRY_KEYS)
    for key in where:
        if key not in known:
            raise CallStateError(
                400,
                "40002",
                f"where.{key}",
                f"where.{key}: {operation} has no such field; its body's fields are "
                + ", ".join(body_fields(operation))
                + ", and a pattern may also name "
                + ", ".join(_ENTRY_KEYS),
            )


def verify(
    entries: Sequence[Mapping[str, Any]],
    operation: str,
    where: Mapping[str, Any],
    rule: Rule,
    count: int,
) -> Verdict:
    """Count the journal ``entries`` (oldest first) that match; judge ``rule`` ``count``.
    A key of ``where`` that is no field of the operation's body nor a fact of the entry is
    refused (``CallStateError``, 40002)."""
    _check_pattern(operation, where)
    misses: list[tuple[int, Mapping[str, Any], tuple[Difference, ...]]] = []
    matches: list[Mapping[str, Any]] = []
    for age, entry in enumerate(reversed(entries)):  # newest first: ties go to the newest
        differences = _differences(entry, operation, where)
        if differences:
            misses.append((age, entry, differences))
        else:
            matches.append(entry)
    matched = len(matches)
    holds = {
        "exactly": matched == count,
        "atLeast": matched >= count,
        "atMost": matched <= count,
    }[rule]
    nearest: tuple[tuple[Mapping[str, Any], tuple[Difference, ...]], ...] = ()
    if not holds and matched > count:
        # Too many: the requests that broke the rule are the matching ones, newest first.
        nearest = tuple((entry, ()) for entry in matches[:NEAREST])
    elif not holds:
        # The same operation first, then the fewest differences, then the newest.
        misses.sort(key=lambda miss: (_other_operation(miss[2]), len(miss[2]), miss[0]))
        nearest = tuple((entry, differences) for _, entry, differences in misses[:NEAREST])
    return Verdict(holds=holds, matched=matched, nearest=nearest)


def _differences(
    entry: Mapping[str, Any], operation: str, where: Mapping[str, Any]
) -> tuple[Difference, ...]:
    found: list[Difference] = []
    if entry.get("operation") != operation:
        found.append(Difference("operation", operation, entry.get("operation")))
    outcome = str(entry.get("outcome") or "")
    if "status" not in where and "outcome" not in where:
        if outcome in _REFUSED_BY_AUTHENTICATION:
            found.append(Difference("authentication", "accepted", _refusal(entry)))
        elif outcome in _REFUSED_AS_SENT:
            found.append(Difference("request", "well-formed", _refusal(entry)))
    body = entry.get("body")
    for key, expected in where.items():
        if key in _ENTRY_KEYS:
            actual = entry.get(key)
        else:
            actual = body.get(key) if isinstance(body, Mapping) else None
            key = f"body.{key}"
        if actual != expected:
            found.append(Difference(key, expected, actual))
    return tuple(found)


def _other_operation(differences: Sequence[Difference]) -> bool:
    return any(d.field == "operation" for d in differences)


def _refusal(entry: Mapping[str, Any]) -> str:
    """Why authentication refused the request: its outcome and the answer's message."""
    answer = entry.get("responseBody")
    message = answer.get("message") if isinstance(answer, Mapping) else None
    return f"{entry.get('outcome')}: {message}" if message else str(entry.get("outcome"))
