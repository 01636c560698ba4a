"""Authentication of the vendor API, as strict as the vendor (鉴权规则).

Called by the vendor endpoint (``mock_server.http.vendor_endpoint``): the signature covers
only the four ``m7-*`` headers, never the body, so headers suffice and connexion's own
(slow, per-request) security handling is left out. The rule itself is ``m7_call_monitor.signing``,
the module the client signs with, so client and mock cannot disagree.

Checks, in order, each failing with 401 and a message naming the header and the reason:
no ``m7-*`` header sent twice (which copy would count is a guess; the vendor's proxy may
take another than we do); all four headers present; ``m7-nonce`` 6 digits; ``m7-timestamp``
10 digits; ``m7-sign`` the base64 of 32 bytes; (strict only:) the timestamp at most 300 s
from the account's clock (``mock_server.model.clock``: the real time unless a test froze or
moved it), a known app key, a matching signature (constant-time), and a ``sign + nonce`` not
accepted in the last 300 s. In ``presence`` mode only the first five checks run; ``off`` runs none.
The last check needs the account's state, so it is not made here: a verified request
carries its ``sign + nonce`` to the request path (``mock_server.model.request_path``), which
records it after the faults and before the action. The request path judges the timestamp
again, on the account's own clock: on a shared store another worker may have moved it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from m7_call_monitor.signing import (
    APPKEY_HEADER,
    HEADER_NAMES,
    NONCE_HEADER,
    SIGN_HEADER,
    TIMESTAMP_HEADER,
    is_valid_nonce,
    is_valid_timestamp,
    signature_matches,
)
from mock_server.http.envelope import Answer, error_answer
from mock_server.http.record import RequestRecord
from mock_server.model.clock import AccountClock, skew_seconds
from mock_server.model.defaults import REPLAY_WINDOW_SECONDS
from mock_server.model.outcome import Outcome
from mock_server.settings import AuthMode

__all__ = ["AuthError", "Authenticator", "Verified", "signature_mismatch", "stale_message"]

_M7_NAMES: Final = frozenset(name.encode() for name in HEADER_NAMES)

#: base64 of 32 bytes: 43 characters and one "=" of padding.
_SIGN_FORMAT: Final = re.compile(r"[A-Za-z0-9+/]{43}=")


@dataclass(frozen=True, slots=True)
class AuthError(Exception):
    """Why a request was refused: ``outcome`` for the journal, ``message`` for the client."""

    outcome: Outcome
    message: str


def signature_mismatch(app_key: str, timestamp: str, nonce: str) -> str:
    """The refusal of a wrong ``m7-sign``, saying what the server signed, so that someone
    porting the signing to another language can compare strings. Never the secret (nor the
    expected signature, which would let anyone sign without the secret); the app key is a
    known one and the timestamp and nonce passed their format checks, so all three are
    short."""
    return (
        f"{SIGN_HEADER}: signature does not match; the server signed appkey + timestamp + "
        f'nonce = "{app_key}" + "{timestamp}" + "{nonce}" = "{app_key}{timestamp}{nonce}" '
        "(HMAC-SHA256 keyed with the app key's secret key, then base64)"
    )


def stale_message(skew: int, window: int) -> str:
    """The refusal of an ``m7-timestamp`` too far from the account's clock."""
    return f"{TIMESTAMP_HEADER}: {skew} s from the server clock (at most {window})"


@dataclass(frozen=True, slots=True)
class Verified:
    """A request whose headers passed: its app key, and (strict mode) the ``sign + nonce``
    the replay memory must record, in the request path (``mock_server.model.request_path``)."""

    app_key: str | None
    replay_key: str | None = None


