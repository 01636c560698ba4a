"""Each account's clock: the real time, or a time a test froze or moved forward.

Everything of an account that depends on time reads its clock: the signature window, the
replay memory's expiry, the calls' times and durations, the envelope's and the journal's
times. So a test shows in milliseconds what takes minutes of real time (a timestamp 301 s
old refused; a ``sign + nonce`` forgotten after 300 s), and two tests' accounts never see
each other's time.

A clock is a ``ClockSetting`` applied to the real time: stopped at ``frozen_at``, or running
``offset`` seconds ahead. In memory the setting lives in ``VirtualClock``; on Redis it is
shared by every worker (``mock_server.redis_store.clock``), with the same interface.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from mock_server.model.callcenter import CallStateError

__all__ = [
    "LATEST",
    "REAL_TIME",
    "AccountClock",
    "ClockSetting",
    "VirtualClock",
    "clock_view",
    "skew_seconds",
]

#: The clock's range: the ten-digit ``m7-timestamp`` the vendor's signature carries.
EARLIEST: Final = 1_000_000_000.0
LATEST: Final = 9_999_999_999.0


@dataclass(frozen=True, slots=True)
class ClockSetting:
    """How a clock reads the real time: stopped at ``frozen_at`` or ``offset`` s ahead."""

    frozen_at: float | None = None
    offset: float = 0.0

    def at(self, real: float) -> float:
        """The clock's reading at the real instant ``real`` (Unix seconds)."""
        return self.frozen_at if self.frozen_at is not None else real + self.offset

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def advanced(self, seconds: float, real: float) -> ClockSetting:
        """This clock ``seconds`` further on; ``CallStateError`` (40002) past ``LATEST``."""
        if not math.isfinite(seconds) or seconds < 0:
            raise CallStateError(400, "40002", "seconds", "seconds: must be 0 or more")
        if self.at(real) + seconds > LATEST:
            raise CallStateError(
                400,
                "40002",
                "seconds",
                f"seconds: the clock would pass {LATEST:.0f} (the last ten-digit m7-timestamp)",
            )
        if self.frozen_at is not None:
            return ClockSetting(frozen_at=self.frozen_at + seconds)
        return ClockSetting(offset=self.offset + seconds)

    def in_range(self, real: float, *, at: str = "clock") -> ClockSetting:
        """This setting, when it reads within the ten-digit range at ``real``; else
        ``CallStateError`` (40002)."""
        if not EARLIEST <= self.at(real) <= LATEST:
            raise CallStateError(
                400,
                "40002",
                at,
                f"{at}: the clock would read {self.at(real):.0f}, outside "
                f"{EARLIEST:.0f}..{LATEST:.0f} (the ten-digit m7-timestamp)",
            )
        return self

    def to_dict(self) -> dict[str, float]:
        """The snapshot's form (the admin document's ``ClockSetting``)."""
        if self.frozen_at is not None:
            return {"frozenAt": self.frozen_at}
        return {"offsetSeconds": self.offset}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, at: str = "clock") -> ClockSetting:
        """The setting a snapshot names; ``CallStateError`` (40002) for one out of range."""
        frozen_at, offset = data.get("frozenAt"), data.get("offsetSeconds", 0.0)
        if frozen_at is not None and offset:
            raise CallStateError(
                400, "40002", at, f"{at}: give frozenAt or offsetSeconds, not both"
            )
        if frozen_at is not None:
            return cls.stopped(float(frozen_at), at=f"{at}.frozenAt")
        if not 0 <= float(offset) <= LATEST - EARLIEST:
            raise CallStateError(400, "40002", at, f"{at}.offsetSeconds: out of range")
        return cls(offset=float(offset))

    @classmethod
    def stopped(cls, when: float, *, at: str = "frozenAt") -> ClockSetting:
        """Stopped at ``when``; ``CallStateError`` (40002) outside the ten-digit range."""
        if not EARLIEST <= when <= LATEST:
            raise CallStateError(
                400, "40002", at, f"{at}: must be from {EARLIEST:.0f} to {LATEST:.0f}"
            )
        return cls(frozen_at=when)


def skew_seconds(now: float, signed_at: int) -> int:
    """Whole seconds between the clock's ``now`` and an ``m7-timestamp``, counted from the
    clock in whole milliseconds as the Redis script has it, so both backends agree."""
    return abs(round(now * 1000) // 1000 - signed_at)


#: The real time, neither frozen nor ahead.
REAL_TIME: Final = ClockSetting()


def clock_view(setting: ClockSetting, real: float) -> dict[str, Any]:
    """The admin API's ``Clock``: the reading now and whether it stands still."""
    return {"now": setting.at(real), "frozen": setting.frozen}


class AccountClock(Protocol):
    """An account's clock, as the state reads it and the admin API sets it."""

    def __call__(self) -> float:
        """The clock now (Unix seconds)."""

    def at(self, real: float) -> float:
        """The clock's reading at the real instant ``real`` (a request's arrival)."""

    def real(self) -> float:
        """The real time (the server's clock) now."""

    async def setting(self) -> ClockSetting:
        """The setting in force (read from the shared store on a shared backend)."""

    async def set(self, setting: ClockSetting) -> ClockSetting:
        """Put ``setting`` in force; returns it."""

    async def change(self, how: Callable[[ClockSetting, float], ClockSetting]) -> ClockSetting:
        """Put ``how(setting in force, real time)`` in force, as one step: two changes at
        once (two workers advancing) both count. ``how`` may raise to refuse."""


class VirtualClock:
    """``AccountClock`` in this process."""

    def __init__(self, real: Callable[[], float], setting: ClockSetting = REAL_TIME) -> None:
        self.real = real
        self._setting = setting
        # Read on every request, several times: kept apart from the setting for speed.
        self._frozen_at, self._offset = setting.frozen_at, setting.offset

    def __call__(self) -> float:
        frozen_at = self._frozen_at
        return frozen_at if frozen_at is not None else self.real() + self._offset

    def at(self, real: float) -> float:
        frozen_at = self._frozen_at
        return frozen_at if frozen_at is not None else real + self._offset

    async def setting(self) -> ClockSetting:
        return self._setting

    async def set(self, setting: ClockSetting) -> ClockSetting:
        self._setting = setting
        self._frozen_at, self._offset = setting.frozen_at, setting.offset
        return setting

    async def change(self, how: Callable[[ClockSetting, float], ClockSetting]) -> ClockSetting:
        return await self.set(how(self._setting, self.real()))
