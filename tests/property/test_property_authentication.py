"""The vendor's authentication rule, as the mock enforces it, for any request.

Requests here are made by hand (the friendly client would sign them right): signed with the
rule by ``tests/support/strategies.py`` at the instant the mock's clock is frozen to, then
one header broken, replayed, or stamped a number of seconds away. The body is one that would
succeed (supervisor 2002 listening to agent 9527 on the demo scenario), so only the
authentication can refuse it, and a refusal must leave the call center unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from m7_call_monitor.signing import HEADER_NAMES
from tests.support.conformance import expect_conforming, expect_error
from tests.support.document import (
    AGENT_FIELD,
    OPERATIONS,
    operation_path,
    security_header_names,
    supervisor_field,
)
from tests.support.inprocess import APP_KEY, SECRET, InProcessMock
from tests.support.strategies import (
    HeaderDefect,
    header_defects,
    nonces,
    request_bodies,
    signed_headers,
)

#: The mock's clock during these tests (2024-05-01T00:00:00Z): a fixed, 10-digit instant.
NOW = 1_714_521_600
WINDOW = 300


@pytest.fixture
def frozen(mock: InProcessMock) -> Any:
    with mock.clock.frozen_at(NOW):
        yield mock


def _succeeding_body(operation: str, body: dict[str, Any]) -> dict[str, Any]:
    return {**body, supervisor_field(operation): "2002", AGENT_FIELD: "9527"}


def _post(
    mock: InProcessMock, operation: str, body: dict[str, Any], headers: dict[str, str]
) -> tuple[int, bytes]:
    with mock.http() as http:
        response = http.post(
            operation_path(operation),
            content=json.dumps(body, ensure_ascii=False).encode(),
            headers={"content-type": "application/json", **headers},
        )
    return response.status_code, response.content


def test_the_document_names_the_four_headers_of_the_rule() -> None:
    assert set(security_header_names()) == set(HEADER_NAMES)


@given(
    operation=st.sampled_from(OPERATIONS),
    data=st.data(),
    defect=header_defects(APP_KEY, SECRET, NOW),
)
def test_a_missing_empty_malformed_or_altered_header_gets_401(
    frozen: InProcessMock, operation: str, data: st.DataObject, defect: HeaderDefect
) -> None:
    before = frozen.reset()
    body = _succeeding_body(operation, data.draw(request_bodies(operation), label="body"))
    status, content = _post(frozen, operation, body, defect.headers)
    envelope = expect_error(operation, status, content, expected=401, code="401")
    assert defect.header in envelope["message"] or defect.defect == "altered", (
        f"the message should name the header at fault: {envelope['message']!r}"
    )
    assert frozen.state() == before, "a refused request changed the call center"


@given(operation=st.sampled_from(OPERATIONS), data=st.data(), nonce=nonces())
def test_the_same_sign_and_nonce_twice_is_refused_the_second_time(
    frozen: InProcessMock, operation: str, data: st.DataObject, nonce: str
) -> None:
    frozen.reset()  # also forgets the replay cache
    headers = signed_headers(APP_KEY, SECRET, NOW, nonce)
    first = _succeeding_body(operation, data.draw(request_bodies(operation), label="first"))
    status, content = _post(frozen, operation, first, headers)
    assert status == 200, content
    after_first = frozen.state()
    # The signature does not cover the body: a replay with another body is still a replay.
    second = data.draw(st.one_of(st.just(first), request_bodies(operation)), label="second")
    status, content = _post(frozen, operation, second, headers)
    envelope = expect_error(operation, status, content, expected=401, code="401")
    assert "m7-sign" in envelope["message"] or "replay" in envelope["message"]
    assert frozen.state() == after_first, "a replay changed the call center"


@given(offset=st.integers(-3 * WINDOW, 3 * WINDOW) | st.sampled_from([-301, 301, -299, 299]))
def test_a_timestamp_more_than_300_s_from_the_server_clock_is_refused(
    frozen: InProcessMock, offset: int, next_nonce: Callable[[], str]
) -> None:
    frozen.reset()
    headers = signed_headers(APP_KEY, SECRET, NOW + offset, next_nonce())
    body = {"listenAgent": "2002", "agentNumber": "9527"}
    status, content = _post(frozen, "listen", body, headers)
    if abs(offset) > WINDOW:
        envelope = expect_error("listen", status, content, expected=401, code="401")
        assert "m7-timestamp" in envelope["message"]
    else:
        assert status == 200, content
        expect_conforming("listen", status, content)


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-301, False), (301, False), (-300, True), (300, True), (-299, True), (299, True)],
)
def test_the_window_edges(
    frozen: InProcessMock, offset: int, accepted: bool, next_nonce: Callable[[], str]
) -> None:
    frozen.reset()
    headers = signed_headers(APP_KEY, SECRET, NOW + offset, next_nonce())
    status, _ = _post(frozen, "listen", {"listenAgent": "2002", "agentNumber": "9527"}, headers)
    assert (status == 200) is accepted, f"offset {offset:+d} s answered {status}"


def test_a_replay_is_refused_anywhere_in_the_window(
    frozen: InProcessMock, next_nonce: Callable[[], str]
) -> None:
    # The timestamp is still fresh 200 s later, so only the replay cache can refuse it.
    frozen.reset()
    headers = signed_headers(APP_KEY, SECRET, NOW, next_nonce())
    body = {"listenAgent": "2002", "agentNumber": "9527"}
    assert _post(frozen, "listen", body, headers)[0] == 200
    frozen.clock.freeze(NOW + 200)
    assert _post(frozen, "listen", body, headers)[0] == 401, "a replay 200 s later"