class Authenticator:
    """Verifies the ``m7-*`` headers of one request against the credentials: everything of
    the rule that needs no state (the replay memory is the request path's)."""

    def __init__(
        self,
        *,
        mode: AuthMode,
        credentials: Mapping[str, str] | Callable[[str], str | None],
        window_seconds: int = REPLAY_WINDOW_SECONDS,
        clock_of: Callable[[str], AccountClock | None] | None = None,
    ) -> None:
        self.mode = mode
        #: The secret of an app key (``None``: unknown): the accounts', which the admin API
        #: may add to and remove from while the mock runs.
        self._secret_of = credentials if callable(credentials) else dict(credentials).get
        #: The clock of the account an app key names (``None``: unknown, the real time).
        self._clock_of = clock_of
        self._window = window_seconds
        #: The refusal of a replayed request.
        self.replay_message = f"{SIGN_HEADER}: replayed (this sign and nonce were used in the last {window_seconds} s)"

    def verify(self, headers: Mapping[str, str], now: float) -> Verified:
        """The request's app key and replay key, or ``AuthError``; ``now`` is the real time
        the request came, read on its account's clock."""
        if self.mode == "off":
            return Verified(headers.get(APPKEY_HEADER))
        for name in HEADER_NAMES:
            if not headers.get(name):
                raise AuthError(Outcome.AUTH_MISSING, f"{name}: missing header")
        app_key = headers[APPKEY_HEADER]
        nonce = headers[NONCE_HEADER]
        timestamp = headers[TIMESTAMP_HEADER]
        sign = headers[SIGN_HEADER]
        if not is_valid_nonce(nonce):
            raise AuthError(Outcome.AUTH_NONCE, f"{NONCE_HEADER}: must be exactly 6 digits")
        if not is_valid_timestamp(timestamp):
            raise AuthError(
                Outcome.AUTH_TIMESTAMP,
                f"{TIMESTAMP_HEADER}: must be exactly 10 digits (Unix seconds)",
            )
        if _SIGN_FORMAT.fullmatch(sign) is None:
            raise AuthError(
                Outcome.AUTH_SIGN,
                f"{SIGN_HEADER}: must be base64 of 32 bytes (an HMAC-SHA256 digest)",
            )
        if self.mode == "presence":
            return Verified(app_key)
        clock = self._clock_of(app_key) if self._clock_of is not None else None
        if clock is not None:  # an unknown app key: the real time (it is refused anyway)
            now = clock.at(now)
        skew = skew_seconds(now, int(timestamp))
        if skew > self._window:
            raise AuthError(Outcome.AUTH_CLOCK, stale_message(skew, self._window))
        secret = self._secret_of(app_key)
        if secret is None:
            raise AuthError(Outcome.AUTH_APPKEY, f"{APPKEY_HEADER}: unknown app key")
        if not signature_matches(app_key, secret, timestamp, nonce, sign):
            raise AuthError(Outcome.AUTH_SIGNATURE, signature_mismatch(app_key, timestamp, nonce))
        # Only a verified signature is remembered, so garbage cannot fill the memory.
        return Verified(app_key, sign + nonce)

    def refusal(
        self, record: RequestRecord, raw_headers: list[tuple[bytes, bytes]]
    ) -> Answer | None:
        """Authenticate ``record``: ``None`` when it passes (its app key and replay key
        set on it), else the 401 answer (the app key the headers name set on it)."""
        try:
            if self.mode != "off":
                _refuse_repeated(raw_headers)
            verified = self.verify(record.headers, record.started)
        except AuthError as error:
            record.app_key = record.headers.get(APPKEY_HEADER)
            return error_answer(record, 401, error.message, outcome=error.outcome)
        record.app_key, record.replay_key = verified.app_key, verified.replay_key
        return None


def _refuse_repeated(headers: list[tuple[bytes, bytes]]) -> None:
    """``AuthError`` naming the first ``m7-*`` header sent more than once."""
    seen: set[bytes] = set()
    for name, _ in headers:
        if name in _M7_NAMES:
            if name in seen:
                raise AuthError(Outcome.AUTH_REPEATED, f"{name.decode()}: sent more than once")
            seen.add(name)
