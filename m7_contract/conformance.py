"""What every answer must be, per the document: the assertions of the contract checks.

A response's status must be one the operation declares and its body must validate against
that status's schema; an error must be the ``ErrorEnvelope`` with the expected code; a
call-state refusal must be a code the operation declares, with its status; a success must
follow the echo rules (``actionId`` echoed or defaulted to ``data.request.requestId``,
``requestInfo.body`` the body sent, ``requestInfo.url`` the path called).
"""

from __future__ import annotations

import json
from typing import Any

from m7_contract.document import (
    declared_business_errors,
    declared_statuses,
    errors_of,
    operation_path,
)

__all__ = ["expect_business_error", "expect_conforming", "expect_error", "expect_success"]


def _decode(body: bytes | str | Any) -> Any:
    if isinstance(body, bytes | str):
        try:
            return json.loads(body)
        except ValueError as exc:
            raise AssertionError(f"the response body is not JSON: {body[:200]!r}") from exc
    return body


def expect_conforming(operation_id: str, status: int, body: bytes | str | Any) -> Any:
    """The status is declared for the operation and the body validates for it; the JSON."""
    assert status in declared_statuses(operation_id), (
        f"{operation_id} answered {status}, a status the document does not declare "
        f"({sorted(declared_statuses(operation_id))})"
    )
    value = _decode(body)
    problems = errors_of(operation_id, status, value)
    assert not problems, f"{operation_id} {status} does not match the document: {problems}"
    return value


def expect_error(
    operation_id: str, status: int, body: bytes | str | Any, *, expected: int, code: str
) -> dict[str, Any]:
    """A conforming ``ErrorEnvelope`` with this status and code."""
    envelope: dict[str, Any] = expect_conforming(operation_id, status, body)
    assert status == expected, f"expected {expected}, got {status}: {envelope}"
    assert envelope["success"] is False
    assert envelope["code"] == code, f"expected code {code!r}, got {envelope['code']!r}"
    return envelope


def expect_business_error(operation_id: str, status: int, code: str | None) -> None:
    """A call-state refusal the document declares for this operation, with its status."""
    declared = declared_business_errors(operation_id)
    assert code in declared, f"{operation_id}: code {code!r} is not declared ({sorted(declared)})"
    assert declared[code] == status, f"{operation_id}: {code} declared with {declared[code]}"


def expect_success(
    operation_id: str, status: int, body: bytes | str | Any, *, sent: dict[str, Any]
) -> dict[str, Any]:
    """A conforming ``SuccessEnvelope`` that follows the echo rules for ``sent``."""
    envelope: dict[str, Any] = expect_conforming(operation_id, status, body)
    assert status == 200, f"expected 200, got {status}: {envelope}"
    assert envelope["success"] is True
    system_id = envelope["data"]["request"]["requestId"]
    expected_action_id = sent.get("actionId", system_id)
    assert envelope["actionId"] == expected_action_id, "actionId not echoed / defaulted"
    assert envelope["requestInfo"]["body"] == sent, "requestInfo.body is not the body sent"
    assert envelope["requestInfo"]["url"] == operation_path(operation_id)
    return envelope
