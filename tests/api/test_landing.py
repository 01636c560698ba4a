"""The start page ``/`` links everything the mock serves, and the guides are served as text."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.support.document import ROOT

#: The browser console is another part's page; the start page links it ahead of time.
ELSEWHERE = {"/__mock/console/"}


def links(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)">', page)


async def test_the_start_page_links_every_ui_document_guide_and_the_health(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    hrefs = links(response.text)
    expected = {"/ui/", "/__mock/ui/", "/__mock/health", "/__mock/console/"}
    expected |= {f"{p}/openapi.{k}" for p in ("", "/__mock") for k in ("yaml", "json")}
    guides = {f"/docs/{p.relative_to(ROOT / 'docs').as_posix()}" for p in ROOT.glob("docs/*.md")}
    assert guides
    assert expected | guides <= set(hrefs)
    for href in set(hrefs) - ELSEWHERE:
        linked = await client.get(href)
        assert linked.status_code == 200, href
    assert "http://" not in response.text  # nothing from another origin


async def test_a_guide_is_served_as_text_exactly_as_in_the_repository(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/docs/mock-server.md")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == Path(ROOT / "docs" / "mock-server.md").read_bytes()
    head = await client.head("/docs/vendor/call-monitor-api.zh.txt")
    assert head.status_code == 200
    assert head.content == b""


async def test_only_the_files_present_at_start_up_are_served(client: httpx.AsyncClient) -> None:
    for path in ("/docs/nothing.md", "/docs/../pyproject.toml", "/docs/", "/docs"):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.post("/")).status_code in (404, 405)
