"""The client's failure classes hold by HTTP status and by code, each on its own.

The vendor documents few failure bodies, so a deployment may answer a status the document
does not list, or a documented status with a code it does not list. Each half of the rule
is tested with the other half unable to decide: a status with a code that is no number, and
a code under a status that says nothing particular (400, 422). The request id is kept on
every kind of failure, from the envelope or, when the body is not one, from the
``x-request-id`` header.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from m7_call_monitor import (
    AuthError,
    CallMonitor,
    CallStateError,
    M7Error,
    RateLimited,
    RequestError,
    ServerError,
)

#: The rule by status, written out status by status (not computed like the client does).
BY_STATUS: dict[int, type[M7Error]] = {
    **dict.fromkeys((400, 402, 404, 405, 406, 408, 410, 411, 413, 414, 415), RequestError),
    **dict.fromkeys((418, 422, 431, 451, 499), RequestError),
    401: AuthError,
    403: CallStateError,
    409: CallStateError,
    429: RateLimited,
    **dict.fromkeys((500, 501, 502, 503, 504, 507, 520, 599), ServerError),
}
REQUEST_ID = "0f3c1b2a9d8e4f5a6b7c8d9e0f1a2b3c"


def raised(monitor: CallMonitor) -> M7Error:
    with pytest.raises(M7Error) as caught:
        monitor.listen(supervisor="2002", agent="9527")
    return caught.value


@pytest.mark.parametrize(("status", "expected"), sorted(BY_STATUS.items()))
def test_the_status_decides_when_the_code_is_no_number(
    vendor: Any,
    make_vendor_monitor: Callable[..., CallMonitor],
    status: int,
    expected: type[M7Error],
) -> None:
    vendor.then_error(status, "E_UNDOCUMENTED", "something", requestId=REQUEST_ID)
    error = raised(make_vendor_monitor(retries=0))
    assert type(error) is expected
    assert (error.status, error.code, error.message) == (status, "E_UNDOCUMENTED", "something")
    assert error.request_id == REQUEST_ID


@pytest.mark.parametrize("status", [400, 404, 418, 422])
@pytest.mark.parametrize("code", ["40001", "40903", "40905", "49999", "41234"])
def test_a_five_digit_code_is_a_call_state_error_under_any_plain_4xx(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor], status: int, code: str
) -> None:
    vendor.then_error(status, code, "the call says no", requestId=REQUEST_ID, actionId="a")
    error = raised(make_vendor_monitor(retries=0))
    assert type(error) is CallStateError
    assert (error.status, error.code, error.request_id, error.action_id) == (
        status,
        code,
        REQUEST_ID,
        "a",
    )


@pytest.mark.parametrize("code", ["400", "4090", "409033", "E40903", "abcde"])
def test_other_codes_leave_a_plain_4xx_a_request_error(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor], code: str
) -> None:
    vendor.then_error(422, code, "no", requestId=REQUEST_ID)
    assert type(raised(make_vendor_monitor(retries=0))) is RequestError


@pytest.mark.parametrize(
    ("status", "expected"),
    [(401, AuthError), (429, RateLimited), (500, ServerError), (503, ServerError)],
)
def test_the_status_wins_over_a_call_state_code(
    vendor: Any,
    make_vendor_monitor: Callable[..., CallMonitor],
    status: int,
    expected: type[M7Error],
) -> None:
    vendor.then_error(status, "40903", "no live call", requestId=REQUEST_ID)
    error = raised(make_vendor_monitor(retries=0))
    assert type(error) is expected
    assert error.code == "40903"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("401", AuthError),
        ("429", RateLimited),
        ("500", ServerError),
        ("502", ServerError),
        ("404", RequestError),
        ("422", RequestError),
        ("409", CallStateError),
        ("40903", CallStateError),
    ],
)
def test_a_failure_envelope_sent_with_200_is_classed_by_its_code(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor], code: str, expected: type[M7Error]
) -> None:
    vendor.then_error(200, code, "refused behind a 200", requestId=REQUEST_ID)
    error = raised(make_vendor_monitor(retries=0))
    assert type(error) is expected
    assert (error.status, error.code, error.request_id) == (200, code, REQUEST_ID)


@pytest.mark.parametrize(
    ("status", "body", "content_type", "expected"),
    [
        (502, "<html>bad gateway</html>", "text/html", ServerError),
        (503, "", "text/plain", ServerError),
        (429, "slow down", "text/plain", RateLimited),
        (401, "no", "text/plain", AuthError),
        (404, "<h1>nope</h1>", "text/html", RequestError),
        (409, "[1, 2]", "application/json", CallStateError),
        (200, "{}", "application/json", M7Error),
    ],
)
def test_the_request_id_header_is_kept_when_the_body_is_no_envelope(
    vendor: Any,
    make_vendor_monitor: Callable[..., CallMonitor],
    status: int,
    body: str,
    content_type: str,
    expected: type[M7Error],
) -> None:
    vendor.then(status, body, headers={"x-request-id": REQUEST_ID}, content_type=content_type)
    error = raised(make_vendor_monitor(retries=0))
    assert type(error) is expected
    assert error.request_id == REQUEST_ID
    assert REQUEST_ID in str(error)


def test_the_envelopes_request_id_wins_over_the_header(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor]
) -> None:
    vendor.then_error(409, "40903", "no live call", requestId=REQUEST_ID)
    vendor.script[-1].headers["x-request-id"] = "the-proxys-own-id"
    assert raised(make_vendor_monitor(retries=0)).request_id == REQUEST_ID
