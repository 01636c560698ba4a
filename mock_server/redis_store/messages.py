"""The change-feed messages the Redis stores publish with their changes (one JSON each)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

__all__ = ["event_message"]


def event_message(kind: str, payload: Mapping[str, Any] | None = None) -> bytes:
    """``{"kind": ..., "payload": {...}}``, as the feed's subscribers receive it."""
    return orjson.dumps({"kind": kind, "payload": dict(payload or {})})
