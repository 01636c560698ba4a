"""What a shared state backend raises when it cannot serve: the request gets a 503."""

from __future__ import annotations

__all__ = ["StateStoreUnavailable"]


class StateStoreUnavailable(Exception):
    """The shared state store did not answer; the message names it (never a credential)."""
