"""Authentication of the vendor API, as strict as the vendor (鉴权规则).

A pure ASGI layer in front of connexion: the signature covers only the four ``m7-*``
headers, never the body, so headers suffice and connexion's own (slow, per-request)
security handling is left out of the stack. The rule itself is ``m7_call_monitor.signing``,
the module the client signs with, so client and mock cannot disagree.

Checks, in order, each failing with 401 and a message naming the header and the reason:
no ``m7-*`` header sent twice (which copy would count is a guess; the vendor's proxy may
take another than we do); all four headers present; ``m7-nonce`` 6 digits; ``m7-timestamp`` 10 digits; ``m7-sign``
the base64 of 32 bytes; (strict only:) the timestamp at most 300 s from the server clock,
a known app key, a matching signature (constant-time), and a ``sign + nonce`` not accepted
in the last 300 s. In ``presence`` mode only the first five checks run; ``off`` runs none.
When the replay store cannot record the pair (``StoreUnavailable``: full of live entries,
or a shared backend lost) the request is refused with 503 and ``Retry-After``, never
accepted unrecorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

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
from mock_server.http.envelope import send_error
from mock_server.http.record import record_of
from mock_server.model.outcome import Outcome
from mock_server.model.owed import Owed, defers
from mock_server.model.replay import ReplayStore, StoreUnavailable
from mock_server.settings import AuthMode

__all__ = [
    "AuthError",
    "AuthMiddleware",
    "Authenticator",
    "signature_mismatch",
]

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


class Authenticator:
    """Verifies the ``m7-*`` headers of one request; holds the credentials and replay cache."""

    def __init__(
        self,
        *,
        mode: AuthMode,
        credentials: Mapping[str, str],
        replay_of: Callable[[str], ReplayStore],
        window_seconds: int = 300,
    ) -> None:
        self.mode = mode
        self._credentials = dict(credentials)
        self._replay_of = replay_of
        self._window = window_seconds

    async def verify(
        self, headers: Mapping[str, str], now: float, owed: Owed | None = None
    ) -> str | None:
        """Return the request's app key, or raise ``AuthError``. With ``owed`` and a replay
        store that defers, the replay check is left owed (``mock_server.model.owed``)."""
        if self.mode == "off":
            return headers.get(APPKEY_HEADER)
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
            return app_key
        skew = abs(int(now) - int(timestamp))
        if skew > self._window:
            raise AuthError(
                Outcome.AUTH_CLOCK,
                f"{TIMESTAMP_HEADER}: {skew} s from the server clock (at most {self._window})",
            )
        secret = self._credentials.get(app_key)
        if secret is None:
            raise AuthError(Outcome.AUTH_APPKEY, f"{APPKEY_HEADER}: unknown app key")
        if not signature_matches(app_key, secret, timestamp, nonce, sign):
            raise AuthError(Outcome.AUTH_SIGNATURE, signature_mismatch(app_key, timestamp, nonce))
        # Recorded only now, after the signature verified, so garbage cannot fill the cache.
        replay = self._replay_of(app_key)
        message = (
            f"{SIGN_HEADER}: replayed (this sign and nonce were used in the last {self._window} s)"
        )
        if owed is not None and defers(replay):
            owed.replay, owed.replay_key, owed.replay_message = replay, sign + nonce, message
            return app_key
        if await replay.check_and_add(sign + nonce):
            raise AuthError(Outcome.AUTH_REPLAY, message)
        return app_key


class AuthMiddleware:
    """Authenticates requests to the vendor operations; everything else passes untouched.

    Unknown paths and wrong methods are not authenticated, so they get their 404/405 (as
    Prism does); a CORS preflight never reaches this layer.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        authenticator: Authenticator,
        routes: frozenset[tuple[str, str]],
        clock: Callable[[], float],
    ) -> None:
        self.app = app
        self._authenticator = authenticator
        self._routes = routes
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) not in self._routes:
            await self.app(scope, receive, send)
            return
        record = record_of(scope)
        try:
            if self._authenticator.mode != "off":
                _refuse_repeated(scope["headers"])
            record.app_key = await self._authenticator.verify(
                record.headers, self._clock(), record.owed
            )
        except AuthError as error:
            record.app_key = record.headers.get(APPKEY_HEADER)
            await send_error(send, record, 401, error.message, outcome=error.outcome)
            return
        except StoreUnavailable as unavailable:
            record.app_key = record.headers.get(APPKEY_HEADER)
            retry = [(b"retry-after", str(unavailable.retry_after).encode())]
            await send_error(send, record, 503, unavailable.reason, headers=retry)
            return
        await self.app(scope, receive, send)


def _refuse_repeated(headers: list[tuple[bytes, bytes]]) -> None:
    """``AuthError`` naming the first ``m7-*`` header sent more than once."""
    seen: set[bytes] = set()
    for name, _ in headers:
        if name in _M7_NAMES:
            if name in seen:
                raise AuthError(Outcome.AUTH_REPEATED, f"{name.decode()}: sent more than once")
            seen.add(name)
