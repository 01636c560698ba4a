"""Validation rules any deployment must enforce: a bad body gets the 400 envelope, never 5xx.

The bodies are derived from the document (field names, the ``actionId`` limit); none can act
on a call, since none is valid.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from m7_contract.bodies import RawBody, invalid_bodies
from m7_contract.client import Contract
from m7_contract.conformance import expect_error
from m7_contract.document import (
    AGENT_FIELD,
    OPERATIONS,
    request_schema,
    resolve,
    supervisor_field,
)

pytestmark = [pytest.mark.socket, pytest.mark.parametrize("operation", OPERATIONS)]

#: Few examples: on a real deployment every one is a request (and may be rate-limited).
EXAMPLES = 10


def _limit(operation: str) -> int:
    action_id = resolve(request_schema(operation)["properties"]["actionId"])
    return int(action_id["maxLength"])


def fixed_bad_bodies(operation: str) -> dict[str, bytes]:
    """One body per rule of the document, by name."""
    sup = supervisor_field(operation)
    good: dict[str, Any] = {sup: "m7-contract-probe-s", AGENT_FIELD: "m7-contract-probe-a"}

    def encode(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode()

    return {
        "supervisor missing": encode({AGENT_FIELD: good[AGENT_FIELD]}),
        "agentNumber missing": encode({sup: good[sup]}),
        "agentNumber not a string": encode({**good, AGENT_FIELD: 9527}),
        "agent number empty": encode({**good, sup: ""}),
        "agent number with a space": encode({**good, AGENT_FIELD: "95 27"}),
        "actionId too long": encode({**good, "actionId": "强" * (_limit(operation) + 1)}),
        "actionId not a string": encode({**good, "actionId": 42}),
        "unknown field": encode({**good, "extra": "junk"}),
        "an array": encode([good]),
        "malformed JSON": encode(good)[:-1],
        "empty body": b"",
    }


@pytest.mark.parametrize(
    "case", list(fixed_bad_bodies("listen")), ids=lambda name: name.replace(" ", "-")
)
def test_a_bad_body_is_refused_with_400(contract: Contract, operation: str, case: str) -> None:
    response, _ = contract.post(operation, fixed_bad_bodies(operation)[case])
    expect_error(operation, response.status_code, response.content, expected=400, code="400")


# No deadline (every example is a request over the network) and no example database (a run
# against one target must not replay what failed against another, nor write into the folder
# it was started from).
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_any_bad_body_is_refused_with_400(
    contract: Contract, operation: str, data: st.DataObject
) -> None:
    body: RawBody = data.draw(invalid_bodies(operation), label="body")
    response, _ = contract.post(operation, body.content)
    assert response.status_code < 500, f"{body!r}: {response.status_code}"
    expect_error(operation, response.status_code, response.content, expected=400, code="400")


def test_a_body_not_sent_as_json_is_refused_with_415(contract: Contract, operation: str) -> None:
    body = json.dumps(contract.probe(operation)).encode()
    response, _ = contract.post(operation, body, content_type="text/plain")
    expect_error(operation, response.status_code, response.content, expected=415, code="415")
