"""The browser tests: a real headless Chromium on the mock started as a real process.

Rule of this folder: what a user sees and clicks in the mock's pages (the console, the
signing Swagger UI), checked in the browser; the server's side of it is tested in tests/api.
One mock and one browser serve the whole session; each test starts from the demo scenario
with an empty journal and no faults. A failing test leaves ``build/screenshots/failed-*.png``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import httpx
import pytest
from selenium import webdriver

from tests.support.browser import Page, chromium_driver
from tests.support.processes import mock_process


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    """The mock server started as ``python -m mock_server`` on a free port (strict auth)."""
    with mock_process() as base_url:
        yield base_url


@pytest.fixture(scope="session")
def chromium() -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the session."""
    with chromium_driver() as driver:
        yield driver


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether the test itself failed, for the ``page`` fixture's screenshot."""
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


@pytest.fixture
def page(
    request: pytest.FixtureRequest, mock_url: str, chromium: webdriver.Chrome
) -> Iterator[Page]:
    """The browser on the mock, the mock back at the demo scenario, no journal, no faults."""
    for method, path in (("POST", "/reset"), ("DELETE", "/journal"), ("DELETE", "/faults")):
        response = httpx.request(method, f"{mock_url}/__mock{path}", timeout=10)
        assert response.status_code == 200, response.text
    browser_page = Page(chromium, mock_url)
    browser_page.console_errors()  # forget what earlier tests logged
    yield browser_page
    if request.node.stash.get(_FAILED, False):
        browser_page.screenshot(f"failed-{request.node.name}")
