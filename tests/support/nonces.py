"""Nonces for tests: one run-wide source that never repeats one.

The rule's nonce is 6 random digits, so in a run of thousands of requests two sent in the
same second share one now and then, and a strict server (rightly) refuses the second as a
replay: a flaky failure that says nothing about the code. Every test that signs draws from
``next_nonce`` (a counter from a random start, 6 digits); ``unique_nonces`` makes the
friendly client draw from it too, by replacing ``m7_call_monitor.signing.new_nonce`` for
the duration.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from m7_call_monitor import signing
from m7_call_monitor.signing import NONCE_HEADER

__all__ = ["next_nonce", "unique_nonces"]

_COUNTER = itertools.count(secrets.randbelow(10**6))


def next_nonce() -> str:
    """A nonce not drawn before in this run (until 10^6 of them were)."""
    return f"{next(_COUNTER) % 10**6:06d}"


@contextmanager
def unique_nonces() -> Iterator[Callable[[], str]]:
    """Make the client sign with ``next_nonce`` inside the block; yields ``next_nonce``.

    The recording transports fail a test if a ``timestamp + nonce`` pair ever repeats, so
    if the client stops going through ``new_nonce`` the patch's loss is reported rather
    than turned into flakiness.
    """

    def patched(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
        del randbelow
        return next_nonce()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing, "new_nonce", patched)
        first = signing.signed_headers("k", "s")[NONCE_HEADER]
        second = signing.signed_headers("k", "s")[NONCE_HEADER]
        assert int(second) == (int(first) + 1) % 10**6, "signed_headers bypasses new_nonce"
        yield next_nonce
