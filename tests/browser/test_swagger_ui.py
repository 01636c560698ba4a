"""The vendor API's Swagger UI at /ui/, which signs every request itself, in a real browser."""

from __future__ import annotations

import httpx

from tests.support.browser import Page

LISTEN = "#operations-call-monitoring-listen"
LIVE_STATUS = f"{LISTEN} .live-responses-table tbody .response-col_status"


def press(page: Page, css: str) -> bool:
    """Click the element ``css`` itself (whether it is there now). Swagger UI lays the
    operation out late (its long description): a click by coordinates, as ``Page.click``
    makes, can land on a neighbour meanwhile (the summary bar folds the operation, the lock
    opens the authorization dialog)."""
    pressed: bool = page.script(
        "const b = document.querySelector(arguments[0]); if (b) { b.click(); } return !!b;", css
    )
    return pressed


def execute_and_wait_for_status(page: Page) -> str:
    page.wait_until(lambda: press(page, f"{LISTEN} button.execute") or None, "Execute")
    return page.wait_until(lambda: page.text(LIVE_STATUS).strip(), "a live response")


def test_try_it_out_on_listen_answers_200_twice_in_a_row_in_strict_mode(
    page: Page, mock_url: str
) -> None:
    page.open("/ui/#/call-monitoring/listen")
    assert page.wait_text("#m7-auth-mode", "strict") == "auth mode: strict"
    assert "signs every request itself as app key 2100147" in page.text("#m7-signing")
    server = ".servers select option"
    assert page.attribute(server, "value") == mock_url
    assert "auth mode: strict" in page.text(server)

    # Swagger UI may still be wiring the opened operation: press until the form opens.
    def try_it_out() -> bool | None:
        if page.attributes(f"{LISTEN} button.execute", "class"):
            return True
        press(page, f"{LISTEN} button.try-out__btn")
        return None

    page.wait_until(try_it_out, "the Try it out form")
    first = execute_and_wait_for_status(page)
    page.wait_until(lambda: press(page, f"{LISTEN} button.btn-clear") or None, "Clear")
    page.wait_until(lambda: not page.text(LIVE_STATUS), "the response to be cleared")
    second = execute_and_wait_for_status(page)
    page.script(
        "arguments[0].scrollIntoView({block: 'start'})", page.find(f"{LISTEN} .curl-command")
    )
    page.screenshot("swagger-ui-signed")

    assert (first, second) == ("200", "200")
    entries = httpx.get(f"{mock_url}/__mock/journal", timeout=10).json()["entries"]
    assert [(e["path"], e["status"], e["outcome"]) for e in entries] == [
        ("/openapi/v1/call/listen", 200, "ok")
    ] * 2
    nonces = {e["headers"]["m7-nonce"] for e in entries}
    assert len(nonces) == 2
    assert page.foreign_requests() == []


def test_the_admin_swagger_ui_leads_back_to_the_console(page: Page) -> None:
    """Its description links the console, the start page and the vendor's Swagger UI
    (Swagger UI opens a description's links in a new tab)."""
    page.open("/__mock/ui/")
    for href in ("/", "/ui/"):
        assert page.attribute(f".information-container a[href='{href}']", "href").endswith(href)
    driver = page.driver
    opened = set(driver.window_handles)
    page.click(".information-container a[href='/__mock/console/']")
    tab = page.wait_until(lambda: next(iter(set(driver.window_handles) - opened), None), "a tab")
    admin_ui = driver.current_window_handle
    driver.switch_to.window(tab)
    try:
        page.find("#agents tr[data-agent='9527']")
        assert driver.current_url.endswith("/__mock/console/")
    finally:
        driver.close()
        driver.switch_to.window(admin_ui)
