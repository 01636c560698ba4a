"""Every bad request gets the error envelope: schema violations (all of them), malformed JSON,
wrong or missing content type, oversized bodies, unknown paths, wrong methods, crashes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from mock_server.app import create_app
from mock_server.model.callcenter import CallCenter
from mock_server.settings import Settings
from tests.api.helpers import client_for
from tests.support.document import PATHS

LISTEN = PATHS["listen"]
LIMIT = 64 * 1024


def fields(response: httpx.Response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


async def test_every_violation_is_listed(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    body = {"listenAgent": "has space", "actionId": "x" * 41, "extra": 1, "more": True}
    response = await client.post(LISTEN, json=body, headers=headers())
    assert response.status_code == 400
    envelope = response.json()
    assert envelope["code"] == "400"
    assert envelope["message"] == "request body is invalid: 5 violations"
    assert fields(response) == {
        "body.agentNumber",
        "body.listenAgent",
        "body.actionId",
        "body.extra",
        "body.more",
    }
    messages = {error["field"]: error["message"] for error in envelope["errors"]}
    assert messages["body.agentNumber"] == "'agentNumber' is a required property"
    assert "x" * 41 not in response.text  # the client's value is not echoed back
    assert "actionId" not in envelope  # too long to be carried back


async def test_a_violation_keeps_a_readable_action_id(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    body = {"listenAgent": "2002", "actionId": "强插"}
    response = await client.post(LISTEN, json=body, headers=headers())
    assert response.status_code == 400
    assert response.json()["actionId"] == "强插"
    assert fields(response) == {"body.agentNumber"}


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"[]", "body"),
        (b'"text"', "body"),
        (b'{"listenAgent": 2002, "agentNumber": "9527"}', "body.listenAgent"),
    ],
)
async def test_a_body_of_the_wrong_type_is_refused(
    client: httpx.AsyncClient,
    headers: Callable[..., dict[str, str]],
    content: bytes,
    field: str,
) -> None:
    sent = {**headers(), "content-type": "application/json"}
    response = await client.post(LISTEN, content=content, headers=sent)
    assert response.status_code == 400
    assert field in fields(response)


@pytest.mark.parametrize("content", [b"{bad", b'{"listenAgent": "2002",}', b"\xff\xfe", b"null x"])
async def test_malformed_json_is_a_400(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], content: bytes
) -> None:
    sent = {**headers(), "content-type": "application/json"}
    response = await client.post(LISTEN, content=content, headers=sent)
    assert response.status_code == 400
    assert response.json()["message"].startswith("body: malformed JSON")


async def test_an_empty_body_is_a_400(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    sent = {**headers(), "content-type": "application/json"}
    response = await client.post(LISTEN, content=b"", headers=sent)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "body", "message": "a JSON body is required"}]


@pytest.mark.parametrize(
    ("content_type", "shown"),
    [
        ("text/plain", "got 'text/plain'"),
        ("application/x-www-form-urlencoded", "got 'application/x-www-form-urlencoded'"),
        ("application/jsonx", "got 'application/jsonx'"),
    ],
)
async def test_a_wrong_content_type_is_a_415(
    client: httpx.AsyncClient, content_type: str, shown: str
) -> None:
    # Checked before authentication, as the request's way through the mock says.
    response = await client.post(LISTEN, content=b"{}", headers={"content-type": content_type})
    assert response.status_code == 415
    assert response.json()["message"] == f"content-type: expected application/json, {shown}"


async def test_a_missing_content_type_is_a_415(client: httpx.AsyncClient) -> None:
    response = await client.post(LISTEN, content=b"{}")
    assert response.status_code == 415
    assert response.json()["message"] == "content-type: expected application/json, got none"


async def test_json_with_parameters_is_accepted(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    sent = {**headers(), "content-type": "Application/JSON; charset=utf-8"}
    body = b'{"listenAgent": "2002", "agentNumber": "9527"}'
    response = await client.post(LISTEN, content=body, headers=sent)
    assert response.status_code == 200, response.text


def padded(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes (valid JSON, invalid for the schema)."""
    head, tail = b'{"listenAgent": "2002", "agentNumber": "9527", "pad": "', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


async def test_a_body_at_the_limit_is_read(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    sent = {**headers(), "content-type": "application/json"}
    response = await client.post(LISTEN, content=padded(LIMIT), headers=sent)
    assert response.status_code == 400  # read and validated: "pad" is not a field
    assert fields(response) == {"body.pad"}


async def test_a_declared_length_over_the_limit_is_a_413(client: httpx.AsyncClient) -> None:
    sent = {"content-type": "application/json"}
    response = await client.post(LISTEN, content=padded(LIMIT + 1), headers=sent)
    assert response.status_code == 413
    assert response.json()["message"] == "body: larger than 65536 bytes"


def counted_chunks(count: int) -> tuple[list[int], Callable[[], AsyncIterator[bytes]]]:
    sent = [0]

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(count):
            sent[0] += 1
            yield b"x" * 4096

    return sent, chunks


async def test_a_streamed_body_is_read_to_its_end_then_refused(client: httpx.AsyncClient) -> None:
    """Read and thrown away (up to --max-drain-bytes), so that the client gets the 413."""
    sent, chunks = counted_chunks(100)
    response = await client.post(
        LISTEN, content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["connection"] == "close"
    assert sent[0] == 100


async def test_a_streamed_body_is_cut_at_the_drain_limit(
    make_settings: Callable[..., Settings],
) -> None:
    app = create_app(make_settings(max_drain_bytes=64 * 1024))
    sent, chunks = counted_chunks(100)
    async with client_for(app) as client:
        response = await client.post(
            LISTEN, content=chunks(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert sent[0] < 100  # refused while reading, never all of it


async def test_an_unknown_path_is_a_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi/v1/call/unknown")
    assert response.status_code == 404
    assert response.json()["message"] == "path: no operation at /openapi/v1/call/unknown"


async def test_html_in_a_path_is_not_echoed_as_html(client: httpx.AsyncClient) -> None:
    response = await client.get("/<script>alert(1)</script>")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
async def test_a_wrong_method_is_a_405(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, LISTEN)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["message"] == (
        f"method: {method} is not allowed on {LISTEN} (allowed: POST)"
    )


async def test_a_crash_is_a_500_envelope_and_a_logged_traceback(
    client: httpx.AsyncClient,
    headers: Callable[..., dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(CallCenter, "act", explode)
    with caplog.at_level(logging.ERROR, logger="mock_server"):
        response = await client.post(
            LISTEN, json={"listenAgent": "2002", "agentNumber": "9527"}, headers=headers()
        )
    assert response.status_code == 500
    assert response.json()["message"] == "internal error"
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert any(record.exc_info for record in caplog.records)
    assert "secret internals" in caplog.text


async def test_a_crash_in_an_admin_handler_reaches_the_one_last_resort_handler(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(CallCenter, "snapshot", explode)
    with caplog.at_level(logging.ERROR, logger="mock_server"):
        response = await client.get("/__mock/state")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json()["message"] == "internal error"
    assert "secret internals" not in response.text
    logged = [record for record in caplog.records if record.exc_info]
    assert [record.getMessage() for record in logged] == ["unhandled error on GET /__mock/state"]
