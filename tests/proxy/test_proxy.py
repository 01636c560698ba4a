"""The proxy: a caller signing with the mock's credentials gets the upstream's answer, the
request signed afresh with the upstream's own key, through the one request path (the
caller's signature verified, faults and replay memory first), within bounds."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from mock_server.settings import DEMO_APP_KEY
from mock_server.upstream.config import MockMode
from mock_server.upstream.drift import DriftCheck
from mock_server.upstream.forwarder import Answered, Sent
from mock_server.upstream.har import read_har
from tests.api.helpers import signed
from tests.proxy.conftest import UP_KEY, Proxy, Upstream, proxy_mode
from tests.proxy.servers import DEEP_ANSWER, refusing_port

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
    assert (
        body["message"]
        == f"upstream: {vendor_url.removeprefix('http://')} gave no answer within 0.5 s"
    )
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


async def test_a_recording_that_cannot_be_written_never_costs_the_caller_the_answer(
    upstream: Upstream,
    make_proxy: Callable[[MockMode], Proxy],
    har: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The vendor carried the request out: its answer reaches the caller even when the disk
    is full. The recording stops (one warning, no secret), counts what it leaves out, and
    what it holds stays readable."""
    proxy = make_proxy(proxy_mode(upstream.url, record=har))
    assert proxy.app.elsewhere is not None
    assert proxy.app.elsewhere.recorder is not None
    first = await proxy.call("listen", LISTEN)
    assert first.status_code == 200
    descriptor = proxy.app.elsewhere.recorder._descriptor
    real_write = os.write

    def disk_full(fd: int, data: bytes | memoryview) -> int:
        if fd != descriptor:
            return real_write(fd, data)
        if len(data) > 10:  # the start of the entry reaches the disk, the rest does not
            return real_write(fd, memoryview(data)[:10])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", disk_full)
    bodies = [{"listenAgent": "2002", "agentNumber": "9528"}, LISTEN, LISTEN]
    answers = [await proxy.call("listen", body) for body in bodies]
    monkeypatch.undo()
    # Each caller got the upstream's answer, none a 500.
    assert [a.status_code for a in answers] == [e["status"] for e in upstream.journal()][1:]
    assert all(a.json()["code"] != "500" for a in answers)
    warnings = [r for r in caplog.records if "cannot write" in r.getMessage()]
    assert len(warnings) == 1
    # The upstream (a mock in this process) logs its own requests, under its own app key;
    # nothing the proxy logged names the upstream's key or secret.
    served = {entry["requestId"] for entry in upstream.journal()}
    proxy_logged = "\n".join(
        r.getMessage() for r in caplog.records if not any(i in r.getMessage() for i in served)
    )
    assert warnings[0].getMessage() in proxy_logged
    assert UP_KEY not in proxy_logged
    assert "upstream-secret" not in caplog.text
    mode = (await proxy.client.get("/__mock/config")).json()["mode"]
    assert (mode["recorded"], mode["notRecorded"]) == (1, 3)
    assert proxy.app.elsewhere.describe()["notRecorded"] == 3
    await proxy.app.elsewhere.aclose()
    (entry,) = read_har(har)
    assert json.loads(entry["request"]["postData"]["text"]) == LISTEN


async def test_an_answer_nested_too_deeply_still_reaches_the_caller(
    vendor_url: str, make_proxy: Callable[[MockMode], Proxy], har: Path
) -> None:
    proxy = make_proxy(proxy_mode(vendor_url, record=har))
    response = await proxy.call("listen", {"listenAgent": "2002", "agentNumber": "deep"})
    assert response.status_code == 200
    assert response.content == DEEP_ANSWER
    (entry,) = (await proxy.client.get("/__mock/journal")).json()["entries"]
    assert [line.split(":")[0] for line in entry["drift"]] == ["listen 200 not-json body"]
    assert proxy.app.elsewhere is not None
    proxy.app.elsewhere.close()
    (recorded,) = read_har(har)
    assert recorded["response"]["content"]["text"].encode() == DEEP_ANSWER


async def test_a_check_that_fails_never_costs_the_caller_the_answer(
    upstream: Upstream,
    make_proxy: Callable[[MockMode], Proxy],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object) -> list[object]:
        raise MemoryError

    monkeypatch.setattr(DriftCheck, "check", broken)
    proxy = make_proxy(proxy_mode(upstream.url))
    response = await proxy.call("listen", LISTEN)
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert "could not be checked" in caplog.text


def test_no_repr_shows_the_fresh_signature_or_a_cookie() -> None:
    sent = Sent("http://h/openapi/v1/call/listen", (("m7-sign", "c2lnbmF0dXJl"),), b"{}", 1.0)
    answered = Answered(sent, 200, "OK", (("set-cookie", "session=s3cr3t"),), b"{}", 1.0)
    for shown in (repr(sent), repr(answered)):
        assert "c2lnbmF0dXJl" not in shown
        assert "s3cr3t" not in shown
