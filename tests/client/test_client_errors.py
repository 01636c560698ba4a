"""Every error class comes from a real HTTP response (or a real transport failure)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from m7_call_monitor import (
    AsyncCallMonitor,
    AuthError,
    CallMonitor,
    CallStateError,
    M7Error,
    RateLimited,
    RequestError,
    ServerError,
    TransportError,
)

HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def test_a_wrong_secret_is_an_auth_error(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor]
) -> None:
    vendor_monitor = make_vendor_monitor(secret_key="not-the-secret")
    with pytest.raises(AuthError) as caught:
        vendor_monitor.listen(supervisor="2002", agent="9527")
    error = caught.value
    assert (error.status, error.code) == (401, "401")
    assert error.message == "m7-sign: signature does not match"
    assert error.request_id
    assert len(vendor.requests) == 1  # a 401 is not retried


def test_an_unknown_app_key_is_an_auth_error(
    make_vendor_monitor: Callable[..., CallMonitor],
) -> None:
    with pytest.raises(AuthError, match="m7-appkey: unknown app key"):
        make_vendor_monitor(app_key="9999999").listen(supervisor="2002", agent="9527")


def test_an_invalid_body_is_a_request_error_listing_every_violation(
    vendor_monitor: CallMonitor,
) -> None:
    with pytest.raises(RequestError) as caught:
        vendor_monitor.listen(supervisor="20 02", agent="9527", action_id="x" * 41)
    error = caught.value
    assert (error.status, error.code) == (400, "400")
    assert error.message == "request body is invalid: 2 violations"
    assert [e.field for e in error.errors] == ["body.listenAgent", "body.actionId"]
    assert error.action_id == "x" * 41


#: The mock's answer to a body with two violations, word for word.
TWO_VIOLATIONS = {
    "message": "request body is invalid: 2 violations",
    "errors": [
        {"field": "body.listenAgent", "message": '… does not match "^[0-9A-Za-z_.@-]+$"'},
        {"field": "body.actionId", "message": "… is longer than 40 characters"},
    ],
}


def test_the_text_of_a_request_error_names_every_violated_field(
    vendor: Any, vendor_monitor: CallMonitor
) -> None:
    vendor.then_error(400, "400", requestId="8eef3e90", **TWO_VIOLATIONS)
    with pytest.raises(RequestError) as caught:
        vendor_monitor.listen(supervisor="20 02", agent="9527", action_id="x" * 41)
    assert str(caught.value) == (
        "400: request body is invalid: 2 violations: "
        'body.listenAgent: … does not match "^[0-9A-Za-z_.@-]+$"; '
        "body.actionId: … is longer than 40 characters (HTTP 400, request id 8eef3e90)"
    )
    assert caught.value.violations == [
        'body.listenAgent: … does not match "^[0-9A-Za-z_.@-]+$"',
        "body.actionId: … is longer than 40 characters",
    ]


def test_supervisor_and_agent_the_same_is_a_call_state_error(vendor_monitor: CallMonitor) -> None:
    with pytest.raises(CallStateError) as caught:
        vendor_monitor.barge(supervisor="9527", agent="9527", action_id="强插")
    error = caught.value
    assert (error.status, error.code, error.action_id) == (400, "40001", "强插")
    assert error.errors == ()


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (409, "40903", "agentNumber: agent 9530 has no live call"),
        (409, "40905", "agentNumber: call monitored by another supervisor"),
        (403, "40301", "listenAgent: agent 9528 is not a supervisor"),
        (404, "40402", "agentNumber: no agent 1234"),
        (404, "40401", "listenAgent: no agent 1234"),
    ],
)
def test_business_failures_are_call_state_errors(
    vendor: Any, vendor_monitor: CallMonitor, status: int, code: str, message: str
) -> None:
    vendor.then_error(
        status, code, message, requestId="8eef3e90fa7a11eb95011fe29e32d87e", actionId="a1"
    )
    with pytest.raises(CallStateError) as caught:
        vendor_monitor.hangup(supervisor="2002", agent="9530", action_id="a1")
    error = caught.value
    assert (error.status, error.code, error.message) == (status, code, message)
    assert error.request_id == "8eef3e90fa7a11eb95011fe29e32d87e"
    assert error.action_id == "a1"
    assert str(error) == (
        f"{code}: {message} (HTTP {status}, request id 8eef3e90fa7a11eb95011fe29e32d87e)"
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "no such path /openapi/v1/call/nope"),
        (405, "method not allowed"),
        (413, "body: larger than 65536 bytes"),
        (415, "content-type: expected application/json, got 'text/plain'"),
    ],
)
def test_other_client_failures_are_request_errors(
    vendor: Any, vendor_monitor: CallMonitor, status: int, message: str
) -> None:
    vendor.then_error(status, str(status), message)
    with pytest.raises(RequestError) as caught:
        vendor_monitor.whisper(supervisor="2002", agent="9527")
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        status,
        str(status),
        message,
    )


def test_429_is_rate_limited_with_retry_after(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor]
) -> None:
    vendor.then_error(429, "429", "too many requests", actionId="a")
    vendor.script[-1].headers["Retry-After"] = "3"
    with pytest.raises(RateLimited) as caught:
        make_vendor_monitor(retries=0).listen(supervisor="2002", agent="9527")
    assert (caught.value.status, caught.value.retry_after) == (429, 3.0)


def test_500_is_a_server_error(vendor: Any, vendor_monitor: CallMonitor) -> None:
    vendor.then_error(500, "500", "internal error")
    with pytest.raises(ServerError) as caught:
        vendor_monitor.pickup(supervisor="2002", agent="9527")
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        500,
        "500",
        "internal error",
    )
    assert len(vendor.requests) == 1  # a 500 may have acted: not retried


def test_503_is_a_server_error_once_retries_are_spent(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor]
) -> None:
    vendor.then_error(503, "503", "service unavailable")
    with pytest.raises(ServerError) as caught:
        make_vendor_monitor(retries=0).listen(supervisor="2002", agent="9527")
    assert (caught.value.status, caught.value.code) == (503, "503")


def test_a_proxys_html_502_is_a_server_error_with_a_clear_message(
    vendor: Any, vendor_monitor: CallMonitor
) -> None:
    vendor.then(502, HTML_502, content_type="text/html")
    with pytest.raises(ServerError) as caught:
        vendor_monitor.listen(supervisor="2002", agent="9527")
    error = caught.value
    assert (error.status, error.code, error.request_id) == (502, "502", None)
    assert error.message.startswith("HTTP 502 Bad Gateway with a body that is not the API's")
    assert "text/html" in error.message
    assert "502 Bad Gateway" in error.message


def test_a_non_json_500_does_not_crash_the_generated_parser(
    vendor: Any, vendor_monitor: CallMonitor
) -> None:
    # 500 is documented, so the generated code calls response.json() on it and fails.
    vendor.then(500, "Internal Server Error", content_type="text/plain")
    with pytest.raises(ServerError, match="not the API's JSON envelope"):
        vendor_monitor.listen(supervisor="2002", agent="9527")


def test_an_undocumented_status_still_maps_to_a_class(
    vendor: Any, vendor_monitor: CallMonitor
) -> None:
    vendor.then(599, "?", content_type="text/plain")
    with pytest.raises(ServerError) as caught:
        vendor_monitor.listen(supervisor="2002", agent="9527")
    assert caught.value.status == 599


def test_a_failure_envelope_sent_with_200_is_still_an_error(
    vendor: Any, vendor_monitor: CallMonitor
) -> None:
    vendor.then_error(200, "40903", "agentNumber: agent 9530 has no live call")
    with pytest.raises(CallStateError) as caught:
        vendor_monitor.listen(supervisor="2002", agent="9530")
    assert (caught.value.status, caught.value.code) == (200, "40903")


@pytest.mark.parametrize(
    "body",
    [{"hello": "world"}, {"success": True, "code": "200", "message": "requestSuccess"}, "[]"],
)
def test_a_200_that_is_not_a_success_envelope_is_an_m7_error(
    vendor: Any, vendor_monitor: CallMonitor, body: dict[str, Any] | str
) -> None:
    vendor.then(200, body)
    with pytest.raises(M7Error, match="not the documented SuccessEnvelope") as caught:
        vendor_monitor.listen(supervisor="2002", agent="9527")
    assert type(caught.value) is M7Error
    assert caught.value.status == 200


def _failing(exc: type[httpx.TransportError], calls: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise exc("simulated", request=request)

    return httpx.MockTransport(handler)


def test_a_refused_connection_is_a_transport_error_not_sent(
    make_vendor_monitor: Callable[..., CallMonitor],
) -> None:
    calls: list[httpx.Request] = []
    vendor_monitor = make_vendor_monitor(transport=_failing(httpx.ConnectError, calls), retries=0)
    with pytest.raises(TransportError) as caught:
        vendor_monitor.listen(supervisor="2002", agent="9527")
    assert caught.value.request_sent is False
    assert caught.value.status is None
    assert "could not connect" in caught.value.message
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def _closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("userinfo", ["", "proxy-user:proxy-password@"])
def test_a_refused_connection_names_the_url_tried_and_no_credentials(userinfo: str) -> None:
    port = _closed_port()
    base_url = f"http://{userinfo}127.0.0.1:{port}/gateway"
    with (
        CallMonitor(base_url, "2100147", "m7-demo-secret", retries=0) as monitor,
        pytest.raises(TransportError) as caught,
    ):
        monitor.listen(supervisor="2002", agent="9527")
    url = f"http://127.0.0.1:{port}/gateway/openapi/v1/call/listen"
    assert caught.value.url == url
    assert caught.value.message.startswith(f"ConnectError: could not connect to {url}: ")
    assert all(secret not in str(caught.value) for secret in ("proxy-password", "m7-demo-secret"))


def test_a_read_timeout_is_a_transport_error_that_may_have_acted(
    make_vendor_monitor: Callable[..., CallMonitor],
) -> None:
    calls: list[httpx.Request] = []
    vendor_monitor = make_vendor_monitor(transport=_failing(httpx.ReadTimeout, calls))
    with pytest.raises(TransportError) as caught:
        vendor_monitor.hangup(supervisor="2002", agent="9527")
    assert caught.value.request_sent is True
    assert "may have happened" in caught.value.message
    assert "on POST http://m7.test/openapi/v1/call/hangupChannel: " in caught.value.message


async def test_async_errors_are_the_same_classes(
    vendor: Any,
    async_vendor_monitor: AsyncCallMonitor,
    make_async_vendor_monitor: Callable[..., AsyncCallMonitor],
) -> None:
    vendor.then_error(409, "40904", "agentNumber: call not answered yet")
    with pytest.raises(CallStateError, match="40904"):
        await async_vendor_monitor.listen(supervisor="2002", agent="9527")
    vendor.then(502, HTML_502, content_type="text/html")
    with pytest.raises(ServerError, match="502"):
        await async_vendor_monitor.listen(supervisor="2002", agent="9527")
    with pytest.raises(AuthError):
        await make_async_vendor_monitor(secret_key="wrong").listen(supervisor="2002", agent="9527")

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    offline = make_async_vendor_monitor(transport=httpx.MockTransport(refuse), retries=0)
    with pytest.raises(TransportError):
        await offline.listen(supervisor="2002", agent="9527")


def test_every_error_is_an_m7_error() -> None:
    for cls in (AuthError, RequestError, CallStateError, RateLimited, ServerError, TransportError):
        assert issubclass(cls, M7Error)
