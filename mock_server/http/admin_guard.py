"""Who may use the admin API (``/__mock/...``), which can rewrite the mock's whole state.

Bound to loopback without a token, it is open: only this machine can reach it. With a token
(``--admin-token``), every admin request needs ``Authorization: Bearer <token>``. Bound to
another interface without a token, it answers 401 to everything, so that exposing the mock
on a network never exposes its controls by accident. The admin API's documents and Swagger
UI stay readable: they hold no secret.
"""

from __future__ import annotations

import hmac
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.http.envelope import send_error
from mock_server.http.record import RequestRecord, record_of
from mock_server.model.outcome import Outcome

__all__ = ["AdminGuard"]

_DOCS: Final = ("/ui", "/openapi.json", "/openapi.yaml")
_CHALLENGE: Final = [(b"www-authenticate", b'Bearer realm="m7-mock admin"')]


class AdminGuard:
    """Checks the bearer token on admin requests (or refuses them all, or lets them pass)."""

    def __init__(self, app: ASGIApp, *, prefix: str, token: str | None, disabled: bool) -> None:
        self.app = app
        self._prefix = prefix
        self._token = token.encode() if token is not None else None
        self._disabled = disabled
        self._docs = tuple(prefix + doc for doc in _DOCS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        guarded = (
            scope["type"] == "http"
            and (self._disabled or self._token is not None)
            and (path == self._prefix or path.startswith(self._prefix + "/"))
            and not path.startswith(self._docs)
        )
        if not guarded:
            await self.app(scope, receive, send)
            return
        record = record_of(scope)
        if self._disabled:
            message = (
                "authorization: the admin API is disabled on a non-loopback bind without "
                "--admin-token"
            )
            await self._refuse(send, record, message, Outcome.ADMIN_DISABLED)
            return
        scheme, _, presented = record.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not presented:
            message = "authorization: missing bearer token"
            await self._refuse(send, record, message, Outcome.ADMIN_MISSING)
            return
        assert self._token is not None  # noqa: S101 - guarded above
        if not hmac.compare_digest(presented.strip().encode("latin-1"), self._token):
            message = "authorization: wrong admin token"
            await self._refuse(send, record, message, Outcome.ADMIN_TOKEN)
            return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(send: Send, record: RequestRecord, message: str, outcome: Outcome) -> None:
        await send_error(send, record, 401, message, outcome=outcome, headers=_CHALLENGE)
