"""For any valid body, the friendly client gets the typed success or a declared refusal.

The friendly client talks to the mock in this process (ASGI transport). Bodies come from the
document (``tests/support/strategies.py``) with the agent numbers drawn from the agents the
mock's admin API reports after a reset to the demo scenario, so every situation of the demo
occurs (talking, ringing, monitored, offline, idle agents; offline and busy supervisors).
Every response is validated as sent on the wire against the document's schema for its status.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from m7_call_monitor import CallMonitor, CallStateError
from m7_openapi.models import SuccessEnvelope
from tests.support.conformance import (
    call_async,
    call_friendly,
    expect_business_error,
    expect_conforming,
    expect_success,
)
from tests.support.document import AGENT_FIELD, OPERATIONS, supervisor_field
from tests.support.inprocess import InProcessMock
from tests.support.strategies import request_bodies

pytestmark = pytest.mark.parametrize("operation", OPERATIONS)


def _send(
    mock: InProcessMock, monitor: CallMonitor, operation: str, body: dict[str, Any]
) -> SuccessEnvelope | CallStateError:
    """Call the operation; a call-state refusal is returned, any other error propagates."""
    try:
        return call_friendly(monitor, operation, body)
    except CallStateError as refused:
        return refused


@given(data=st.data())
def test_any_valid_body_gets_the_typed_success_or_a_declared_business_error(
    mock: InProcessMock, monitor: CallMonitor, operation: str, data: st.DataObject
) -> None:
    mock.reset()
    agents = mock.agent_numbers()
    body = data.draw(
        st.one_of(request_bodies(operation, agents), request_bodies(operation)), label="body"
    )
    outcome = _send(mock, monitor, operation, body)
    wire = mock.last
    assert wire.path.endswith(operation), "the client called another path"
    event(f"outcome {wire.status} {getattr(outcome, 'code', '200')}")
    if isinstance(outcome, CallStateError):
        expect_business_error(operation, outcome.status or 0, outcome.code)
        assert outcome.status == wire.status
        envelope = expect_conforming(operation, wire.status, wire.response)
        assert envelope["code"] == outcome.code
        if "actionId" in body:
            assert envelope.get("actionId") == body["actionId"]
    else:
        assert isinstance(outcome, SuccessEnvelope)
        assert outcome.success is True
        envelope = expect_success(operation, wire.status, wire.response, sent=body)
        assert outcome.to_dict() == envelope, "the typed model lost or changed a field"


@given(data=st.data())
def test_a_successful_action_echoes_the_body_the_path_and_the_action_id(
    mock: InProcessMock, monitor: CallMonitor, operation: str, data: st.DataObject
) -> None:
    # On the demo scenario supervisor 2002 is idle and agent 9527 is talking, unmonitored:
    # each of the five operations succeeds, whatever the actionId.
    mock.reset()
    body = data.draw(request_bodies(operation), label="body")
    body.update({supervisor_field(operation): "2002", AGENT_FIELD: "9527"})
    result = call_friendly(monitor, operation, body)
    wire = expect_success(operation, mock.last.status, mock.last.response, sent=body)
    assert result.action_id == wire["actionId"]
    assert result.request_info.url == wire["requestInfo"]["url"]
    assert result.request_info.body.to_dict() == body
    if "actionId" not in body:
        assert result.action_id == result.data.request.request_id


@given(data=st.data())
async def test_the_async_client_gets_the_same_echo(
    mock: InProcessMock, operation: str, data: st.DataObject
) -> None:
    mock.reset()
    body = data.draw(request_bodies(operation), label="body")
    body.update({supervisor_field(operation): "2002", AGENT_FIELD: "9527"})
    async with mock.async_monitor() as monitor:
        result = await call_async(monitor, operation, body)
    expect_success(operation, mock.last.status, mock.last.response, sent=body)
    assert result.request_info.body.to_dict() == body
