"""The replay store: which ``sign + nonce`` pairs were accepted in the last 300 seconds.

The vendor keeps each pair in Redis for 5 minutes and refuses it again meanwhile, and so
does the mock: a live entry is never forgotten early. Memory is bounded all the same: the
in-memory ``ReplayCache`` holds at most ``max_bytes`` worth of entries, and when it is full
of live ones it refuses to record more (``StoreUnavailable``, answered 503 with
``Retry-After``) rather than forget one, so a flood of validly signed requests slows the
flooder down instead of opening a replay window.

An ``OrderedDict`` keeps the pairs in insertion order, which is also expiry order (every
entry lives for the same window), so expiring is popping from the front and every
operation is O(1) amortised. Only requests that passed the signature check are recorded,
so forged garbage cannot fill it.

``ReplayStore`` is the interface the authentication layer uses; its methods are async so
that a shared backend (Redis: ``SET key 1 NX EX 300``) can implement it, and raise
``StoreUnavailable`` when that backend cannot answer.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

from mock_server.model.defaults import REPLAY_MAX_BYTES, REPLAY_WINDOW_SECONDS

__all__ = ["ENTRY_BYTES", "ReplayCache", "ReplayStore", "StoreUnavailable"]

#: What one entry costs in memory, rounded up: a 50-character key (44 of ``m7-sign`` and
#: the 6-digit nonce: 99 bytes), its float time (24) and the ordered dict's slot, index and
#: links, with the dict's room for growth by doubling. Measured with tracemalloc over every
#: fill up to 420,000 entries: 189 to 223 bytes, the most just after the dict grew
#: (tests/unit/test_replay.py holds a full cache to its ``max_bytes``).
ENTRY_BYTES: Final = 240


@dataclass(frozen=True, slots=True)
class StoreUnavailable(Exception):
    """A store cannot take the request now (full, or its backend lost): refuse, never guess.

    ``reason`` is the client's message; ``retry_after`` the seconds after which trying
    again can succeed.
    """

    reason: str
    retry_after: int = 1


class ReplayStore(Protocol):
    """Which keys (``sign + nonce``) were accepted within the window."""

    async def check_and_add(self, key: str) -> bool:
        """Record ``key``; True if it was already seen within the window (a replay).

        Raises ``StoreUnavailable`` when the key cannot be recorded: the request must then
        be refused, since accepting it unrecorded would let it be replayed.
        """

    async def clear(self) -> None:
        """Forget every key (the admin reset)."""


class ReplayCache:
    """The in-memory ``ReplayStore``: keys for ``window`` seconds, in at most ``max_bytes``."""

    def __init__(
        self,
        *,
        window: float = REPLAY_WINDOW_SECONDS,
        max_bytes: int = REPLAY_MAX_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_bytes < ENTRY_BYTES:
            raise ValueError(f"max_bytes must be at least {ENTRY_BYTES} (one entry)")
        self._window = window
        self._capacity = max_bytes // ENTRY_BYTES
        self._max_bytes = max_bytes
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        #: How many requests were refused because the store was full of live entries.
        self.refused = 0

    def __len__(self) -> int:
        return len(self._seen)

    @property
    def capacity(self) -> int:
        """How many entries fit in ``max_bytes``."""
        return self._capacity

    async def check_and_add(self, key: str) -> bool:
        """Record ``key``; True if it was already seen within the window (a replay).

        A key lives ``window`` seconds, as the vendor's replay key does (Redis ``EX``): a
        moment before it is a replay, exactly ``window`` seconds old it is gone.
        A replay is recognised even when the store is full; a new key then raises
        ``StoreUnavailable`` with the seconds until the oldest entry expires.
        """
        now = self._clock()
        self._expire(now)
        seen_at = self._seen.get(key)
        if seen_at is not None and now - seen_at < self._window:
            return True
        if seen_at is not None:  # expired but not yet reached by _expire (clock stepped back)
            del self._seen[key]
        elif len(self._seen) >= self._capacity:
            self.refused += 1
            oldest = next(iter(self._seen.values()))
            wait = max(1, math.ceil(oldest + self._window - now))
            raise StoreUnavailable(
                f"replay store: full ({self._capacity} live sign + nonce pairs, the "
                f"{self._max_bytes}-byte bound of --replay-max-bytes); retry in {wait} s",
                retry_after=wait,
            )
        self._seen[key] = now
        return False

    async def clear(self) -> None:
        self._seen.clear()

    def _expire(self, now: float) -> None:
        """Drop the entries older than the window, oldest first, stopping at the first live one."""
        seen = self._seen
        cutoff = now - self._window
        while seen:
            key, seen_at = next(iter(seen.items()))
            if seen_at > cutoff:
                return
            del seen[key]
