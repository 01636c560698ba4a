"""The proxy: a caller signing with the mock's credentials gets the upstream's answer, the
request signed afresh with the upstream's own key, through the one request path (the
caller's signature verified, faults and replay memory first), within bounds."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from mock_server.settings import DEMO_APP_KEY
from mock_server.upstream.config import MockMode
from tests.api.helpers import signed
from tests.proxy.conftest import UP_KEY, Proxy, Upstream, proxy_mode
from tests.proxy.servers import refusing_port

LISTEN = {"listenAgent": "2002", "agentNumber": "9527", "actionId": "a-1"}


async def test_a_demo_signed_request_gets_the_upstreams_answer_signed_with_its_own_key(
    upstream: Upstream, make_proxy: Callable[[MockMode], Proxy]
) -> None:
    proxy = make_proxy(proxy_mode(upstream.url))
    response = await proxy.call("listen", LISTEN)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["success"] is True
    assert answer["actionId"] == "a-1"
    assert answer["requestInfo"]["body"] == LISTEN
    assert response.headers["content-type"] == "application/json"
    assert "x-m7-upstream-request-id" in response.headers
    # The upstream's journal: the request, signed with the upstream's key, and accepted.
    (entry,) = upstream.journal()
    assert entry["appKey"] == UP_KEY
    assert entry["headers"]["m7-appkey"] == UP_KEY
    assert entry["headers"]["user-agent"] == "m7-mock-proxy"
    assert entry["status"] == 200
    assert entry["body"] == LISTEN
    # The upstream's call center acted; the proxy's own did not.
    state = httpx.get(f"{upstream.url}/__mock/state").json()
    assert any(call["supervisor"] == "2002" for call in state["calls"])
    own = (await proxy.client.get("/__mock/state")).json()
    assert not any(call["supervisor"] == "2002" for call in own["calls"])
    # The proxy's journal: the caller's account, the upstream's answer, no disagreement.
    (mine,) = (await proxy.client.get("/__mock/journal")).json()["entries"]
    assert mine["appKey"] == DEMO_APP_KEY
    assert mine["responseBody"] == answer
    assert "drift" not in mine  # shown only when there is one


async def test_a_refusal_of_the_upstream_comes_back_unchanged(
    upstream: Upstream, make_proxy: Callable[[MockMode], Proxy]
) -> None:
    proxy = make_proxy(proxy_mode(upstream.url))
    response = await proxy.call("listen", {"listenAgent": "2002", "agentNumber": "9530"})
    direct = httpx.post(
        f"{upstream.url}/openapi/v1/call/listen",
        json={"listenAgent": "2002", "agentNumber": "9530"},
        headers=signed(time.time, app_key=UP_KEY, secret="upstream-secret-Zq81"),
    )
    assert (response.status_code, response.json()["code"]) == (409, "40903")
    assert {k: v for k, v in response.json().items() if k != "requestId"} == {
        k: v for k, v in direct.json().items() if k != "requestId"
    }
    (mine,) = (await proxy.client.get("/__mock/journal")).json()["entries"]
    assert mine["outcome"] == "409"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda: {**signed(time.time), "m7-sign": "bm9wZQ=="}, id="wrong-sign"),
        pytest.param(lambda: signed(time.time, timestamp="1000000000"), id="stale"),
        pytest.param(lambda: {}, id="unsigned"),
    ],
)
async def test_the_caller_is_verified_as_strictly_as_ever_and_nothing_goes_upstream(
    upstream: Upstream,
    make_proxy: Callable[[MockMode], Proxy],
    headers: Callable[[], dict[str, str]],
) -> None:
    proxy = make_proxy(proxy_mode(upstream.url))
    response = await proxy.call("listen", LISTEN, headers=headers())
    assert response.status_code == 401, response.text
    assert upstream.journal() == []


async def test_a_body_the_document_refuses_is_refused_by_the_proxy(
    upstream: Upstream, make_proxy: Callable[[MockMode], Proxy]
) -> None:
    proxy = make_proxy(proxy_mode(upstream.url))
    response = await proxy.call("listen", {"listenAgent": "2002"})
    assert response.status_code == 400
    assert upstream.journal() == []


async def test_faults_and_the_replay_memory_come_before_the_upstream(
    upstream: Upstream, make_proxy: Callable[[MockMode], Proxy]
) -> None:
    proxy = make_proxy(proxy_mode(upstream.url))
    put = await proxy.client.put("/__mock/faults", json={"status": {"status": 503, "count": 1}})
    assert put.status_code == 200, put.text
    faulted = await proxy.call("listen", LISTEN)
    assert faulted.status_code == 503
    assert upstream.journal() == []
    headers = signed(time.time)
    first = await proxy.call("listen", LISTEN, headers=headers)
    again = await proxy.call("listen", LISTEN, headers=headers)
    assert first.status_code == 200
    assert again.status_code == 401
    assert "replay" in again.json()["message"].lower() or "seen" in again.json()["message"]
    assert len(upstream.journal()) == 1


@pytest.mark.parametrize("agent", ["slow", "trickle"])
async def test_an_upstream_that_does_not_answer_in_time_is_a_504_naming_it(
    vendor_url: str, make_proxy: Callable[[MockMode], Proxy], agent: str
) -> None:
    """A silent upstream, and one trickling its answer byte by byte (each read in time, the
    whole never): the whole exchange is bounded."""
    proxy = make_proxy(proxy_mode(vendor_url, timeout=0.5))
    began = time.monotonic()
    response = await proxy.call("listen", {"listenAgent": "2002", "agentNumber": agent})
    assert time.monotonic() - began < 3
    assert response.status_code == 504
    body = response.json()
    assert (body["success"], body["code"]) == (False, "504")
    assert vendor_url.removeprefix("http://") in body["message"]
    (entry,) = (await proxy.client.get("/__mock/journal")).json()["entries"]
    assert entry["status"] == 504


async def test_a_refused_connection_is_a_502_naming_the_upstream(
    make_proxy: Callable[[MockMode], Proxy],
) -> None:
    with refusing_port() as url:
        proxy = make_proxy(proxy_mode(url))
        began = time.monotonic()
        response = await proxy.call("listen", LISTEN)
    assert time.monotonic() - began < 3
    assert response.status_code == 502
    assert response.json()["code"] == "502"
    assert url.removeprefix("http://") in response.json()["message"]


async def test_a_broken_answer_is_a_502(
    vendor_url: str, make_proxy: Callable[[MockMode], Proxy]
) -> None:
    proxy = make_proxy(proxy_mode(vendor_url))
    response = await proxy.call("listen", {"listenAgent": "2002", "agentNumber": "broken"})
    assert response.status_code == 502, response.text
    assert "broke" in response.json()["message"]


async def test_an_answer_over_the_bound_is_a_502(
    upstream: Upstream, make_proxy: Callable[[MockMode], Proxy]
) -> None:
    import dataclasses

    mode = proxy_mode(upstream.url)
    assert mode.upstream is not None
    small = dataclasses.replace(
        mode, upstream=dataclasses.replace(mode.upstream, max_answer_bytes=100)
    )
    proxy = make_proxy(small)
    response = await proxy.call("listen", LISTEN)
    assert response.status_code == 502
    assert "more than 100 bytes" in response.json()["message"]


async def test_the_config_says_the_mode_and_never_a_credential(
    upstream: Upstream, make_proxy: Callable[[MockMode], Proxy]
) -> None:
    simulating = make_proxy(MockMode())
    config = (await simulating.client.get("/__mock/config")).json()
    assert config["mode"]["kind"] == "simulate"
    proxy = make_proxy(proxy_mode(upstream.url))
    await proxy.call("listen", LISTEN)
    response = await proxy.client.get("/__mock/config")
    mode = response.json()["mode"]
    assert mode["kind"] == "proxy"
    assert mode["upstream"] == upstream.url
    assert mode["drift"]["answers"] == 1
    assert UP_KEY not in response.text
    assert "upstream-secret" not in response.text
