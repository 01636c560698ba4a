"""Every supervisor action, through the friendly layer, returns the typed SuccessEnvelope."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from m7_call_monitor import AsyncCallMonitor, CallMonitor, ServerError, signature_matches
from m7_call_monitor.signing import HEADER_NAMES
from m7_openapi.models import MediaInfo, SuccessEnvelope

# our method -> the vendor's operation, whose name is the last segment of the path
OPERATIONS = {
    "listen": "listen",
    "whisper": "whisper",
    "barge": "lootCall",
    "hangup": "hangupChannel",
    "pickup": "pickupChannel",
}


def _checks_out(envelope: SuccessEnvelope, vendor: Any, operation: str, action_id: str) -> None:
    assert isinstance(envelope, SuccessEnvelope)
    assert envelope.success is True
    assert envelope.code == "200"
    assert envelope.message == "requestSuccess"
    assert envelope.action_id == action_id
    assert envelope.data.code == 200
    assert isinstance(envelope.data.response.data, MediaInfo)
    assert envelope.data.response.data.media_server == "172.31.15.8:11100"
    assert envelope.request_info.url == f"/openapi/v1/call/{operation}"
    assert envelope.request_info.span.req_end_time == 1628668985759
    sent = vendor.requests[-1]
    assert sent.path == f"/openapi/v1/call/{operation}"
    assert sent.json() == {
        vendor.supervisor_fields[operation]: "2002",
        "agentNumber": "9527",
        "actionId": action_id,
    }


@pytest.mark.parametrize(("method", "operation"), OPERATIONS.items())
def test_each_action_returns_the_success_envelope(
    vendor_monitor: CallMonitor, vendor: Any, method: str, operation: str
) -> None:
    action: Callable[..., SuccessEnvelope] = getattr(vendor_monitor, method)
    envelope = action(supervisor="2002", agent="9527", action_id="强插")
    _checks_out(envelope, vendor, operation, "强插")


@pytest.mark.parametrize(("method", "operation"), OPERATIONS.items())
async def test_each_async_action_returns_the_success_envelope(
    async_vendor_monitor: AsyncCallMonitor, vendor: Any, method: str, operation: str
) -> None:
    action = getattr(async_vendor_monitor, method)
    envelope = await action(supervisor="2002", agent="9527", action_id="437783670040322048")
    _checks_out(envelope, vendor, operation, "437783670040322048")


def test_without_action_id_the_field_is_not_sent_and_the_system_id_comes_back(
    vendor_monitor: CallMonitor, vendor: Any
) -> None:
    envelope = vendor_monitor.listen(supervisor="2002", agent="9527")
    assert vendor.requests[-1].json() == {"listenAgent": "2002", "agentNumber": "9527"}
    assert envelope.action_id == envelope.data.request.request_id == "437783670040322048"


def test_requests_carry_the_four_signed_headers(vendor_monitor: CallMonitor, vendor: Any) -> None:
    vendor_monitor.whisper(supervisor="2002", agent="9527")
    headers = vendor.requests[-1].headers
    assert set(HEADER_NAMES) <= set(headers)
    assert headers["m7-appkey"] == vendor.app_key
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"].startswith("m7-call-monitor/")
    assert signature_matches(
        vendor.app_key,
        vendor.secret,
        headers["m7-timestamp"],
        headers["m7-nonce"],
        headers["m7-sign"],
    )


def test_the_actions_take_keyword_arguments_only(vendor_monitor: CallMonitor) -> None:
    with pytest.raises(TypeError):
        vendor_monitor.listen("2002", "9527")  # type: ignore[call-arg]


def test_the_context_manager_closes_the_pool(vendor: Any) -> None:
    with CallMonitor(
        vendor.base_url, vendor.app_key, vendor.secret, transport=vendor.sync_transport()
    ) as vendor_monitor:
        vendor_monitor.listen(supervisor="2002", agent="9527")
    with pytest.raises(RuntimeError, match="closed"):
        vendor_monitor.listen(supervisor="2002", agent="9527")


def test_close_closes_the_pool(vendor: Any) -> None:
    vendor_monitor = CallMonitor(
        vendor.base_url, vendor.app_key, vendor.secret, transport=vendor.sync_transport()
    )
    vendor_monitor.close()
    with pytest.raises(RuntimeError, match="closed"):
        vendor_monitor.hangup(supervisor="2002", agent="9527")


async def test_the_async_context_manager_closes_the_pool(vendor: Any) -> None:
    async with AsyncCallMonitor(
        vendor.base_url, vendor.app_key, vendor.secret, transport=vendor.async_transport()
    ) as vendor_monitor:
        await vendor_monitor.pickup(supervisor="2002", agent="9527")
    with pytest.raises(RuntimeError, match="closed"):
        await vendor_monitor.pickup(supervisor="2002", agent="9527")


async def test_aclose_closes_the_pool(vendor: Any) -> None:
    vendor_monitor = AsyncCallMonitor(
        vendor.base_url, vendor.app_key, vendor.secret, transport=vendor.async_transport()
    )
    await vendor_monitor.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await vendor_monitor.barge(supervisor="2002", agent="9527")


async def test_concurrent_async_calls_keep_their_own_responses(
    vendor: Any, async_vendor_monitor: AsyncCallMonitor
) -> None:
    vendor.then(502, "<html>bad gateway</html>", content_type="text/html")
    calls = [
        async_vendor_monitor.listen(supervisor="2002", agent="9527", action_id=f"call-{n}")
        for n in range(6)
    ]
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert len(failures) == 1
    assert isinstance(failures[0], ServerError)
    assert failures[0].status == 502
    successes = [o for o in outcomes if isinstance(o, SuccessEnvelope)]
    assert len({s.action_id for s in successes}) == 5
