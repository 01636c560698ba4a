"""One violation of a request or a plan: where it is and what is wrong.

The model raises these (an impossible fault plan, a scenario); the HTTP layers list them in
the error envelope's ``errors``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FieldError"]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One violation: where (``body.actionId``, a header name) and what."""

    field: str
    message: str
