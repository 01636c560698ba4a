"""The mock serves each document as written at ``openapi.yaml`` (``$ref``s and all), so a
generator pointed at a running mock makes the same named types as ``make generate``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import yaml

from mock_server import create_app
from mock_server.settings import Settings
from tests.api.helpers import client_for
from tests.support import document as doc

ADMIN_DOCUMENT = doc.OPENAPI / "mock-admin.yaml"
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - the admin API is disabled there, docs are not


def _refs(node: object) -> int:
    if isinstance(node, dict):
        return ("$ref" in node) + sum(_refs(v) for v in node.values())
    if isinstance(node, list):
        return sum(_refs(v) for v in node)
    return 0


@pytest.mark.parametrize(
    ("path", "file"),
    [("/openapi.yaml", doc.CALL_MONITOR), ("/__mock/openapi.yaml", ADMIN_DOCUMENT)],
)
async def test_openapi_yaml_is_the_file_as_written(
    client: httpx.AsyncClient, path: str, file: Path
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/yaml; charset=utf-8"
    assert response.content == file.read_bytes()
    assert _refs(yaml.safe_load(response.content)) > 50
    head = await client.head(path)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(response.content))


async def test_openapi_json_stays_the_resolved_copy_the_swagger_ui_reads(
    client: httpx.AsyncClient,
) -> None:
    resolved = (await client.get("/openapi.json")).json()
    assert _refs(resolved) == 0
    assert resolved["info"] == doc.load()["info"]


async def test_the_documents_stay_readable_where_the_admin_api_is_disabled(
    make_settings: Callable[..., Settings],
) -> None:
    async with client_for(create_app(make_settings(host=ALL_INTERFACES))) as client:
        assert (await client.get("/__mock/state")).status_code == 401
        assert (await client.get("/__mock/openapi.yaml")).content == ADMIN_DOCUMENT.read_bytes()
