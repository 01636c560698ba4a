"""The two ids of a vendor response: the gateway's request id and the system request id.

``requestInfo.requestId`` is 32 hexadecimal digits (random); ``data.request.requestId`` is an
18-digit number, snowflake-like, that also stands in for a missing ``actionId``. Both are
sent back to the client, so they must be unique; the system id is also increasing, as the
vendor's are. Like a snowflake id it names its issuer in its low bits (``node``): workers
sharing one state each have their own node (``mock_server.redis_store.state`` numbers
them), so their ids never collide.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Final

__all__ = ["NODE_BITS", "SystemIds", "new_request_id"]

#: 2024-01-01T00:00:00Z in milliseconds: the system ids' epoch.
_EPOCH_MS: Final = 1_704_067_200_000
#: The low bits: the issuing node (worker), then the sequence within a millisecond (ids per
#: millisecond and node before the sequence borrows from the next one).
NODE_BITS: Final = 8
_SEQUENCE_BITS: Final = 8
#: The smallest 18-digit number; with 16 low bits (node and sequence) ids stay 18 digits for
#: ~400 years.
_FLOOR: Final = 10**17


def new_request_id() -> str:
    """A gateway request id: 32 lowercase hex digits, 128 random bits.

    ``os.urandom`` directly: ``uuid4().hex`` builds a UUID object per request for the same
    randomness (it was 3% of the mock's time per request).
    """
    return os.urandom(16).hex()


class SystemIds:
    """Issues 18-digit, strictly increasing ids: milliseconds since 2024, a sequence, the node.

    Strictly increasing even if the clock stops (an injected test clock) or steps back; two
    issuers with different nodes never issue the same id.
    """

    def __init__(self, clock: Callable[[], float] = time.time, *, node: int = 0) -> None:
        if not 0 <= node < 1 << NODE_BITS:
            raise ValueError(f"node {node}: not in 0..{(1 << NODE_BITS) - 1}")
        self._clock = clock
        self._node = node
        self._last = 0  # milliseconds and sequence of the last id

    @property
    def node(self) -> int:
        return self._node

    def next(self) -> str:
        """The next id, as the decimal string the vendor sends."""
        elapsed = max(int(self._clock() * 1000) - _EPOCH_MS, 0)
        self._last = max(elapsed << _SEQUENCE_BITS, self._last + 1)
        return str(_FLOOR + (self._last << NODE_BITS) + self._node)
