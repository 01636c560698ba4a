"""The secret key never shows: not in reprs, logs, exception texts or headers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from m7_call_monitor import (
    AsyncCallMonitor,
    CallMonitor,
    ConfigError,
    M7Auth,
    M7Error,
    load_credentials,
    load_settings,
)

pytest_plugins = ["pytester"]


def test_reprs_hide_the_secret(
    vendor: Any, vendor_monitor: CallMonitor, async_vendor_monitor: AsyncCallMonitor
) -> None:
    settings = load_settings(vendor.base_url, vendor.app_key, vendor.secret)
    objects = [
        vendor_monitor,
        async_vendor_monitor,
        M7Auth(vendor.app_key, vendor.secret),
        settings,
        settings.credentials,
        load_credentials(vendor.app_key, vendor.secret),
    ]
    for thing in objects:
        for text in (repr(thing), str(thing)):
            assert vendor.secret not in text
            assert vendor.app_key in text
    assert (
        repr(vendor_monitor)
        == f"CallMonitor(base_url='{vendor.base_url}', app_key='{vendor.app_key}')"
    )
    assert repr(M7Auth("2000103", vendor.secret)) == "M7Auth(app_key='2000103')"


def test_logs_show_the_exchange_but_neither_secret_nor_signature(
    vendor: Any, vendor_monitor: CallMonitor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    vendor.then_error(503, "503", "service unavailable", requestId="r-503")
    vendor_monitor.listen(supervisor="2002", agent="9527")
    vendor.then_error(409, "40903", "agentNumber: agent 9527 has no live call", requestId="r-409")
    with pytest.raises(M7Error):
        vendor_monitor.listen(supervisor="2002", agent="9527")

    ours = [r for r in caplog.records if r.name == "m7_call_monitor"]
    messages = [r.getMessage() for r in ours]
    assert "POST /openapi/v1/call/listen -> 503 (attempt 1/3, request id r-503)" in messages
    assert any(m.startswith("listen: ServerError; retrying in ") for m in messages)
    assert "POST /openapi/v1/call/listen -> 409 (attempt 1/3, request id r-409)" in messages
    assert any(
        m.startswith("POST /openapi/v1/call/listen -> 200 (attempt 2/3, request id ")
        for m in messages
    )
    everything = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert vendor.secret not in everything
    for seen in vendor.requests:
        assert seen.sign not in everything


def test_exception_texts_hide_the_secret(
    vendor: Any, make_vendor_monitor: Callable[..., CallMonitor]
) -> None:
    # A careless gateway echoing the secret back must not get it into our texts.
    vendor.then_error(
        500,
        "500",
        f"cannot verify with key {vendor.secret}",
        errors=[{"field": "m7-sign", "message": f"expected HMAC with {vendor.secret}"}],
    )
    vendor.then(502, f"<pre>{vendor.secret}</pre>", content_type="text/html")
    failures: list[M7Error] = []
    for _ in range(2):
        with pytest.raises(M7Error) as caught:
            make_vendor_monitor().listen(supervisor="2002", agent="9527")
        failures.append(caught.value)

    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused by {vendor.secret}", request=request)

    with pytest.raises(M7Error) as caught:
        make_vendor_monitor(transport=httpx.MockTransport(broken), retries=0).listen(
            supervisor="2002", agent="9527"
        )
    failures.append(caught.value)
    for error in failures:
        texts = [str(error), repr(error), error.message, *map(str, error.args)]
        texts += [f"{e.field} {e.message}" for e in error.errors]
        assert all(vendor.secret not in text for text in texts)
    assert "[secret]" in failures[0].message


def test_config_errors_never_show_the_secret(vendor: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        CallMonitor(None, None, vendor.secret)
    assert vendor.secret not in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        CallMonitor("ftp://nope", vendor.app_key, vendor.secret)
    assert vendor.secret not in str(caught.value)


def test_the_secret_is_never_sent(vendor: Any, vendor_monitor: CallMonitor) -> None:
    vendor_monitor.listen(supervisor="2002", agent="9527")
    seen = vendor.requests[-1]
    assert all(vendor.secret not in value for value in seen.headers.values())
    assert vendor.secret.encode() not in seen.body


#: A suite whose calls fail in every way a call can, each test failing with the secret at hand.
FAILING_CALLS = """
import httpx
import pytest

from m7_call_monitor import AsyncCallMonitor, CallMonitor

SECRET = {secret!r}


def refused(request):
    return httpx.Response(
        409,
        json={{"success": False, "code": "40903", "message": "agent 9527 has no live call"}},
        headers={{"x-request-id": "r-1"}},
    )


def unreachable(request):
    raise httpx.ConnectError("connection refused", request=request)


def test_refused():
    with CallMonitor("http://m7.test", "2000103", SECRET, transport=httpx.MockTransport(refused)) as m:
        m.listen(supervisor="2002", agent="9527")


def test_unreachable():
    monitor = CallMonitor(
        "http://m7.test", "2000103", SECRET, retries=0, transport=httpx.MockTransport(unreachable)
    )
    monitor.hangup(supervisor="2002", agent="9527")


def test_refused_async():
    import asyncio

    async def call():
        transport = httpx.MockTransport(refused)
        async with AsyncCallMonitor("http://m7.test", "2000103", SECRET, transport=transport) as m:
            await m.pickup(supervisor="2002", agent="9527")

    asyncio.run(call())


def test_missing_base_url(monkeypatch):
    monkeypatch.delenv("M7_BASE_URL", raising=False)
    CallMonitor(None, "2000103", SECRET)


def test_bad_base_url():
    CallMonitor("ftp://m7.test", "2000103", SECRET)
"""


@pytest.mark.parametrize(
    "options",
    [(), ("-l",), ("--showlocals", "--tb=long"), ("--tb=short", "-l")],
    ids=["default", "-l", "long-showlocals", "short-l"],
)
def test_pytest_tracebacks_of_failed_calls_never_show_the_secret(
    pytester: pytest.Pytester, vendor: Any, options: tuple[str, ...]
) -> None:
    """pytest prints the arguments of a traceback's frames (long style) and, with
    ``--showlocals``, their locals: no frame of the client may hold the bare secret."""
    pytester.makepyfile(test_failing=FAILING_CALLS.format(secret=vendor.secret))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *options, timeout=120)
    result.assert_outcomes(failed=5)
    output = result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines(["*CallStateError: 40903: agent 9527 has no live call*"])
    result.stdout.fnmatch_lines(["*TransportError: ConnectError: could not connect to*"])
    result.stdout.fnmatch_lines(["*ConfigError: missing setting M7_BASE_URL*"])
    assert vendor.secret not in output
