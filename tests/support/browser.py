"""A real headless Chromium for the browser tests: Debian's ``chromium`` and ``chromedriver``
driven by Selenium, nothing downloaded at run time.

``chromium_driver`` starts one browser (``SE_OFFLINE=true`` keeps Selenium Manager from
looking for a driver on the network; both binaries come from ``make system-packages``).
``Page`` is one tab on the mock with explicit waits only (a loaded 2-core machine makes any
fixed sleep either too short or wasted) and screenshots saved under ``build/screenshots``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, TypeVar, cast
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.document import ROOT

__all__ = ["SCREENSHOTS", "Page", "chromium_driver"]

SCREENSHOTS: Final = ROOT / "build" / "screenshots"
#: Generous: the waits return as soon as the condition holds, so only a failure pays it.
WAIT_SECONDS: Final = 20.0
_WINDOW: Final = "1440,1000"

T = TypeVar("T")


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` is not installed: run `make system-packages` (Debian's chromium and "
            "chromium-driver), then re-run the tests.",
            pytrace=False,
        )
    return path


@contextmanager
def chromium_driver() -> Iterator[webdriver.Chrome]:
    """One headless Chromium, quit when the block ends."""
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = _binary("chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={_WINDOW}",
        "--lang=en-US",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(_binary("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()


def _read_again_if_rerendered(read: Callable[[], T], attempts: int = 20) -> T:
    """``read()``, again when the page replaced an element while it was being read (the
    console re-renders a table when a pushed change arrives)."""
    for _ in range(attempts - 1):
        try:
            return read()
        except StaleElementReferenceException:
            continue
    return read()


class Page:
    """The browser on one mock server: open its pages, wait for what they show."""

    def __init__(self, driver: webdriver.Chrome, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def wait_until(self, condition: Callable[[], T | None], what: str) -> T:
        """The first truthy value of ``condition``; fails naming ``what`` after the wait."""

        def attempt(_driver: Any) -> T | None:
            try:
                return condition()
            except StaleElementReferenceException:  # re-rendered meanwhile: ask again
                return None

        try:
            value = WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.05).until(attempt)
        except TimeoutException:
            pytest.fail(f"timed out after {WAIT_SECONDS:.0f} s waiting for {what}")
        return cast(T, value)

    def find(self, css: str) -> WebElement:
        """The first element matching ``css``, once it exists."""
        return self.wait_until(lambda: self._first(css), f"an element {css!r}")

    def _first(self, css: str) -> WebElement | None:
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        return found[0] if found else None

    def text(self, css: str) -> str:
        """The visible text of the first element matching ``css`` ("" when there is none)."""
        return _read_again_if_rerendered(
            lambda: element.text if (element := self._first(css)) is not None else ""
        )

    def attributes(self, css: str, name: str) -> list[str | None]:
        """The attribute ``name`` of every element matching ``css``, in document order."""
        return _read_again_if_rerendered(
            lambda: [e.get_attribute(name) for e in self.driver.find_elements(By.CSS_SELECTOR, css)]
        )

    def wait_text(self, css: str, expected: str) -> str:
        """Wait until the element ``css`` shows ``expected`` in its text; returns the text."""

        def showing() -> str | None:
            text = self.text(css)
            return text if expected in text else None

        return self.wait_until(showing, f"{css!r} to show {expected!r}")

    def click(self, css: str) -> None:
        """Click ``css`` once it is displayed and enabled (found afresh if the page re-renders
        it between finding and clicking)."""

        def clicked() -> bool | None:
            element = self._first(css)
            if element is None or not element.is_displayed() or not element.is_enabled():
                return None
            # Centred first: a sticky header or banner may cover an element at the edge.
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            try:
                element.click()
            except ElementClickInterceptedException:
                return None  # something still covers it (an animation); try again
            return True

        self.wait_until(clicked, f"{css!r} to be clickable")

    def attribute(self, css: str, name: str) -> str:
        """The attribute ``name`` of the first element matching ``css``, once it has one."""

        def value() -> str | None:
            element = self._first(css)
            return element.get_attribute(name) if element is not None else None

        return self.wait_until(value, f"{css!r} to have the attribute {name!r}")

    def script(self, source: str, *args: Any) -> Any:
        return self.driver.execute_script(source, *args)

    def screenshot(self, name: str) -> Path:
        """Save the window as ``build/screenshots/<name>.png``; returns the path."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def foreign_requests(self) -> list[str]:
        """Every URL this page loaded from an origin other than the mock's."""
        own = urlsplit(self.base_url).netloc
        urls: list[str] = self.script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
            ".concat([location.href])"
        )
        return [url for url in urls if urlsplit(url).netloc not in (own, "")]

    def console_errors(self) -> list[str]:
        """The browser console's errors since the last call (the log is read and emptied)."""
        entries: list[dict[str, Any]] = self.driver.get_log("browser")  # type: ignore[no-untyped-call]
        return [str(e["message"]) for e in entries if e.get("level") == "SEVERE"]
