"""Every response of any deployment matches the document (checked on every exchange of the
suite by ``Contract.post``; here the probe on each operation, and the declared refusal)."""

from __future__ import annotations

import pytest

from m7_contract.client import Contract
from m7_contract.conformance import expect_business_error
from m7_contract.document import OPERATIONS

pytestmark = [pytest.mark.socket, pytest.mark.parametrize("operation", OPERATIONS)]


def test_a_probe_naming_nobody_is_a_declared_refusal(contract: Contract, operation: str) -> None:
    body = {**contract.probe(operation), "actionId": "m7-contract 合同"}
    response, envelope = contract.post(operation, body)
    assert envelope["success"] is False, "a deployment acted for agents that do not exist"
    expect_business_error(operation, response.status_code, envelope["code"])
    assert envelope["code"] == "40401", envelope
    assert envelope.get("actionId", body["actionId"]) == body["actionId"]
