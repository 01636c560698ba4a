"""``mock_server.model.journal``: the response body and the filter of the journal's entries."""

from __future__ import annotations

import orjson

from mock_server.model.events import InMemoryEventFeed
from mock_server.model.journal import CUT, LONGEST_BODY, Journal, JournalEntry
from mock_server.model.journal_filter import JournalFilter
from mock_server.model.outcome import Outcome


def entry(number: int, *, response_body: bytes | None = b"{}", **changes: object) -> JournalEntry:
    fields: dict[str, object] = {
        "time": 1_767_600_000.0 + number,
        "request_id": f"r{number}",
        "method": "POST",
        "path": "/openapi/v1/call/listen",
        "status": 200,
        "outcome": Outcome.OK,
        "app_key": "2100147",
        "headers": {},
        "body": b"{}",
        "response_body": response_body,
        "operation": "listen",
    }
    fields.update(changes)
    return JournalEntry(**fields)  # type: ignore[arg-type]


async def test_a_long_response_body_is_kept_cut_and_counted_in_the_journals_bytes() -> None:
    journal = Journal(10, InMemoryEventFeed(), max_bytes=1_000_000)
    await journal.record(entry(1, response_body=b"x" * 100))
    small = journal.size
    await journal.record(entry(2, response_body=b"y" * (10 * LONGEST_BODY)))
    assert journal.size - small <= LONGEST_BODY + 1 + 1_000  # cut before it was counted
    assert journal.size - small > LONGEST_BODY
    shown = (await journal.entries())[1]["responseBody"]
    assert shown == "y" * LONGEST_BODY + CUT


async def test_entries_shows_the_response_body_as_json_and_the_operation() -> None:
    journal = Journal(10, InMemoryEventFeed())
    await journal.record(entry(1, response_body=orjson.dumps({"code": "40903"})))
    await journal.record(entry(2, response_body=None, status=None, outcome=Outcome.FAULT_DROP))
    first, dropped = await journal.entries()
    assert (first["operation"], first["responseBody"]) == ("listen", {"code": "40903"})
    assert dropped["responseBody"] is None


async def test_a_filter_keeps_the_newest_matching_entries_oldest_first() -> None:
    journal = Journal(10, InMemoryEventFeed())
    for number in range(6):
        status = 409 if number % 2 else 200
        await journal.record(entry(number, status=status, outcome=Outcome.OK))
    kept = await journal.entries(JournalFilter(status=409, limit=2))
    assert [e["requestId"] for e in kept] == ["r3", "r5"]
