"""The vendor's signature as an ``httpx.Auth``, so any httpx client signs like the vendor.

httpx runs ``auth_flow`` once for every request it sends, so every attempt (every retry
included) gets its own nonce, timestamp and signature, as the server's replay check
demands. The same object serves ``httpx.Client`` and ``httpx.AsyncClient``, and the
generated ``m7_openapi.Client`` through ``httpx_args={"auth": M7Auth(...)}``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Generator

import httpx

from .signing import NonceSource, signed_headers

__all__ = ["M7Auth"]


class M7Auth(httpx.Auth):
    """Add ``m7-appkey``, ``m7-nonce``, ``m7-timestamp`` and ``m7-sign`` to each request.

    ``clock`` and ``randbelow`` are injectable so tests can pin time and randomness.
    Nonces never repeat within a second (see :class:`NonceSource`), so a busy client is
    not refused as a replay. The secret key is kept out of ``repr``.
    """

    def __init__(
        self,
        app_key: str,
        secret_key: str,
        *,
        clock: Callable[[], float] = time.time,
        randbelow: Callable[[int], int] = secrets.randbelow,
    ) -> None:
        self._app_key = app_key
        self._secret_key = secret_key
        self._clock = clock
        self._nonces = NonceSource(randbelow)

    @property
    def app_key(self) -> str:
        """The account's app key (not a secret: it travels in ``m7-appkey``)."""
        return self._app_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign the request as it leaves; the body is not part of the signature."""
        headers = request.headers
        signed = signed_headers(
            self._app_key, self._secret_key, clock=self._clock, nonces=self._nonces
        )
        for name, value in signed.items():  # one by one: ``Headers.update`` costs twice as much
            headers[name] = value
        yield request

    def __repr__(self) -> str:
        return f"M7Auth(app_key={self._app_key!r})"
