"""What the mock records: the request journal (secrets redacted) and the access log."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mock_server.app import create_app
from mock_server.settings import DEMO_SECRET, Settings
from tests.api.helpers import client_for
from tests.support.document import PATHS

#: The state backends every test here runs on (see conftest.py).
STATE_BACKENDS = ("memory", "redis")

LISTEN = PATHS["listen"]
GOOD = {"listenAgent": "2002", "agentNumber": "9527"}


async def journal(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/__mock/journal")
    assert response.status_code == 200
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


async def test_the_journal_records_outcomes_newest_last(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    sent = headers()
    await client.post(LISTEN, json=GOOD, headers=sent)
    await client.post(LISTEN, json=GOOD, headers=sent)  # replay
    await client.post(LISTEN, json={"listenAgent": "2002"}, headers=headers())
    await client.post(
        LISTEN, json={"listenAgent": "2000", "agentNumber": "9530"}, headers=headers()
    )
    await client.post(LISTEN, json=GOOD, headers={"content-type": "application/json"})
    await client.get("/openapi/nowhere")
    await client.get("/__mock/state")  # the admin API is not journaled
    entries = await journal(client)
    assert [(e["status"], e["outcome"]) for e in entries] == [
        (200, "ok"),
        (401, "auth:replay"),
        (400, "validation"),
        (409, "40903"),
        (401, "auth:missing"),
        (404, "404"),
    ]
    first = entries[0]
    assert first["method"] == "POST"
    assert first["path"] == LISTEN
    assert first["body"] == GOOD
    assert first["appKey"] == "2100147"
    assert len(first["requestId"]) == 32


#: What a browser or a crawler asks of the mock: none of it is a request to the vendor API.
VISITS = (
    "/",
    "/docs/mock-server.md",
    "/docs/images/console-listen.png",
    "/favicon.ico",
    "/robots.txt",
    "/ui/",
    "/openapi.json",
    "/openapi.yaml",
    "/__mock/ui/",
    "/__mock/console/",
    "/__mock/openapi.json",
    "/__mock/state",
    "/openapi",  # the prefix's own name, without its slash, is a visit too
)


async def test_the_journal_holds_only_requests_to_the_vendor_api(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    for path in VISITS:
        await client.get(path)
    await client.post(LISTEN, json=GOOD, headers=headers())
    await client.post("/openapi/v1/call/transfer", json={})  # a typo below the prefix
    await client.get("/openapi/v2/call/listen")  # another version: a client's mistake too
    entries = await journal(client)
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", LISTEN, 200),
        ("POST", "/openapi/v1/call/transfer", 404),
        ("GET", "/openapi/v2/call/listen", 404),
    ]


async def test_a_signed_request_to_a_wrong_base_url_is_journaled(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    """A vendor client with a wrong base URL: its requests are the journal's to show, the
    admin API's are not, signed or not."""
    await client.post("/v1/call/listen", json=GOOD, headers=headers())
    await client.post("/api/openapi/v1/call/listen", json=GOOD, headers=headers())
    await client.get("/__mock/state", headers=headers())
    await client.get("/", headers={})
    entries = await journal(client)
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/v1/call/listen", 404),
        ("POST", "/api/openapi/v1/call/listen", 404),
    ]


async def test_the_journal_redacts_the_signature(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    sent = headers()
    await client.post(
        LISTEN, json=GOOD, headers={**sent, "authorization": "Bearer abc", "cookie": "s=1"}
    )
    text = (await client.get("/__mock/journal")).text
    entry = (await journal(client))[0]
    assert entry["headers"]["m7-sign"] == "[redacted]"
    assert entry["headers"]["authorization"] == "[redacted]"
    assert entry["headers"]["cookie"] == "[redacted]"
    assert entry["headers"]["m7-nonce"] == sent["m7-nonce"]
    assert sent["m7-sign"] not in text


async def test_the_journal_keeps_text_bodies_and_is_bounded(
    make_settings: Callable[..., Settings], headers: Callable[..., dict[str, str]]
) -> None:
    app = create_app(make_settings(journal_capacity=3))
    async with client_for(app) as client:
        sent = {**headers(), "content-type": "application/json"}
        await client.post(LISTEN, content=b"{not json", headers=sent)
        for _ in range(4):
            await client.get("/openapi/nowhere")
        entries = await journal(client)
        assert len(entries) == 3
        assert all(e["path"] == "/openapi/nowhere" for e in entries)
        cleared = await client.delete("/__mock/journal")
        assert cleared.json() == {"cleared": 3}
        await client.post(LISTEN, content=b"{not json", headers=sent)
        assert (await journal(client))[0]["body"] == "{not json"


async def test_one_access_log_line_per_request_without_secrets(
    client: httpx.AsyncClient,
    headers: Callable[..., dict[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    sent = headers()
    with caplog.at_level(logging.INFO, logger="mock_server.access"):
        ok = await client.post(LISTEN, json=GOOD, headers=sent)
        await client.post(LISTEN, json=GOOD, headers=sent)
    records = [r for r in caplog.records if r.name == "mock_server.access"]
    assert len(records) == 2
    lines = [json.loads(r.getMessage()) for r in records]
    assert set(lines[0]) == {
        "time",
        "method",
        "path",
        "status",
        "durationMs",
        "requestId",
        "appKey",
        "outcome",
    }
    assert lines[0]["requestId"] == ok.headers["x-request-id"]
    assert (lines[0]["status"], lines[0]["outcome"], lines[0]["appKey"]) == (200, "ok", "2100147")
    assert (lines[1]["status"], lines[1]["outcome"]) == (401, "auth:replay")
    assert lines[0]["durationMs"] >= 0
    assert sent["m7-sign"] not in caplog.text
    assert DEMO_SECRET not in caplog.text
