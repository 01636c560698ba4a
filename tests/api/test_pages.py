"""The browser pages as the server serves them: the console's files, the signing Swagger UI
page, the documents it reads, and where the secret may go.

The pages' behaviour in a browser is tested in tests/browser; here: what is in the bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
import pytest

from mock_server.app import create_app
from mock_server.settings import DEMO_SECRET, Settings
from tests.api.helpers import ALL_INTERFACES, client_for

#: ``src``/``href`` values of a page: each must stay on the mock (relative, no scheme/host).
_LINKS = re.compile(r"""(?:src|href)=["']([^"']*)["']""")
_CONFIG = re.compile(r'<script id="m7-config" type="application/json">(.*?)</script>', re.S)


def embedded_config(page: str) -> dict[str, object]:
    found = _CONFIG.search(page)
    assert found is not None, page
    config: dict[str, object] = json.loads(found.group(1))
    return config


@pytest.mark.parametrize("path", ["/__mock/", "/__mock/console"])
async def test_the_admin_prefix_and_the_console_without_slash_lead_to_the_console(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code in (307, 308)
    assert response.headers["location"].endswith("/__mock/console/")


@pytest.mark.parametrize(
    "path", ["/__mock/console/", "/__mock/console/console.js", "/__mock/assets/signing.js"]
)
async def test_the_console_files_are_served_with_a_same_origin_policy(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "connect-src 'self'" in policy


@pytest.mark.parametrize("path", ["/__mock/console/", "/ui/"])
async def test_pages_link_only_to_the_mock_itself(client: httpx.AsyncClient, path: str) -> None:
    page = (await client.get(path)).text
    links = _LINKS.findall(page)
    assert links
    assert [link for link in links if "//" in link or link.startswith("http")] == []


async def test_the_swagger_ui_page_on_a_loopback_bind_holds_the_credentials_to_sign(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/ui/")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    config = embedded_config(response.text)
    assert config["authMode"] == "strict"
    assert config["signing"] == {
        "enabled": True,
        "reason": None,
        "accounts": [{"appKey": "2100147", "secretKey": DEMO_SECRET}],
    }
    assert "/openapi/v1/call/listen" in config["vendorPaths"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("host", "page_signing", "signs"),
    [
        (ALL_INTERFACES, "auto", False),
        (ALL_INTERFACES, "on", True),
        ("127.0.0.1", "off", False),
        ("::1", "auto", True),
        ("localhost", "auto", True),
    ],
)
async def test_the_secret_goes_only_into_pages_of_a_loopback_bind_unless_turned_on(
    make_settings: Callable[..., Settings], host: str, page_signing: str, signs: bool
) -> None:
    app = create_app(make_settings(host=host, page_signing=page_signing, admin_token="t0ken"))
    async with client_for(app) as client:
        page = (await client.get("/ui/")).text
        config = (
            await client.get("/__mock/config", headers={"authorization": "Bearer t0ken"})
        ).json()
    assert (DEMO_SECRET in page) is signs
    assert (DEMO_SECRET in json.dumps(config)) is signs
    assert config["signing"]["enabled"] is signs
    assert config["signing"]["accounts"][0]["appKey"] == "2100147"
    if not signs:
        assert config["signing"]["reason"]
        assert embedded_config(page)["signing"] == config["signing"]


async def test_a_secret_cannot_close_the_script_element_it_is_embedded_in(
    make_settings: Callable[..., Settings],
) -> None:
    secret = "</script><script>alert(1)</script>"
    app = create_app(make_settings(credentials={"k1": secret}, credentials_source="env"))
    async with client_for(app) as client:
        page = (await client.get("/ui/")).text
    assert "alert(1)</script>" not in page
    signing = embedded_config(page)["signing"]
    assert signing["accounts"] == [{"appKey": "k1", "secretKey": secret}]  # type: ignore[index]


async def test_the_served_document_lists_the_mocks_own_url_first_and_its_auth_mode(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    servers = [server["url"] for server in document["servers"]]
    assert servers == ["http://127.0.0.1:4010", "https://v7openapi.7moor.com"]
    assert "auth mode: strict" in document["servers"][0]["description"]
    assert document["security"]


async def test_in_off_mode_the_served_document_requires_no_security(
    make_settings: Callable[..., Settings],
) -> None:
    async with client_for(create_app(make_settings(auth_mode="off"))) as client:
        document = (await client.get("/openapi.json")).json()
        config = embedded_config((await client.get("/ui/")).text)
    assert "security" not in document
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert [op for op in operations if "security" in op] == []
    assert config["authMode"] == "off"


async def test_the_console_config_names_each_operation_with_its_field_and_term(
    client: httpx.AsyncClient,
) -> None:
    config = (await client.get("/__mock/config")).json()
    facts = {op["operationId"]: (op["supervisorField"], op["term"]) for op in config["operations"]}
    assert facts == {
        "listen": ("listenAgent", "监听"),
        "hangupChannel": ("hangupAgent", "强拆"),
        "lootCall": ("lootCallAgent", "强插"),
        "whisper": ("whisperAgent", "耳语"),
        "pickupChannel": ("pickupAgent", "抢接"),
    }
