"""The journal of one account as a capped Redis stream (``XADD ... MAXLEN <capacity>``).

Entries are stored as their fields (credentials already redacted: no secret is ever written
to Redis; bodies as the bytes they were, one character per byte) and shown when read, as the
in-memory journal shows its entries: the same ``JournalEntry.to_dict``, so both backends show
an entry alike, and writing one (on the request path) does not parse its bodies. They are
kept as the in-memory journal keeps them (``kept_entry``: long values and bodies, the
response body included, cut and marked), so the stream is bounded by its capacity times what
an entry can hold; filters are applied as the entries are read.
"""

from __future__ import annotations

from typing import Any, Final

import orjson
import redis.asyncio

from mock_server.model.defaults import JOURNAL_CAPACITY, JOURNAL_VALUE_CHARS
from mock_server.model.journal import JournalEntry, kept_entry
from mock_server.model.journal_filter import JournalFilter
from mock_server.model.outcome import Outcome
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.guard import Guard
from mock_server.redis_store.keys import AccountKeys
from mock_server.redis_store.messages import event_message
from mock_server.redis_store.pipeline import AutoPipeline

__all__ = ["RedisJournal"]

_FIELD = b"e"
#: The stored form's mark: an entry's fields (without it: the shown form, as written before).
_FIELDS = 2


def _text(body: bytes | None) -> str | None:
    """A body as JSON can hold it, byte for byte (Latin-1 maps each byte to a character)."""
    return None if body is None else body.decode("latin-1")


#: ``record`` of an account made at run time (``guard``): KEYS journal, events, marker; ARGV
#: capacity, the stored entry, its message, the creation's serial.
_GUARDED_XADD: Final = """
if redis.call('HGET', KEYS[3], 'serial') ~= ARGV[4] then return -1 end
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 'e', ARGV[2])
redis.call('PUBLISH', KEYS[2], ARGV[3])
return 1
"""


def _bytes(text: str | None) -> bytes | None:
    return None if text is None else text.encode("latin-1")


def _shown(stored: bytes | str) -> dict[str, Any]:
    """An entry as the admin API shows it."""
    data: dict[str, Any] = orjson.loads(stored)
    if data.get("v") != _FIELDS:
        return data  # stored already shown
    return JournalEntry(
        time=data["time"],
        request_id=data["requestId"],
        method=data["method"],
        path=data["path"],
        status=data["status"],
        outcome=Outcome(data["outcome"]),
        app_key=data["appKey"],
        headers=data["headers"],
        body=_bytes(data["body"]),
        response_body=_bytes(data["responseBody"]),
        operation=data["operation"],
        drift=tuple(data.get("drift", ())),
    ).to_dict()


class RedisJournal:
    """``Journal``'s storage methods, async, shared by every worker."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        keys: AccountKeys,
        *,
        capacity: int = JOURNAL_CAPACITY,
        value_chars: int = JOURNAL_VALUE_CHARS,
        max_headers: int = 100,
        where: str = "redis",
        pipeline: AutoPipeline | None = None,
        guard: Guard | None = None,
    ) -> None:
        #: An account made at run time: an entry is written only to its creation (``guard``).
        self._guard = guard
        #: Entries are written on the request path: auto-pipelined with its other commands.
        self._pipeline = pipeline if pipeline is not None else AutoPipeline(client, where=where)
        self._value_chars = value_chars
        self._max_headers = max_headers
        self._client = client
        self._keys = keys
        self._capacity = capacity
        self._where = where

    @property
    def capacity(self) -> int:
        return self._capacity

    def encode(self, entry: JournalEntry) -> tuple[bytes, bytes]:
        """``entry`` as the stream stores it, and its change-feed message (for ``record``
        and for the call center's script, which writes the entry of an accepted action)."""
        entry = kept_entry(entry, value_chars=self._value_chars, max_headers=self._max_headers)
        stored = {
            "v": _FIELDS,
            "time": entry.time,
            "requestId": entry.request_id,
            "method": entry.method,
            "path": entry.path,
            "status": entry.status,
            "outcome": entry.outcome.value,
            "appKey": entry.app_key,
            "headers": entry.redacted_headers(),
            "body": _text(entry.body),
            "operation": entry.operation,
            "responseBody": _text(entry.response_body),
            **({"drift": list(entry.drift)} if entry.drift else {}),
        }
        summary = {
            "requestId": entry.request_id,
            "method": entry.method,
            "path": entry.path,
            "status": entry.status,
            "outcome": entry.outcome.value,
        }
        return orjson.dumps(stored), event_message("journal", summary)

    async def record(self, entry: JournalEntry) -> None:
        """Append ``entry`` and tell the change feed, in one round trip (one write)."""
        stored, message = self.encode(entry)
        keys = self._keys
        if self._guard is not None:  # dropped once the account is gone: nobody reads it
            await self._pipeline.script(
                _GUARDED_XADD,
                [keys.journal, keys.events, self._guard.marker],
                [self._capacity, stored, message, self._guard.serial],
            )
            return
        await self._pipeline.execute_all(
            ("XADD", keys.journal, "MAXLEN", self._capacity, "*", _FIELD, stored),
            ("PUBLISH", keys.events, message),
        )

    async def entries(self, selection: JournalFilter | None = None) -> list[dict[str, Any]]:
        """Oldest first, those ``selection`` keeps, as ``Journal.entries``."""
        try:
            rows = await self._client.xrange(self._keys.journal)
        except LOST as exc:
            raise lost(self._where, exc) from None
        entries = [_shown(fields[_FIELD]) for _id, fields in rows or () if fields]
        if selection is None:
            return entries
        kept = [
            entry
            for entry in entries
            if selection.matches(
                operation=entry.get("operation"),
                path=entry["path"],
                status=entry["status"],
                outcome=entry["outcome"],
                app_key=entry["appKey"],
            )
        ]
        return selection.newest(kept)

    async def clear(self) -> int:
        """Forget every entry; returns how many there were (read and deleted atomically)."""
        try:
            pipe = self._client.pipeline(transaction=True)
            pipe.xlen(self._keys.journal)
            pipe.delete(self._keys.journal)
            count, _deleted = await pipe.execute()
            await self._client.publish(
                self._keys.events, event_message("journal", {"cleared": int(count)})
            )
        except LOST as exc:
            raise lost(self._where, exc) from None
        return int(count)
