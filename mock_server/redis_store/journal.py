"""The journal of one account as a capped Redis stream (``XADD ... MAXLEN <capacity>``).

Entries are stored as the JSON the admin API shows (credentials already redacted: no secret
is ever written to Redis), so reading needs no decoding of requests.
"""

from __future__ import annotations

from typing import Any

import orjson
import redis.asyncio

from mock_server.model.journal import JournalEntry
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.keys import AccountKeys
from mock_server.redis_store.messages import event_message

__all__ = ["RedisJournal"]

_FIELD = b"e"


class RedisJournal:
    """``Journal``'s storage methods, async, shared by every worker."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        keys: AccountKeys,
        *,
        capacity: int = 1000,
        where: str = "redis",
    ) -> None:
        self._client = client
        self._keys = keys
        self._capacity = capacity
        self._where = where

    @property
    def capacity(self) -> int:
        return self._capacity

    async def record(self, entry: JournalEntry) -> None:
        """Append ``entry`` and tell the change feed, in one round trip (a pipeline)."""
        pipe = self._client.pipeline(transaction=False)
        pipe.xadd(
            self._keys.journal,
            {_FIELD: orjson.dumps(entry.to_dict())},
            maxlen=self._capacity,
            approximate=False,
        )
        summary = {
            "requestId": entry.request_id,
            "method": entry.method,
            "path": entry.path,
            "status": entry.status,
            "outcome": entry.outcome.value,
        }
        pipe.publish(self._keys.events, event_message("journal", summary))
        try:
            await pipe.execute()
        except LOST as exc:
            raise lost(self._where, exc) from None

    async def entries(self) -> list[dict[str, Any]]:
        """Oldest first, as ``Journal.entries``."""
        try:
            rows = await self._client.xrange(self._keys.journal)
        except LOST as exc:
            raise lost(self._where, exc) from None
        return [orjson.loads(fields[_FIELD]) for _id, fields in rows or () if fields]

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
