"""The start page ``/`` links everything the mock serves; the guides are served as HTML pages."""

from __future__ import annotations

import re

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


async def test_a_guide_is_served_as_html_with_its_tables_and_code_blocks(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/docs/mock-server.md")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert "<title>Running the mock server — m7 mock server</title>" in page
    assert '<h3 id="limits">Limits</h3>' in page
    assert "<th>option</th>" in page  # a table, not pipes
    assert '<pre><code class="language-sh">' in page
    assert "| --- |" not in page
    assert "img-src 'self'" in response.headers["content-security-policy"]
    assert "<script" not in page


async def test_other_files_of_the_guides_are_served_as_they_are(
    client: httpx.AsyncClient,
) -> None:
    text = await client.get("/docs/vendor/call-monitor-api.zh.txt")
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.content == (ROOT / "docs" / "vendor" / "call-monitor-api.zh.txt").read_bytes()
    image = await client.get("/docs/images/console-listen.png")
    assert image.headers["content-type"] == "image/png"
    assert image.content == (ROOT / "docs" / "images" / "console-listen.png").read_bytes()
    head = await client.head("/docs/vendor/call-monitor-api.zh.txt")
    assert head.status_code == 200
    assert head.content == b""


def _references(page: str) -> list[str]:
    return re.findall(r'<(?:a href|img src)="([^"]+)"', page)


async def test_every_link_and_image_of_every_guide_leads_somewhere_served(
    client: httpx.AsyncClient,
) -> None:
    """Relative links are resolved against the guide (``images/x.png``, ``testing.md#...``);
    each one, and each anchor, must exist in what the mock serves."""
    pages: dict[str, str] = {}

    async def page_of(path: str) -> str:
        if path not in pages:
            response = await client.get(path)
            assert response.status_code == 200, path
            pages[path] = response.text
        return pages[path]

    guides = [
        f"/docs/{p.relative_to(ROOT / 'docs').as_posix()}" for p in (ROOT / "docs").rglob("*.md")
    ]
    checked = 0
    for guide in guides:
        for reference in _references(await page_of(guide)):
            if reference.startswith(("http://", "https://")):
                continue
            path, _, anchor = reference.partition("#")
            path = path or guide
            assert path.startswith("/"), f"{guide}: {reference} is not resolved"
            if path.endswith(".md") or path == "/":
                target = await page_of(path)
            else:
                target = (await client.get(path)).text
                assert target, f"{guide}: {reference}"
            if anchor:
                assert f'id="{anchor}"' in target, f"{guide}: no anchor {reference}"
            checked += 1
    assert checked > 10


async def test_only_the_files_present_at_start_up_are_served(client: httpx.AsyncClient) -> None:
    for path in ("/docs/nothing.md", "/docs/../pyproject.toml", "/docs/", "/docs"):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.post("/")).status_code in (404, 405)
