"""For frontend teams: CORS preflights and headers, and Prism's ``Prefer`` header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mock_server.app import MockApp, create_app
from mock_server.settings import Settings
from tests.api.helpers import client_for
from tests.support import document as doc
from tests.support.document import PATHS

LISTEN = PATHS["listen"]
ORIGIN = "http://localhost:5173"
PREFLIGHT = {
    "origin": ORIGIN,
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type,m7-appkey,m7-nonce,m7-timestamp,m7-sign",
}


def listed(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",")}


async def test_a_preflight_passes_without_authentication(client: httpx.AsyncClient) -> None:
    response = await client.options(LISTEN, headers=PREFLIGHT)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert {"post"} <= listed(response.headers["access-control-allow-methods"])
    assert {"content-type", "m7-appkey", "m7-nonce", "m7-timestamp", "m7-sign"} <= listed(
        response.headers["access-control-allow-headers"]
    )
    assert response.headers["x-m7-mock-auth-mode"] == "strict"


async def test_responses_expose_the_mock_headers(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    response = await client.post(
        LISTEN,
        json={"listenAgent": "2002", "agentNumber": "9527"},
        headers={**headers(), "origin": ORIGIN},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = listed(response.headers["access-control-expose-headers"])
    assert {"x-request-id", "x-m7-mock-auth-mode"} <= exposed
    refused = await client.post(LISTEN, json={}, headers={"origin": ORIGIN})
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == "*"  # errors are readable too


async def test_configured_origins(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(cors_origins=(ORIGIN, "https://ops.example")))
    async with client_for(app) as client:
        allowed = await client.options(LISTEN, headers=PREFLIGHT)
        assert allowed.status_code == 204
        assert allowed.headers["access-control-allow-origin"] == ORIGIN
        assert allowed.headers["vary"] == "Origin"
        other = await client.options(
            LISTEN, headers={**PREFLIGHT, "origin": "https://evil.example"}
        )
        assert other.status_code == 403
        assert other.json()["message"] == "origin: not allowed (see --cors-origins)"
        plain = await client.get(LISTEN, headers={"origin": "https://evil.example"})
        assert plain.status_code == 405
        assert "access-control-allow-origin" not in plain.headers


EVIL = "http://evil.example"
OWN = "http://127.0.0.1:4010"  # the origin of client_for's base URL: the mock's own pages


@pytest.mark.parametrize(("method", "path"), [("POST", "/__mock/reset"), ("PUT", "/__mock/faults")])
async def test_another_origin_cannot_preflight_the_admin_api(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    """With the default ``--cors-origins *``: the vendor API is open, the admin API is not."""
    preflight = {"origin": EVIL, "access-control-request-method": method}
    refused = await client.options(path, headers=preflight)
    assert refused.status_code == 403
    assert refused.json()["message"] == "origin: not allowed (see --admin-origins)"
    assert "access-control-allow-origin" not in refused.headers
    vendor = await client.options(
        LISTEN, headers={**preflight, "access-control-request-method": "POST"}
    )
    assert vendor.headers["access-control-allow-origin"] == "*"


async def test_another_origin_cannot_reset_or_read_the_admin_api(
    app: MockApp, client: httpx.AsyncClient
) -> None:
    await client.get("/openapi/nowhere")  # one journal entry
    for request in (
        client.post("/__mock/reset", headers={"origin": EVIL}),
        client.get("/__mock/journal", headers={"origin": EVIL}),
        client.delete("/__mock/journal", headers={"origin": EVIL}),
    ):
        response = await request
        assert response.status_code == 403
        assert response.json()["message"] == (
            f"origin: {EVIL} may not use the admin API (see --admin-origins)"
        )
        assert "access-control-allow-origin" not in response.headers
    assert len(await app.state.journal.entries()) == 1  # nothing was cleared


async def test_the_mocks_own_pages_and_named_origins_may_use_the_admin_api(
    make_settings: Callable[..., Settings],
) -> None:
    app = create_app(make_settings(admin_origins=("http://console.example",)))
    async with client_for(app) as client:
        for origin in (OWN, "http://console.example"):
            preflight = {"origin": origin, "access-control-request-method": "POST"}
            allowed = await client.options("/__mock/reset", headers=preflight)
            assert allowed.status_code == 204
            assert allowed.headers["access-control-allow-origin"] == origin
            reset = await client.post("/__mock/reset", headers={"origin": origin})
            assert reset.status_code == 200
            assert reset.headers["access-control-allow-origin"] == origin
        refused = await client.post("/__mock/reset", headers={"origin": EVIL})
        assert refused.status_code == 403


async def test_options_without_preflight_headers_is_a_405(client: httpx.AsyncClient) -> None:
    assert (await client.options(LISTEN)).status_code == 405


# --- Prefer --------------------------------------------------------------------------------


def declared_example(operation_id: str, status: int, name: str | None = None) -> Any:
    """The example the document gives for one response, resolved."""
    for _, _, operation in doc.operations():
        if operation["operationId"] == operation_id:
            media = doc.resolve(operation["responses"][str(status)])["content"]["application/json"]
            if name is None and "example" in media:
                return media["example"]
            examples = media["examples"]
            return doc.resolve(examples[name or next(iter(examples))])["value"]
    raise KeyError(operation_id)


@pytest.mark.parametrize("status", [400, 403, 404, 409, 413, 415, 500])
async def test_prefer_a_code_returns_the_document_example(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], status: int
) -> None:
    response = await client.post(
        LISTEN,
        json={"listenAgent": "2002", "agentNumber": "9527"},
        headers={**headers(), "prefer": f"code={status}"},
    )
    assert response.status_code == status
    assert response.json() == declared_example("listen", status)


@pytest.mark.parametrize(
    "prefer", ["example=vendor", "code=200, example=vendor", 'code="200"; example="vendor"']
)
@pytest.mark.parametrize("operation", ["listen", "whisper", "pickupChannel"])
async def test_prefer_a_named_example(
    client: httpx.AsyncClient,
    headers: Callable[..., dict[str, str]],
    prefer: str,
    operation: str,
) -> None:
    field = {"listen": "listenAgent", "whisper": "whisperAgent", "pickupChannel": "pickupAgent"}
    body = {field[operation]: "2000", "agentNumber": "9530"}  # would fail: 40903
    response = await client.post(
        PATHS[operation], json=body, headers={**headers(), "prefer": prefer}
    )
    assert response.status_code == 200
    assert response.json() == declared_example(operation, 200, "vendor")


async def test_prefer_does_not_touch_the_call_center(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    before = (await client.get("/__mock/state")).json()
    body = {"listenAgent": "2002", "agentNumber": "9527"}
    await client.post(LISTEN, json=body, headers={**headers(), "prefer": "code=200"})
    assert (await client.get("/__mock/state")).json() == before


async def test_prefer_a_status_with_retry_after(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    body = {"listenAgent": "2002", "agentNumber": "9527"}
    response = await client.post(LISTEN, json=body, headers={**headers(), "prefer": "code=503"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "0"  # the schema's minimum, as Prism would


@pytest.mark.parametrize(
    ("prefer", "message"),
    [
        ("code=418", "prefer: listen declares no response 418"),
        ("example=nope", "prefer: response 200 of listen has no example 'nope'"),
        ("code=409, example=vendor", "prefer: response 409 of listen has no example 'vendor'"),
    ],
)
async def test_prefer_what_the_document_lacks_is_a_500(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], prefer: str, message: str
) -> None:
    body = {"listenAgent": "2002", "agentNumber": "9527"}
    response = await client.post(LISTEN, json=body, headers={**headers(), "prefer": prefer})
    assert response.status_code == 500
    assert response.json()["message"] == message
    assert response.json()["requestId"] == response.headers["x-request-id"]


async def test_prefer_comes_after_authentication_and_validation(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    body = {"listenAgent": "2002", "agentNumber": "9527"}
    unsigned = await client.post(LISTEN, json=body, headers={"prefer": "code=200"})
    assert unsigned.status_code == 401
    invalid = await client.post(LISTEN, json={}, headers={**headers(), "prefer": "code=200"})
    assert invalid.status_code == 400


async def test_unknown_preferences_are_ignored(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    body = {"listenAgent": "2002", "agentNumber": "9527"}
    response = await client.post(
        LISTEN, json=body, headers={**headers(), "prefer": "dynamic=true, respond-async"}
    )
    assert response.status_code == 200
    assert response.json()["requestInfo"]["body"] == body  # acted, not an example
