"""What every response must be, per the document: the shared assertions of the suites.

The assertions are the contract suite's own (``m7_contract/conformance.py``, re-exported
here): a response's status must be one the operation declares, its body must validate
against that status's schema, an error must be the ``ErrorEnvelope`` with the expected code,
and a success must follow the echo rules (``actionId`` echoed or defaulted to
``data.request.requestId``, ``requestInfo.body`` the body sent, ``requestInfo.url`` the path
called). Here too: sending a body through the friendly clients' method for its operation.
"""

from __future__ import annotations

from typing import Any

from m7_call_monitor import AsyncCallMonitor, CallMonitor
from m7_contract.conformance import (
    expect_business_error,
    expect_conforming,
    expect_error,
    expect_success,
)
from m7_contract.document import declared_statuses
from m7_openapi.models import SuccessEnvelope
from tests.support.document import AGENT_FIELD, supervisor_field

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
