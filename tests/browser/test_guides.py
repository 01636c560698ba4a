"""The guides as a reader sees them from the start page: rendered Markdown in a real browser."""

from __future__ import annotations

import httpx

from tests.support.browser import Page

OPTIONS_TABLE = "main table"


def test_a_guide_opened_from_the_start_page_shows_its_table_and_follows_a_link(
    page: Page, mock_url: str
) -> None:
    page.open("/")
    page.click('a[href="/docs/mock-server.md"]')
    assert page.wait_text("main h2", "Running the mock server")

    # The options table is a table: a header row, one row per option, cells side by side.
    headers = page.script(
        "return [...document.querySelector(arguments[0]).querySelectorAll('th')]"
        ".map(th => th.textContent.trim())",
        OPTIONS_TABLE,
    )
    assert headers[:2] == ["option", "environment variable"]
    rows = page.script(
        "return [...document.querySelector(arguments[0]).querySelectorAll('tbody tr')]"
        ".map(tr => [...tr.cells].map(td => td.getBoundingClientRect().top))",
        OPTIONS_TABLE,
    )
    assert len(rows) > 10
    assert all(len(set(row)) == 1 for row in rows)  # a row's cells on one line
    page.script(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", OPTIONS_TABLE
    )
    page.screenshot("guide-mock-server")

    # A link between guides leads to the other guide, rendered, with its image loaded.
    page.click('main table a[href="/docs/console.md"]')
    assert page.wait_text("main h1", "console")
    image = 'img[src="/docs/images/console-listen.png"]'
    width = page.wait_until(
        lambda: page.script("return document.querySelector(arguments[0]).naturalWidth", image),
        "the guide's image to load",
    )
    assert width > 400
    page.script("document.querySelector(arguments[0]).scrollIntoView()", image)
    page.screenshot("guide-console")

    assert page.foreign_requests() == []
    # Nothing the pages' policy blocked, nothing missing but the icon the browser asks for.
    assert [e for e in page.console_errors() if "/favicon.ico " not in e] == []
    # A reader's visits (the browser's /favicon.ico too) are not requests to the vendor API.
    journal = httpx.get(f"{mock_url}/__mock/journal", timeout=10).json()
    assert journal["entries"] == []
