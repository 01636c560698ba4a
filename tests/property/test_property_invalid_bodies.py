"""For any body the document forbids, the mock answers the 400 envelope, never 5xx.

Invalid bodies are valid ones with one mutation (a wrong type, a missing field, an over-long
``actionId``, a string outside its pattern, an unknown field, not an object), Schemathesis'
negative bodies (from the negated schema), and bytes that are not JSON; each is checked to
break the document's schema before it is sent. Requests are signed correctly, so only the
body can be at fault, and a refused body must leave the call center unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.support.conformance import expect_error
from tests.support.document import (
    AGENT_FIELD,
    OPERATIONS,
    operation_path,
    request_schema,
    resolve,
    supervisor_field,
)
from tests.support.inprocess import APP_KEY, SECRET, InProcessMock
from tests.support.strategies import RawBody, invalid_bodies, signed_headers

pytestmark = pytest.mark.parametrize("operation", OPERATIONS)


def _post(
    mock: InProcessMock, operation: str, content: bytes, next_nonce: Callable[[], str]
) -> tuple[int, bytes]:
    now = int(mock.clock())
    headers = signed_headers(APP_KEY, SECRET, now, next_nonce())
    with mock.http() as http:
        response = http.post(
            operation_path(operation),
            content=content,
            headers={"content-type": "application/json", **headers},
        )
    return response.status_code, response.content


@given(data=st.data())
def test_any_invalid_body_gets_the_400_envelope(
    mock: InProcessMock, operation: str, data: st.DataObject, next_nonce: Callable[[], str]
) -> None:
    before = mock.reset()
    body: RawBody = data.draw(invalid_bodies(operation), label="body")
    event(body.kind)
    status, content = _post(mock, operation, body.content, next_nonce)
    assert status < 500, f"{body!r} crashed the mock: {status} {content[:300]!r}"
    expect_error(operation, status, content, expected=400, code="400")
    assert mock.state() == before, "an invalid body changed the call center"


def test_an_over_long_action_id_is_named_in_the_errors(
    mock: InProcessMock, operation: str, next_nonce: Callable[[], str]
) -> None:
    limit = int(resolve(request_schema(operation)["properties"]["actionId"])["maxLength"])
    body = {
        supervisor_field(operation): "2002",
        AGENT_FIELD: "9527",
        "actionId": "强" * (limit + 1),
    }
    status, content = _post(mock, operation, json.dumps(body).encode(), next_nonce)
    envelope = expect_error(operation, status, content, expected=400, code="400")
    assert [e["field"] for e in envelope.get("errors", [])] == ["body.actionId"], envelope


def test_every_violation_is_listed(
    mock: InProcessMock, operation: str, next_nonce: Callable[[], str]
) -> None:
    body = b'{"agentNumber": 9527, "junk": true}'
    status, content = _post(mock, operation, body, next_nonce)
    envelope = expect_error(operation, status, content, expected=400, code="400")
    fields = sorted(e["field"] for e in envelope.get("errors", []))
    assert len(fields) == 3, f"expected the missing supervisor, the type and the junk: {fields}"
