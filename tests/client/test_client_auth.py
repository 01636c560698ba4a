"""M7Auth signs any httpx client, the generated one included, and every request afresh."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from m7_call_monitor import M7Auth, signature_matches
from m7_openapi import Client
from m7_openapi.api.call_monitoring import listen, loot_call
from m7_openapi.models import ListenRequest, LootCallRequest, SuccessEnvelope


def test_pinned_clock_and_randomness_give_the_vendors_example() -> None:
    auth = M7Auth(
        "2000103",
        "HWHp9xFVlbboxIU2S6DHA7sf9sGzt3",
        clock=lambda: 1608119594,
        randbelow=lambda _: 123221,
    )
    request = httpx.Request("POST", "http://x/openapi/v1/call/listen", json={})
    signed = next(auth.sync_auth_flow(request))
    assert signed.headers["m7-appkey"] == "2000103"
    assert signed.headers["m7-timestamp"] == "1608119594"
    assert signed.headers["m7-nonce"] == "123221"
    assert signed.headers["m7-sign"] == "ybCwXrg9CMo39xv1kdfVLemqFmk+2Elz+vXYu1CyHlo="


def test_every_request_gets_a_new_nonce_and_signature(vendor: Any) -> None:
    draws = itertools.count(41)
    auth = M7Auth(vendor.app_key, vendor.secret, randbelow=lambda _: next(draws))
    with httpx.Client(
        transport=vendor.sync_transport(), auth=auth, base_url=vendor.base_url
    ) as http:
        for _ in range(3):
            http.post(
                "/openapi/v1/call/listen", json={"listenAgent": "2002", "agentNumber": "9527"}
            )
    assert [seen.nonce for seen in vendor.requests] == ["000041", "000042", "000043"]
    assert len({seen.sign for seen in vendor.requests}) == 3


def test_the_generated_client_signs_through_httpx_args(vendor: Any) -> None:
    client = Client(
        base_url=vendor.base_url,
        httpx_args={
            "auth": M7Auth(vendor.app_key, vendor.secret),
            "transport": vendor.sync_transport(),
        },
    )
    with client:
        response = listen.sync_detailed(
            client=client, body=ListenRequest(listen_agent="2002", agent_number="9527")
        )
    assert response.status_code == 200
    assert isinstance(response.parsed, SuccessEnvelope)
    seen = vendor.requests[-1]
    assert signature_matches(
        vendor.app_key, vendor.secret, seen.headers["m7-timestamp"], seen.nonce, seen.sign
    )


def test_the_generated_client_signs_through_set_httpx_client(vendor: Any) -> None:
    http = httpx.Client(
        base_url=vendor.base_url,
        auth=M7Auth(vendor.app_key, vendor.secret),
        transport=vendor.sync_transport(),
    )
    client = Client(base_url=vendor.base_url).set_httpx_client(http)
    with client:
        parsed = loot_call.sync(
            client=client,
            body=LootCallRequest(loot_call_agent="2002", agent_number="9527", action_id="强插"),
        )
    assert isinstance(parsed, SuccessEnvelope)
    assert parsed.action_id == "强插"


async def test_the_same_auth_serves_async_clients(vendor: Any) -> None:
    auth = M7Auth(vendor.app_key, vendor.secret)
    client = Client(
        base_url=vendor.base_url,
        httpx_args={"auth": auth, "transport": vendor.async_transport()},
    )
    async with client:
        for _ in range(2):
            parsed = await listen.asyncio(
                client=client, body=ListenRequest(listen_agent="2002", agent_number="9527")
            )
            assert isinstance(parsed, SuccessEnvelope)
    assert len({seen.nonce for seen in vendor.requests}) == 2


def test_without_auth_the_vendor_refuses(vendor: Any) -> None:
    with httpx.Client(transport=vendor.sync_transport(), base_url=vendor.base_url) as http:
        response = http.post("/openapi/v1/call/listen", json={})
    assert response.status_code == 401
