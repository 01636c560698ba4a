"""Authentication rules any deployment must enforce (鉴权规则): 401 with the envelope.

Every request here carries the probe body (agents nobody has), so a deployment that wrongly
let one through could still not act on a call.
"""

from __future__ import annotations

import base64
import time

import pytest

from m7_contract.client import Contract
from m7_contract.conformance import expect_error
from m7_contract.document import OPERATIONS, security_header_names

pytestmark = pytest.mark.socket

#: Far enough outside the 300 s window that a few seconds of clock skew between this machine
#: and the deployment cannot make the check flaky.
STALE = 300 + 60


def _malformed(header: str, value: str) -> str:
    return {
        "m7-nonce": value[:5],  # five digits
        "m7-timestamp": value + "000",  # milliseconds, as some other vendor pages show
        "m7-sign": "not-base64!",
        "m7-appkey": "no-such-app-key",
    }[header]


def _altered(header: str, value: str) -> str:
    if header == "m7-sign":
        raw = bytearray(base64.b64decode(value))
        raw[0] ^= 1
        return base64.b64encode(bytes(raw)).decode()
    if header == "m7-timestamp":
        return str(int(value) - 1)  # still fresh: only the signature can tell
    return "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in value)


def test_a_correctly_signed_request_is_authenticated(contract: Contract) -> None:
    response, envelope = contract.post("listen", contract.probe("listen"))
    assert response.status_code != 401, envelope


@pytest.mark.parametrize("defect", ["missing", "empty", "malformed", "altered"])
@pytest.mark.parametrize("header", security_header_names())
def test_a_bad_header_is_refused(contract: Contract, header: str, defect: str) -> None:
    headers = contract.headers()
    if defect == "missing":
        del headers[header]
    elif defect == "empty":
        headers[header] = ""
    elif defect == "malformed":
        headers[header] = _malformed(header, headers[header])
    else:
        headers[header] = _altered(header, headers[header])
    response, _ = contract.post("listen", contract.probe("listen"), headers)
    expect_error("listen", response.status_code, response.content, expected=401, code="401")


@pytest.mark.parametrize("offset", [-STALE, STALE])
def test_a_stale_timestamp_is_refused(contract: Contract, offset: int) -> None:
    headers = contract.headers(at=int(time.time()) + offset)
    response, envelope = contract.post("listen", contract.probe("listen"), headers)
    expect_error("listen", response.status_code, response.content, expected=401, code="401")
    assert "m7-timestamp" in envelope["message"]


def test_a_replayed_sign_and_nonce_is_refused(contract: Contract) -> None:
    headers = contract.headers()
    first, envelope = contract.post("listen", contract.probe("listen"), headers)
    assert first.status_code != 401, envelope
    second, _ = contract.post("listen", contract.probe("listen"), headers)
    expect_error("listen", second.status_code, second.content, expected=401, code="401")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_requires_the_headers(contract: Contract, operation: str) -> None:
    response, _ = contract.post(operation, contract.probe(operation), headers={})
    expect_error(operation, response.status_code, response.content, expected=401, code="401")
