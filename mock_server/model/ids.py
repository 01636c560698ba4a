"""The two ids of a vendor response: the gateway's request id and the system request id.

``requestInfo.requestId`` is 32 hexadecimal digits (random); ``data.request.requestId`` is an
18-digit number, snowflake-like, that also stands in for a missing ``actionId``. Both are
sent back to the client, so they must be unique; the system id is also increasing, as the
vendor's are.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Final

__all__ = ["SystemIds", "new_request_id"]

#: 2024-01-01T00:00:00Z in milliseconds: the system ids' epoch.
_EPOCH_MS: Final = 1_704_067_200_000
#: Ids per millisecond before the sequence borrows from the next one.
_SEQUENCE_BITS: Final = 16
#: The smallest 18-digit number; with 16 sequence bits ids stay 18 digits for ~400 years.
_FLOOR: Final = 10**17


def new_request_id() -> str:
    """A gateway request id: 32 lowercase hex digits, 128 random bits.

    ``os.urandom`` directly: ``uuid4().hex`` builds a UUID object per request for the same
    randomness (it was 3% of the mock's time per request).
    """
    return os.urandom(16).hex()


class SystemIds:
    """Issues 18-digit, strictly increasing ids: milliseconds since 2024, then a sequence.

    Strictly increasing even if the clock stops (an injected test clock) or steps back.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._last = 0

    def next(self) -> str:
        """The next id, as the decimal string the vendor sends."""
        elapsed = max(int(self._clock() * 1000) - _EPOCH_MS, 0)
        candidate = _FLOOR + (elapsed << _SEQUENCE_BITS)
        self._last = max(candidate, self._last + 1)
        return str(self._last)
