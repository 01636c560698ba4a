"""The replay cache: which ``sign + nonce`` pairs were accepted in the last 300 seconds.

The vendor keeps each pair in Redis for 5 minutes and refuses it again meanwhile. Here an
``OrderedDict`` keeps the pairs in insertion order, which is also expiry order (every entry
lives for the same window), so expiring is popping from the front and every operation is
O(1) amortised.

Trade-off of the hard cap: when ``capacity`` pairs are live, adding one forgets the oldest
early. Memory stays bounded (about 190 bytes an entry: ~19 MB at the default 100 000) at the
price that, under a flood of more than ``capacity`` *validly signed* requests within the
window, a replay of one of the oldest would be accepted. Only requests that passed the
signature check are recorded, so forged garbage cannot push entries out.

``ReplayStore`` is the interface the authentication layer uses; its methods are async so
that a shared backend (Redis: ``SET key 1 NX EX 300``) can implement it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

__all__ = ["ReplayCache", "ReplayStore"]


class ReplayStore(Protocol):
    """Which keys (``sign + nonce``) were accepted within the window."""

    async def check_and_add(self, key: str) -> bool:
        """Record ``key``; True if it was already seen within the window (a replay)."""

    async def clear(self) -> None:
        """Forget every key (the admin reset)."""


class ReplayCache:
    """The in-memory ``ReplayStore``: keys for ``window`` seconds, at most ``capacity``."""

    def __init__(
        self,
        *,
        window: float = 300,
        capacity: int = 100_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._window = window
        self._capacity = capacity
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        #: How many live entries the cap has forced out (a sign the cap is too small).
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._seen)

    @property
    def capacity(self) -> int:
        return self._capacity

    async def check_and_add(self, key: str) -> bool:
        """Record ``key``; True if it was already seen within the window (a replay).

        A key exactly ``window`` seconds old is still a replay; one second later it is not.
        """
        now = self._clock()
        self._expire(now)
        seen_at = self._seen.get(key)
        if seen_at is not None and now - seen_at <= self._window:
            return True
        if seen_at is not None:  # expired but not yet reached by _expire (clock stepped back)
            del self._seen[key]
        elif len(self._seen) >= self._capacity:
            self._seen.popitem(last=False)
            self.evicted += 1
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
            if seen_at >= cutoff:
                return
            del seen[key]
