"""The friendly client against ``prism mock`` serving the same document.

Prism knows nothing of this project's code: it answers with the document's own examples and
checks each request against the document (including that the four security headers are
present). So every operation of the client must come back as the typed success equal to the
document's example, with no violation reported for the client's requests, and a request
without the headers must be refused by Prism.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from m7_call_monitor import CallMonitor, signed_headers
from m7_openapi.models import SuccessEnvelope
from tests.support.conformance import call_friendly, expect_conforming
from tests.support.document import (
    AGENT_FIELD,
    OPERATIONS,
    load,
    operation_path,
    resolve,
    security_header_names,
    supervisor_field,
)
from tests.support.inprocess import APP_KEY, SECRET, RecordingTransport

pytestmark = [pytest.mark.prism, pytest.mark.socket]


def document_example(operation: str) -> dict[str, Any]:
    """The first example of the operation's 200 response, as the document states it."""
    for item in load()["paths"].values():
        post = item.get("post", {})
        if post.get("operationId") == operation:
            content = resolve(post["responses"]["200"])["content"]["application/json"]
            example = resolve(next(iter(content["examples"].values())))
            value: dict[str, Any] = example["value"]
            return value
    raise KeyError(operation)


@pytest.fixture(scope="module")
def prism_monitor(prism_mock_url: str, recording: RecordingTransport) -> Iterator[CallMonitor]:
    with CallMonitor(prism_mock_url, APP_KEY, SECRET, transport=recording, retries=0) as monitor:
        yield monitor


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_operation_returns_the_typed_example(
    prism_monitor: CallMonitor, recording: RecordingTransport, operation: str
) -> None:
    body = {supervisor_field(operation): "2002", AGENT_FIELD: "9527", "actionId": "强插"}
    result = call_friendly(prism_monitor, operation, body)
    wire = recording.exchanges[-1]
    assert wire.path == operation_path(operation)
    assert "sl-violations" not in wire.response_headers, wire.response_headers["sl-violations"]
    assert set(security_header_names()) <= set(wire.headers), "the client left out a header"
    assert isinstance(result, SuccessEnvelope)
    envelope = expect_conforming(operation, wire.status, wire.response)
    assert envelope == document_example(operation)
    assert result.to_dict() == document_example(operation)


@pytest.mark.parametrize("missing", security_header_names())
def test_prism_refuses_a_request_without_a_security_header(
    prism_mock_url: str, missing: str
) -> None:
    headers = signed_headers(APP_KEY, SECRET)
    del headers[missing]
    response = httpx.post(
        f"{prism_mock_url}{operation_path('listen')}",
        content=json.dumps({"listenAgent": "2002", "agentNumber": "9527"}),
        headers={"content-type": "application/json", **headers},
    )
    assert response.status_code == 401
    assert "sl-violations" in response.headers
    expect_conforming("listen", response.status_code, response.content)
