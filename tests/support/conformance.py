"""What every response must be, per the document: the shared assertions of the suites.

Each check reads the document (``tests/support/document.py``): a response's status must be
one the operation declares, its body must validate against that status's schema, an error
must be the ``ErrorEnvelope`` with the expected code, and a success must follow the echo
rules (``actionId`` echoed or defaulted to ``data.request.requestId``, ``requestInfo.body``
the body sent, ``requestInfo.url`` the path called).
"""

from __future__ import annotations

import json
from typing import Any

from m7_call_monitor import AsyncCallMonitor, CallMonitor
from m7_openapi.models import SuccessEnvelope
from tests.support.document import (
    AGENT_FIELD,
    declared_business_errors,
    errors_of,
    operation_path,
    operations,
    response_schema,
    supervisor_field,
)

__all__ = [
    "CLIENT_METHODS",
    "call_async",
    "call_friendly",
    "declared_statuses",
    "expect_business_error",
    "expect_conforming",
    "expect_error",
    "expect_success",
]


def declared_statuses(operation_id: str) -> set[int]:
    for _url, _method, operation in operations():
        if operation.get("operationId") == operation_id:
            return {int(status) for status in operation["responses"] if status != "default"}
    raise KeyError(operation_id)


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
    problems = errors_of(value, response_schema(operation_id, status))
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


#: The friendly client's method for each operationId of the document.
CLIENT_METHODS = {
    "listen": "listen",
    "whisper": "whisper",
    "lootCall": "barge",
    "hangupChannel": "hangup",
    "pickupChannel": "pickup",
}


def _arguments(operation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "supervisor": body[supervisor_field(operation_id)],
        "agent": body[AGENT_FIELD],
        "action_id": body.get("actionId"),
    }


def call_friendly(monitor: CallMonitor, operation_id: str, body: dict[str, Any]) -> SuccessEnvelope:
    """Send ``body`` through the friendly client's method for the operation."""
    method = getattr(monitor, CLIENT_METHODS[operation_id])
    result: SuccessEnvelope = method(**_arguments(operation_id, body))
    return result


async def call_async(
    monitor: AsyncCallMonitor, operation_id: str, body: dict[str, Any]
) -> SuccessEnvelope:
    """The same through the asynchronous client."""
    method = getattr(monitor, CLIENT_METHODS[operation_id])
    result: SuccessEnvelope = await method(**_arguments(operation_id, body))
    return result
