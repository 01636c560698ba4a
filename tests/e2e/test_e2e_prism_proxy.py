"""Prism as an independent referee: the property traffic, through ``prism proxy``, to the mock.

Prism (another implementation, in another language) validates every request and response
against the document and reports what it finds in the ``sl-violations`` response header. The
mock runs as a real process; Prism proxies to it. Any violation in a response fails, and so
does any violation in a request the properties consider valid. For requests the properties
make invalid on purpose, Prism must see the request as invalid too (the two validators agree
on what the document forbids) and the mock's answer must still conform.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from m7_call_monitor import CallMonitor, CallStateError
from tests.support.conformance import (
    call_friendly,
    expect_business_error,
    expect_conforming,
    expect_success,
)
from tests.support.document import AGENT_FIELD, OPERATIONS, operation_path, supervisor_field
from tests.support.inprocess import APP_KEY, SECRET, Exchange, RecordingTransport
from tests.support.strategies import (
    HeaderDefect,
    RawBody,
    header_defects,
    invalid_bodies,
    request_bodies,
    signed_headers,
)

pytestmark = [pytest.mark.prism, pytest.mark.socket]


# Prism puts property names into the sl-violations header; a name with a character a header
# cannot carry (outside tab, 0x20-0x7e, 0x80-0xff) makes Node throw in setHeader and the whole
# Prism process exit (stoplightio/prism#1934, still open in 5.16). Such bodies stay in the
# in-process properties and are kept away from Prism.
_HEADER_SAFE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")


def _names_fit_in_a_header(value: Any) -> bool:
    if isinstance(value, dict):
        return all(
            _HEADER_SAFE.fullmatch(key) and _names_fit_in_a_header(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return all(_names_fit_in_a_header(item) for item in value)
    return True


def prism_can_report(body: RawBody) -> bool:
    """JSON (Prism answers unparseable bytes itself) whose property names fit in a header."""
    try:
        return _names_fit_in_a_header(json.loads(body.content))
    except ValueError:
        return False


def violations(exchange: Exchange, where: str | None = None) -> list[dict[str, Any]]:
    """Prism's findings for one exchange (``where``: "request" or "response" only)."""
    header = exchange.response_headers.get("sl-violations")
    if header is None:
        return []
    if not header.startswith("["):
        pytest.fail(f"Prism: {header[:500]}")
    found: list[dict[str, Any]] = json.loads(header)
    return [v for v in found if where is None or v["location"][:1] == [where]]


@pytest.fixture(scope="module")
def proxied(
    proxy_url: str, recording: RecordingTransport, next_nonce: Callable[[], str]
) -> Iterator[CallMonitor]:
    """The friendly client, talking to the mock through Prism."""
    with CallMonitor(proxy_url, APP_KEY, SECRET, transport=recording, retries=0) as client:
        yield client


def _raw(
    recording: RecordingTransport,
    proxy_url: str,
    operation: str,
    content: bytes,
    headers: dict[str, str],
) -> Exchange:
    with httpx.Client(base_url=proxy_url, transport=recording) as http:
        http.post(
            operation_path(operation),
            content=content,
            headers={"content-type": "application/json", **headers},
        )
    return recording.exchanges[-1]


@pytest.fixture(scope="module")
def mock_agents(mock_url: str) -> list[str]:
    """The agents of the mock's call center, as its admin API reports them."""
    state = httpx.get(f"{mock_url}/__mock/state", timeout=5).json()
    return [agent["number"] for agent in state["agents"]]


@given(operation=st.sampled_from(OPERATIONS), data=st.data())
def test_valid_traffic_through_prism_has_no_violation(
    mock_agents: list[str],
    proxied: CallMonitor,
    recording: RecordingTransport,
    reset_mock: Callable[[], None],
    operation: str,
    data: st.DataObject,
) -> None:
    reset_mock()
    body = data.draw(
        st.one_of(request_bodies(operation, mock_agents), request_bodies(operation)), label="body"
    )
    try:
        call_friendly(proxied, operation, body)
    except CallStateError as refused:
        expect_business_error(operation, refused.status or 0, refused.code)
        wire = recording.exchanges[-1]
        expect_conforming(operation, wire.status, wire.response)
    else:
        wire = recording.exchanges[-1]
        expect_success(operation, wire.status, wire.response, sent=body)
    assert violations(wire) == [], f"Prism found violations in {wire.status}: {violations(wire)}"


@given(operation=st.sampled_from(OPERATIONS), data=st.data())
def test_invalid_bodies_through_prism_are_invalid_for_prism_and_answered_conformingly(
    proxy_url: str,
    recording: RecordingTransport,
    next_nonce: Callable[[], str],
    operation: str,
    data: st.DataObject,
) -> None:
    body = data.draw(invalid_bodies(operation).filter(prism_can_report), label="body")
    headers = signed_headers(APP_KEY, SECRET, int(time.time()), next_nonce())
    wire = _raw(recording, proxy_url, operation, body.content, headers)
    assert wire.status == 400, wire.response
    assert violations(wire, "response") == [], violations(wire, "response")
    assert violations(wire, "request"), f"Prism accepted {body!r}, which the document forbids"


@given(operation=st.sampled_from(OPERATIONS), data=st.data())
def test_refused_authentication_through_prism_is_answered_conformingly(
    proxy_url: str, recording: RecordingTransport, operation: str, data: st.DataObject
) -> None:
    defect: HeaderDefect = data.draw(header_defects(APP_KEY, SECRET, int(time.time())))
    body = {supervisor_field(operation): "2002", AGENT_FIELD: "9527"}
    wire = _raw(recording, proxy_url, operation, json.dumps(body).encode(), defect.headers)
    assert wire.status == 401, wire.response
    assert violations(wire, "response") == [], violations(wire, "response")
