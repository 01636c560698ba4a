"""Hostile input in process: oversized heads, deep JSON, and a journal that stays bounded
and readable whatever was sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mock_server.app import MockApp, create_app
from mock_server.model.journal import CUT, Journal
from mock_server.settings import Settings
from tests.api.helpers import client_for
from tests.support.document import PATHS

LISTEN = PATHS["listen"]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


async def journal(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/__mock/journal")
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


async def test_a_header_value_over_8192_characters_is_a_431(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi/nowhere", headers={"x-big": "a" * 8193})
    assert response.status_code == 431
    assert response.json()["message"] == "x-big: longer than 8192 characters"
    assert response.json()["requestId"] == response.headers["x-request-id"]
    (entry,) = await journal(client)
    assert entry["status"] == 431
    assert entry["headers"]["x-big"] == "a" * 1024 + CUT  # kept cut, and marked


async def test_more_than_100_headers_is_a_431(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi/nowhere", headers={f"x-h{i}": "v" for i in range(101)})
    assert response.status_code == 431
    assert response.json()["message"] == "headers: more than 100"
    (entry,) = await journal(client)
    assert len(entry["headers"]) <= 100


async def test_a_long_url_is_a_414(client: httpx.AsyncClient) -> None:
    response = await client.get("/" + "a" * 9000)
    assert response.status_code == 414
    assert response.json()["message"] == "url: longer than 8192 bytes"


@pytest.mark.parametrize("depth", [33, 255, 300, 1023, 5000])
@pytest.mark.parametrize("where", ["unknown field", "actionId"])
async def test_deep_json_is_a_400_naming_the_limit(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], depth: int, where: str
) -> None:
    field = "deep" if where == "unknown field" else "actionId"
    body = f'{{"listenAgent": "2002", "agentNumber": "9527", "{field}": {nested(depth)}}}'
    sent = {**headers(), "content-type": "application/json"}
    response = await client.post(LISTEN, content=body.encode(), headers=sent)
    assert response.status_code == 400, response.text
    assert response.json()["message"] == "body: nested deeper than 32 levels"
    (entry,) = await journal(client)  # and the journal still answers
    assert entry["status"] == 400


async def test_32_levels_reach_the_validator(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    body = f'{{"listenAgent": "2002", "agentNumber": "9527", "deep": {nested(31)}}}'
    sent = {**headers(), "content-type": "application/json"}
    response = await client.post(LISTEN, content=body.encode(), headers=sent)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["body.deep"]  # unknown property


async def test_brackets_inside_strings_do_not_count(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    body = f'{{"listenAgent": "2002", "agentNumber": "9527", "actionId": "{"[" * 40}"}}'
    sent = {**headers(), "content-type": "application/json"}
    response = await client.post(LISTEN, content=body.encode(), headers=sent)
    assert response.status_code == 200, response.text


async def test_deep_json_on_the_admin_api_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/__mock/faults",
        content=f'{{"rules": {nested(300)}}}'.encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["message"] == "body: nested deeper than 32 levels"


async def test_a_deep_body_recorded_unrefused_is_shown_as_text(
    make_settings: Callable[..., Settings],
) -> None:
    """Bodies of unknown paths are not checked, yet the journal must still serialise."""
    app = create_app(make_settings())
    async with client_for(app) as client:
        await client.post("/openapi/nowhere", content=nested(600).encode())
        entries = await journal(client)
    assert all(e["body"] is None or isinstance(e["body"], str) for e in entries)


async def test_the_journal_stays_within_its_bytes(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(journal_max_bytes=64 * 1024))
    async with client_for(app) as client:
        for n in range(200):
            await client.get(
                "/openapi/nowhere", headers={f"x-v{i}": f"{n}" + "v" * 8000 for i in range(8)}
            )
        entries = await journal(client)
    store = app.state.journal
    assert isinstance(store, Journal)
    assert store.size <= 64 * 1024
    assert 0 < len(entries) < 200
    assert entries[-1]["headers"]["x-v0"].startswith("199")  # the newest are kept
    assert all(
        v.endswith(CUT) and len(v) <= 8192
        for v in entries[-1]["headers"].values()
        if v.startswith("199")
    )


async def test_clearing_the_journal_frees_its_bytes(
    app: MockApp, client: httpx.AsyncClient
) -> None:
    await client.get("/openapi/nowhere", headers={"x-v": "v" * 8000})
    store = app.state.journal
    assert isinstance(store, Journal)
    assert store.size > 1000
    await client.delete("/__mock/journal")
    assert store.size == 0
