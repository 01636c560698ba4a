"""Retries happen only where the server surely did not act, each attempt freshly signed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from m7_call_monitor import (
    AsyncCallMonitor,
    CallMonitor,
    RateLimited,
    ServerError,
    TransportError,
    signature_matches,
)


def test_a_503_then_success_takes_two_freshly_signed_attempts(
    vendor: Any, vendor_monitor: CallMonitor, sleeps: list[float]
) -> None:
    vendor.then_error(503, "503", "service unavailable")
    envelope = vendor_monitor.hangup(supervisor="2002", agent="9527")
    assert envelope.success
    first, second = vendor.requests
    assert first.nonce != second.nonce
    assert first.sign != second.sign
    for seen in (first, second):
        assert signature_matches(
            vendor.app_key, vendor.secret, seen.headers["m7-timestamp"], seen.nonce, seen.sign
        )
    assert len(sleeps) == 1


async def test_async_retries_sign_afresh_too(
    vendor: Any, async_vendor_monitor: AsyncCallMonitor, sleeps: list[float]
) -> None:
    vendor.then_error(429, "429", "too many requests")
    vendor.script[-1].headers["Retry-After"] = "2"
    envelope = await async_vendor_monitor.pickup(supervisor="2002", agent="9527")
    assert envelope.success
    assert len({seen.nonce for seen in vendor.requests}) == 2
    assert sleeps == [2.0]


def test_retry_after_is_honoured(
    vendor: Any, vendor_monitor: CallMonitor, sleeps: list[float]
) -> None:
    vendor.then_error(429, "429", "too many requests")
    vendor.script[-1].headers["Retry-After"] = "7"
    vendor.then_error(503, "503", "service unavailable")
    vendor.script[-1].headers["Retry-After"] = "0"
    assert vendor_monitor.listen(supervisor="2002", agent="9527").success
    assert sleeps == [7.0, 0.0]
    assert len(vendor.requests) == 3


def test_retry_after_is_capped(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor], sleeps: list[float]
) -> None:
    vendor.then_error(503, "503", "service unavailable")
    vendor.script[-1].headers["Retry-After"] = "3600"
    make_vendor_monitor(max_retry_delay=5.0).listen(supervisor="2002", agent="9527")
    assert sleeps == [5.0]


def test_without_retry_after_the_backoff_grows_with_jitter(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor], sleeps: list[float]
) -> None:
    for _ in range(3):
        vendor.then_error(503, "503", "service unavailable")
    vendor_monitor = make_vendor_monitor(retries=3, backoff=1.0)
    assert vendor_monitor.whisper(supervisor="2002", agent="9527").success
    assert len(sleeps) == 3
    for n, slept in enumerate(sleeps):
        assert 2**n / 2 <= slept <= 2**n


def test_retries_are_bounded(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor], sleeps: list[float]
) -> None:
    for _ in range(5):
        vendor.then_error(429, "429", "too many requests")
    with pytest.raises(RateLimited):
        make_vendor_monitor(retries=2).listen(supervisor="2002", agent="9527")
    assert len(vendor.requests) == 3
    assert len(sleeps) == 2


def test_retries_zero_means_one_attempt(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor], sleeps: list[float]
) -> None:
    vendor.then_error(503, "503", "service unavailable")
    with pytest.raises(ServerError):
        make_vendor_monitor(retries=0).listen(supervisor="2002", agent="9527")
    assert (len(vendor.requests), sleeps) == (1, [])


def test_a_500_is_never_retried(
    vendor: Any, vendor_monitor: CallMonitor, sleeps: list[float]
) -> None:
    vendor.then_error(500, "500", "internal error")
    with pytest.raises(ServerError):
        vendor_monitor.hangup(supervisor="2002", agent="9527")
    assert (len(vendor.requests), sleeps) == (1, [])


class Flaky:
    """Fails the first ``failures`` requests with ``error``, then passes them to the vendor."""

    def __init__(self, vendor: Any, error: type[httpx.TransportError], failures: int) -> None:
        self.inner = vendor.sync_transport()
        self.error = error
        self.failures = failures
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) <= self.failures:
            raise self.error("simulated", request=request)
        response: httpx.Response = self.inner.handle_request(request)
        return response


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_failures_before_sending_are_retried_with_fresh_nonces(
    vendor: Any,
    make_vendor_monitor: Callable[..., CallMonitor],
    sleeps: list[float],
    error: type[httpx.TransportError],
) -> None:
    flaky = Flaky(vendor, error, failures=2)
    vendor_monitor = make_vendor_monitor(transport=httpx.MockTransport(flaky), retries=2)
    assert vendor_monitor.pickup(supervisor="2002", agent="9527").success
    assert len(flaky.requests) == 3
    assert len({r.headers["m7-nonce"] for r in flaky.requests}) == 3
    assert len({r.headers["m7-sign"] for r in flaky.requests}) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.RemoteProtocolError]
)
def test_failures_after_sending_are_never_retried(
    vendor: Any,
    make_vendor_monitor: Callable[..., CallMonitor],
    sleeps: list[float],
    error: type[httpx.TransportError],
) -> None:
    flaky = Flaky(vendor, error, failures=1)
    vendor_monitor = make_vendor_monitor(transport=httpx.MockTransport(flaky), retries=5)
    with pytest.raises(TransportError) as caught:
        vendor_monitor.hangup(supervisor="2002", agent="9527")
    assert caught.value.request_sent is True
    assert len(flaky.requests) == 1  # one attempt: the hangup may already have happened
    assert sleeps == []


async def test_async_read_timeout_is_not_retried(
    make_async_vendor_monitor: Callable[..., AsyncCallMonitor], sleeps: list[float]
) -> None:
    attempts: list[httpx.Request] = []

    def timeout(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ReadTimeout("simulated", request=request)

    vendor_monitor = make_async_vendor_monitor(transport=httpx.MockTransport(timeout), retries=3)
    with pytest.raises(TransportError):
        await vendor_monitor.pickup(supervisor="2002", agent="9527")
    assert (len(attempts), sleeps) == (1, [])


def test_negative_retries_are_refused(vendor: Any) -> None:
    with pytest.raises(ValueError, match="retries"):
        CallMonitor(vendor.base_url, vendor.app_key, vendor.secret, retries=-1)
