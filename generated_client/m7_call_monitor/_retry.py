"""When to send a supervisor action again, and how long to wait first.

These actions are not idempotent: a second hangup or pickup could act on the agent's
*next* call. So only failures that prove the server did not act are retried: the
connection never opened (the request was not sent), 429 (rate limited) and 503 (the
service says it did not act). A read timeout, a dropped connection or a 500 is never
retried: the action may already have happened.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from attrs import field, frozen

from ._errors import M7Error, RateLimited, ServerError, TransportError

__all__ = ["RetryPolicy", "is_retryable"]


def is_retryable(error: M7Error) -> bool:
    """True only when the server certainly did not perform the action."""
    if isinstance(error, TransportError):
        return not error.request_sent
    if isinstance(error, RateLimited):
        return True
    return isinstance(error, ServerError) and error.status == 503


def _check_non_negative(_: object, attribute: object, value: float) -> None:
    if value < 0:
        raise ValueError(f"{getattr(attribute, 'name', 'value')} must be >= 0, got {value}")


@frozen
class RetryPolicy:
    """Bounded retries with exponential backoff and jitter.

    ``retries`` is the number of extra attempts. The n-th retry waits between half and all
    of ``backoff * 2 ** (n - 1)`` seconds (jitter keeps many clients from retrying in step),
    or the server's ``Retry-After``; either is capped at ``max_delay``.
    """

    retries: int = field(default=2, validator=_check_non_negative)
    backoff: float = field(default=0.5, validator=_check_non_negative)
    max_delay: float = field(default=30.0, validator=_check_non_negative)
    #: A number in [0, 1) for the jitter; not a security use, so ``random`` is fine.
    jitter: Callable[[], float] = field(default=random.random, repr=False)

    def delay(self, error: M7Error, attempt: int) -> float | None:
        """Seconds to wait after failed ``attempt`` (1-based), or None to give up."""
        if attempt > self.retries or not is_retryable(error):
            return None
        if error.retry_after is not None:
            return min(error.retry_after, self.max_delay)
        ceiling = min(self.backoff * 2.0 ** (attempt - 1), self.max_delay)
        return ceiling / 2 + self.jitter() * ceiling / 2
