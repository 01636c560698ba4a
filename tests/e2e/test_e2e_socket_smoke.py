"""A smoke test over a real socket: the mock started as a process, the friendly client over TCP.

The properties run in-process for speed; this makes sure the same holds through uvicorn and a
real connection: every operation once (success and a refusal), a bad signature, a bad body,
and the journal recording what was sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from m7_call_monitor import AuthError, CallMonitor, CallStateError, RequestError
from tests.support.conformance import (
    call_friendly,
    expect_business_error,
    expect_error,
    expect_success,
)
from tests.support.document import AGENT_FIELD, errors_of, operation_path, supervisor_field
from tests.support.inprocess import APP_KEY, SECRET, RecordingTransport
from tests.support.strategies import signed_headers

pytestmark = pytest.mark.socket

#: On the demo scenario, in this order, each succeeds: 2002 listens to 9527, whispers, barges
#: in, takes the call over; then 2000 hangs up 2002's (formerly 9527's) call.
SEQUENCE = (
    ("listen", "2002", "9527"),
    ("whisper", "2002", "9527"),
    ("lootCall", "2002", "9527"),
    ("pickupChannel", "2002", "9527"),
    ("hangupChannel", "2000", "2002"),
)


@pytest.fixture
def recording() -> Iterator[RecordingTransport]:
    transport = RecordingTransport()
    yield transport
    transport.close()


@pytest.fixture
def process_monitor(
    mock_url: str,
    reset_mock: Callable[[], None],
    recording: RecordingTransport,
    next_nonce: Callable[[], str],
) -> Iterator[CallMonitor]:
    reset_mock()
    with CallMonitor(mock_url, APP_KEY, SECRET, transport=recording, retries=0) as client:
        yield client


def test_each_operation_over_a_socket(
    process_monitor: CallMonitor, recording: RecordingTransport
) -> None:
    for operation, supervisor, agent in SEQUENCE:
        body = {supervisor_field(operation): supervisor, AGENT_FIELD: agent, "actionId": "冒烟"}
        result = call_friendly(process_monitor, operation, body)
        wire = recording.exchanges[-1]
        assert wire.path == operation_path(operation)
        expect_success(operation, wire.status, wire.response, sent=body)
        assert result.action_id == "冒烟"
    # The call is gone: the same hangup is now refused, with a declared code.
    with pytest.raises(CallStateError) as refused:
        process_monitor.hangup(supervisor="2000", agent="2002")
    expect_business_error("hangupChannel", refused.value.status or 0, refused.value.code)
    assert refused.value.code == "40903"


def test_a_wrong_secret_is_refused_over_a_socket(
    mock_url: str, reset_mock: Callable[[], None]
) -> None:
    reset_mock()
    with (
        CallMonitor(mock_url, APP_KEY, SECRET + "-wrong", retries=0) as client,
        pytest.raises(AuthError) as refused,
    ):
        client.listen(supervisor="2002", agent="9527")
    assert (refused.value.status, refused.value.code) == (401, "401")


def test_a_bad_body_and_the_journal_over_a_socket(
    mock_url: str, reset_mock: Callable[[], None], next_nonce: Callable[[], str]
) -> None:
    reset_mock()
    httpx.delete(f"{mock_url}/__mock/journal")
    with CallMonitor(mock_url, APP_KEY, SECRET, retries=0) as client:
        with pytest.raises(RequestError) as refused:
            client.listen(supervisor="2002", agent="9527", action_id="x" * 41)
        assert (refused.value.status, refused.value.code) == (400, "400")
    journal = httpx.get(f"{mock_url}/__mock/journal").json()["entries"]
    assert [(e["path"], e["status"]) for e in journal] == [(operation_path("listen"), 400)]
    assert journal[0]["headers"]["m7-sign"] != journal[0]["headers"].get("m7-nonce")


def test_the_raw_400_envelope_over_a_socket(
    mock_url: str, reset_mock: Callable[[], None], next_nonce: Callable[[], str]
) -> None:
    reset_mock()
    headers = signed_headers(APP_KEY, SECRET, int(time.time()), next_nonce())
    response = httpx.post(
        f"{mock_url}{operation_path('whisper')}",
        content=b'{"whisperAgent": "2002", "agentNumber": 9527',
        headers={"content-type": "application/json", **headers},
    )
    expect_error("whisper", response.status_code, response.content, expected=400, code="400")


def test_a_trailing_slash_is_an_unknown_path(mock_url: str) -> None:
    for path in ("/openapi/v1/call//listen", "/openapi/v1/call/listen/"):
        response = httpx.post(
            f"{mock_url}{path}",
            json={"listenAgent": "2002", "agentNumber": "9527"},
            follow_redirects=False,
        )
        assert response.status_code == 404, f"{path}: {response.status_code}"
        problems = errors_of(response.json(), "#/components/schemas/ErrorEnvelope")
        assert not problems, problems
