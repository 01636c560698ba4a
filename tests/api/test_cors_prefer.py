"""For frontend teams: CORS preflights and headers, and Prism's ``Prefer`` header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mock_server.app import create_app
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
        plain = await client.get("/__mock/state", headers={"origin": "https://evil.example"})
        assert plain.status_code == 200
        assert "access-control-allow-origin" not in plain.headers


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
