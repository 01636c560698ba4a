"""The vendor's authentication rule (鉴权规则), written once.

The client signs with it and the mock server verifies with it, so the two can never
disagree about the rule. Nothing here knows about HTTP libraries.

    m7-sign = base64(HMAC-SHA256(key=secret_key, msg=app_key + timestamp + nonce))

The signature covers only the three header values, never the request body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = [
    "APPKEY_HEADER",
    "HEADER_NAMES",
    "MAX_CLOCK_SKEW_SECONDS",
    "NONCE_HEADER",
    "SIGN_HEADER",
    "TIMESTAMP_HEADER",
    "NonceSource",
    "is_valid_nonce",
    "is_valid_timestamp",
    "new_nonce",
    "sign",
    "signature_matches",
    "signed_headers",
]

APPKEY_HEADER = "m7-appkey"
NONCE_HEADER = "m7-nonce"
TIMESTAMP_HEADER = "m7-timestamp"
SIGN_HEADER = "m7-sign"
HEADER_NAMES = (APPKEY_HEADER, NONCE_HEADER, TIMESTAMP_HEADER, SIGN_HEADER)

#: The vendor rejects timestamps further than this from its clock, and remembers a
#: ``sign + nonce`` for this long to refuse replays.
MAX_CLOCK_SKEW_SECONDS = 300

_NONCE = re.compile(r"[0-9]{6}")
_TIMESTAMP = re.compile(r"[0-9]{10}")


def sign(app_key: str, secret_key: str, timestamp: str, nonce: str) -> str:
    """Return the ``m7-sign`` value for these header values."""
    message = (app_key + timestamp + nonce).encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def new_nonce(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh 6-digit nonce from a cryptographic source, leading zeros kept."""
    return f"{randbelow(1_000_000):06d}"


class NonceSource:
    """Random nonces that never repeat within one timestamp.

    The server's replay key is ``sign + nonce`` and the sign depends only on the app key,
    timestamp and nonce: two requests of one client in the same second with the same
    nonce are a replay to the server. With 10**6 nonces that is likely (birthday bound)
    from about a thousand requests in one second, so a signer remembers what it drew for
    the last few seconds (the clocks of concurrent callers may straddle a second). Safe to
    share between threads.
    """

    _SECONDS_KEPT = 4
    _NONCES_PER_SECOND = 1_000_000

    def __init__(self, randbelow: Callable[[int], int] = secrets.randbelow) -> None:
        self._randbelow = randbelow
        self._used: OrderedDict[str, set[str]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, timestamp: str) -> str:
        """A nonce not yet taken for ``timestamp``."""
        with self._lock:
            used = self._used.get(timestamp)
            if used is None:
                used = self._used[timestamp] = set()
                while len(self._used) > self._SECONDS_KEPT:
                    self._used.popitem(last=False)
            if len(used) >= self._NONCES_PER_SECOND:
                raise RuntimeError(f"every nonce of timestamp {timestamp} is taken")
            nonce = new_nonce(self._randbelow)
            while nonce in used:
                nonce = new_nonce(self._randbelow)
            used.add(nonce)
            return nonce


def signed_headers(
    app_key: str,
    secret_key: str,
    *,
    clock: Callable[[], float] = time.time,
    randbelow: Callable[[int], int] = secrets.randbelow,
    nonces: NonceSource | None = None,
) -> dict[str, str]:
    """The four ``m7-*`` headers for a request sent now, with a new nonce.

    ``clock`` and ``randbelow`` are injectable so tests can pin time and randomness; pass
    ``nonces`` (one per signer) to never repeat a nonce within a second.
    """
    timestamp = str(int(clock()))
    nonce = new_nonce(randbelow) if nonces is None else nonces.take(timestamp)
    return {
        APPKEY_HEADER: app_key,
        NONCE_HEADER: nonce,
        TIMESTAMP_HEADER: timestamp,
        SIGN_HEADER: sign(app_key, secret_key, timestamp, nonce),
    }


def is_valid_nonce(nonce: str) -> bool:
    """True for exactly six ASCII digits."""
    return _NONCE.fullmatch(nonce) is not None


def is_valid_timestamp(timestamp: str) -> bool:
    """True for exactly ten ASCII digits (Unix seconds)."""
    return _TIMESTAMP.fullmatch(timestamp) is not None


def signature_matches(
    app_key: str, secret_key: str, timestamp: str, nonce: str, signature: str
) -> bool:
    """Server side: does ``signature`` sign these values? Compared in constant time."""
    expected = sign(app_key, secret_key, timestamp, nonce)
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
