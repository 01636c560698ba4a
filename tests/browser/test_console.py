"""The call-center console at /__mock/console/, in a real browser.

It shows the demo call center in the vendor's words, follows changes pushed by the server
without a reload, runs the supervisor actions signed in the page, and sets faults whose
effect the journal view shows, with each entry's request and response bodies.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx

from tests.support.browser import Page

CONSOLE = "/__mock/console/"
UTC8 = timezone(timedelta(hours=8))
DEMO_AGENTS = ("2000", "2001", "2002", "2003", "9527", "9528", "9529", "9530", "9531")


def open_console(page: Page) -> None:
    """Open the console and wait until it shows the state and follows the event stream."""
    page.open(CONSOLE)
    page.find("#agents tr[data-agent='9527']")
    page.wait_until(
        lambda: page.attribute("#live", "data-state") == "open",
        "the console to follow the event stream",
    )


def test_console_shows_the_demo_call_center(page: Page) -> None:
    open_console(page)

    assert tuple(page.attributes("#agents tbody tr", "data-agent")) == DEMO_AGENTS
    assert "talking" in page.text("#agents tr[data-agent='9527'] [data-field='status']")
    assert "offline" in page.text("#agents tr[data-agent='2001'] [data-field='status']")
    monitored = "#calls tr[data-call='call-0002']"
    assert "2003" in page.text(f"{monitored} [data-field='supervisor']")
    assert page.text(f"{monitored} [data-field='mode']") == "listen 监听"
    assert page.attribute("#calls tr[data-call='call-0003']", "data-state") == "ringing"
    buttons = page.text("#calls tr[data-call='call-0001'] td.actions")
    for words in ("监听 listen", "耳语 whisper", "强插 barge", "强拆 hang up", "抢接 pick up"):
        assert words in buttons
    assert page.text("#auth-mode") == "auth strict"
    assert page.text("#signing") == "signs as 2100147"
    assert page.script("return document.querySelector('#elsewhere').hidden") is True

    page.screenshot("console-demo")
    assert page.foreign_requests() == []
    assert page.console_errors() == []


def test_a_phone_made_to_ring_through_the_admin_api_appears_without_a_reload(
    page: Page, mock_url: str
) -> None:
    open_console(page)
    page.script("window.m7NotReloaded = true")

    response = httpx.post(
        f"{mock_url}/__mock/calls", json={"agent": "9530", "customer": "13600136000"}, timeout=10
    )
    assert response.status_code == 201, response.text
    call_id = response.json()["id"]

    row = f"#calls tr[data-call='{call_id}']"
    assert page.attribute(row, "data-state") == "ringing"
    assert "13600136000" in page.text(row)
    page.wait_text("#agents tr[data-agent='9530'] [data-field='status']", "ringing")
    assert page.script("return window.m7NotReloaded") is True
    page.screenshot("console-ringing")


def test_listen_from_the_console_changes_the_calls_monitor(page: Page, mock_url: str) -> None:
    open_console(page)
    page.script("document.querySelector('#supervisor').value = '2002'")

    page.click("#calls tr[data-call='call-0001'] button[data-operation='listen']")

    page.wait_text("#calls tr[data-call='call-0001'] [data-field='supervisor']", "2002")
    assert page.text("#calls tr[data-call='call-0001'] [data-field='mode']") == "listen 监听"
    assert page.wait_text("#last-response", "HTTP 200").startswith("HTTP 200")
    assert "m7-sign: " in page.text("#last-request")
    call = httpx.get(f"{mock_url}/__mock/state", timeout=10).json()["calls"][0]
    assert (call["id"], call["supervisor"], call["mode"]) == ("call-0001", "2002", "listen")
    page.screenshot("console-listen")


def test_a_fault_set_in_the_console_shows_in_the_journal_view(page: Page) -> None:
    open_console(page)
    page.script("document.querySelector('#supervisor').value = '2002'")
    page.script("document.querySelector('#fault-operation').value = 'listen'")
    page.find("#fault-status").send_keys("503")
    page.click("#fault-form button[type='submit']")
    page.wait_text("#faults", '"listen"')

    page.click("#calls tr[data-call='call-0001'] button[data-operation='listen']")

    faulted = "#journal tr.summary[data-status='503']"
    assert page.attribute(faulted, "data-outcome") == "fault:503"
    page.click(faulted)
    entry = f"#journal tr.entry[data-entry='{page.attribute(faulted, 'data-request')}']"
    assert "fault injected" in page.wait_text(f"{entry} [data-field='response-body']", "503")
    assert "m7-sign: [redacted]" in page.text(entry)
    # the fault was for listen only, and used up: whisper is answered as usual
    page.click("#calls tr[data-call='call-0001'] button[data-operation='whisper']")
    answered = "#journal tr.summary[data-status='200']"
    page.click(answered)
    entry = f"#journal tr.entry[data-entry='{page.attribute(answered, 'data-request')}']"
    page.wait_text(f"{entry} [data-field='request-body']", '"whisperAgent": "2002"')
    assert '"success": true' in page.text(f"{entry} [data-field='response-body']")
    page.wait_text("#faults", "no faults in force")

    page.find("#filter-status").send_keys("503")
    page.wait_until(
        lambda: len(page.attributes("#journal tr.summary", "data-request")) == 1,
        "the status filter to leave the one 503",
    )
    # still open in the filtered view (entries stay open across re-renders)
    page.wait_text("#journal tr.entry [data-field='response-body']", "fault injected")
    page.script("document.querySelector('#journal-panel').scrollIntoView()")
    page.screenshot("console-journal")


def test_the_journal_shows_its_times_in_utc8_like_the_envelopes(page: Page, mock_url: str) -> None:
    open_console(page)
    page.script("document.querySelector('#supervisor').value = '2002'")
    page.click("#calls tr[data-call='call-0001'] button[data-operation='listen']")
    row = "#journal tr.summary[data-status='200']"
    page.find(row)

    (entry,) = httpx.get(f"{mock_url}/__mock/journal", timeout=10).json()["entries"]
    arrived = datetime.fromisoformat(entry["time"])
    shown = page.text(f"{row} [data-field='time']")
    assert shown == arrived.astimezone(UTC8).strftime("%H:%M:%S.%f")[:-3]
    assert page.text("#journal thead th:first-child") == "Time (UTC+8)"
    # the envelope's own time, in UTC+8 by its "timezone", is the same moment within a second
    data = entry["responseBody"]["data"]
    assert data["timezone"] == "UTC+8"
    started = datetime.strptime(data["startTime"], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC8)
    assert abs((started - arrived).total_seconds()) < 1
