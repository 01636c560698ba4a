"""The message of a failed verification: what was expected, what matched, what came closest.

``POST /__mock/verify`` answers ``holds``, ``matched`` and ``nearest`` (each near miss
naming its request and its ``differences``). A test that fails on "0 != 1" leaves its
author to read the journal; this text names the nearest requests and, for each, the field
that differed with the value expected and the value sent, so the mistake is visible in
pytest's output at once (the agent number of another agent, another operation, a
signature the mock refused and why).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

__all__ = ["failure_message", "rule_text"]

_RULE_WORDS = {"exactly": "exactly", "atLeast": "at least", "atMost": "at most"}


def rule_text(rule: Mapping[str, int]) -> str:
    """``exactly 1 time``, ``at least 2 times``, ``never`` (``exactly: 0``)."""
    ((name, count),) = rule.items()
    if name == "exactly" and count == 0:
        return "never"
    return f"{_RULE_WORDS[name]} {count} time{'' if count == 1 else 's'}"


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _pattern(where: Mapping[str, Any]) -> str:
    if not where:
        return ""
    return " with " + ", ".join(f"{key}={_value(value)}" for key, value in where.items())


def _request_line(number: int, miss: Mapping[str, Any]) -> str:
    operation = miss.get("operation") or "(not a vendor operation)"
    status = miss.get("status")
    answered = "dropped, no answer" if status is None else f"answered {status}"
    outcome = miss.get("outcome")
    if outcome is not None and str(outcome) not in ("ok", str(status)):
        answered += f" ({outcome})"
    return (
        f"  {number}. {operation} at {_time(miss.get('time'))}, {answered}, "
        f"request id {miss.get('requestId')}"
    )


def _time(value: Any) -> Any:
    """A journal time as the journal writes it (milliseconds), whatever the model made of it."""
    try:
        return datetime.fromisoformat(str(value)).isoformat(timespec="milliseconds")
    except ValueError:
        return value


def _difference_line(difference: Mapping[str, Any]) -> str:
    field = difference.get("field")
    expected, actual = difference.get("expected"), difference.get("actual")
    return f"       {field}: expected {_value(expected)}, was {_value(actual)}"


def failure_message(
    operation: str,
    where: Mapping[str, Any],
    rule: Mapping[str, int],
    matched: int,
    nearest: Sequence[Mapping[str, Any]],
) -> str:
    """The assertion message for a verdict that does not hold."""
    rule_words = rule_text(rule)
    expected = (
        f"no {operation}{_pattern(where)}"
        if rule_words == "never"
        else f"{operation}{_pattern(where)} {rule_words}"
    )
    lines = [f"expected {expected}, but {matched} request{'' if matched == 1 else 's'} matched"]
    if not nearest:
        lines.append("  no request to the vendor API is in this account's journal")
        return "\n".join(lines)
    too_many = all(not miss.get("differences") for miss in nearest)
    if too_many:
        lines.append("the matching requests, newest first:")
    else:
        lines.append("the nearest requests, and what differed:")
    for number, miss in enumerate(nearest, 1):
        lines.append(_request_line(number, miss))
        body = miss.get("body")
        if body is not None:
            lines.append(f"       body {_value(body)}")
        lines.extend(_difference_line(d) for d in miss.get("differences") or ())
    return "\n".join(lines)
