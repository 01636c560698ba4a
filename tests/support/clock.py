"""Time for tests: one settable ``Clock`` and one ``Sleeps`` that records instead of waiting.

The mock (``Settings(clock=...)``) and the call center (``CallCenter(clock=...)``) read the
time through a callable, so a test hands them a ``Clock``:

* ``Clock()`` stands still at ``EPOCH`` until ``advance`` moves it;
* ``Clock(start, tick=1.0)`` moves ``tick`` seconds forward on every reading, so that each
  reading is distinct and predictable;
* ``Clock.real()`` follows the real time, shifted by ``advance``, and ``frozen_at`` pins it
  for a block (for a mock that a client signs against with the real time).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["EPOCH", "Clock", "Sleeps"]

#: 2026-01-05T08:00:00Z, the fixed instant of the tests.
EPOCH = 1_767_600_000.0


class Clock:
    """A clock in Unix seconds: fixed, ticking, or real time shifted."""

    def __init__(self, start: float = EPOCH, *, tick: float = 0.0) -> None:
        self.now = start
        self._tick = tick
        self._real = False
        self._frozen: float | None = None

    @classmethod
    def real(cls) -> Clock:
        """The real time (``now`` is then the offset from it)."""
        clock = cls(0.0)
        clock._real = True
        return clock

    def __call__(self) -> float:
        if self._frozen is not None:
            return self._frozen
        if self._real:
            return time.time() + self.now
        self.now += self._tick
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def freeze(self, instant: float | None) -> None:
        """Stand still at ``instant`` from now on (``None``: move again)."""
        self._frozen = instant

    @contextmanager
    def frozen_at(self, instant: float) -> Iterator[None]:
        """Stand still at ``instant`` inside the block."""
        self.freeze(instant)
        try:
            yield
        finally:
            self.freeze(None)


class Sleeps(list[float]):
    """An injected sleep that records each delay instead of waiting: ``sleep`` and ``asleep``
    for the clients, the instance itself as the mock's async ``sleep``."""

    def sleep(self, seconds: float) -> None:
        self.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.append(seconds)

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
