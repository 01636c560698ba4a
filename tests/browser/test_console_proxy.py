"""The console of a mock in proxy mode (``--upstream``), in a real browser.

Its badge says where the vendor requests are answered, and an action run in the page reaches
the upstream (a second mock), signed there with the upstream account's own key.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from selenium import webdriver

from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET
from tests.browser.test_console import open_console
from tests.support.browser import Page
from tests.support.processes import mock_process

#: The upstream's own account (the proxy's callers sign with the demo account).
UPSTREAM_APP_KEY = "upstream-account"
UPSTREAM_SECRET = "upstream-secret-for-the-browser-test"


@pytest.fixture(scope="module")
def upstream_url() -> Iterator[str]:
    credentials = f"{UPSTREAM_APP_KEY}:{UPSTREAM_SECRET}"
    with mock_process(env={"M7_MOCK_CREDENTIALS": credentials}) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def proxy_url(upstream_url: str) -> Iterator[str]:
    keys = {"M7_UPSTREAM_APP_KEY": UPSTREAM_APP_KEY, "M7_UPSTREAM_SECRET_KEY": UPSTREAM_SECRET}
    with mock_process("--upstream", upstream_url, env=keys) as base_url:
        yield base_url


def test_the_console_says_proxy_and_its_action_reaches_the_upstream(
    chromium: webdriver.Chrome, proxy_url: str, upstream_url: str
) -> None:
    page = Page(chromium, proxy_url)
    open_console(page)
    upstream_host = upstream_url.removeprefix("http://")
    assert page.text("#mode") == f"proxy to {upstream_host}"
    assert "signed with the upstream account's key" in page.attribute("#mode", "title")
    notice = page.text("#elsewhere")  # the tables are not the upstream's: the page says so
    assert f"Vendor requests go to {upstream_host}" in notice
    assert "this mock's own simulation" in notice

    page.script("document.querySelector('#supervisor').value = '2002'")
    page.click("#calls tr[data-call='call-0001'] button[data-operation='listen']")
    assert page.wait_text("#last-response", "HTTP 200").startswith("HTTP 200")
    assert f"m7-appkey: {DEMO_APP_KEY}" in page.text("#last-request")

    sent = httpx.get(f"{upstream_url}/__mock/journal?operation=listen", timeout=10).json()
    assert [entry["appKey"] for entry in sent["entries"]] == [UPSTREAM_APP_KEY]
    page.screenshot("console-proxy")
    assert DEMO_SECRET not in page.text("body")
    assert page.console_errors() == []
