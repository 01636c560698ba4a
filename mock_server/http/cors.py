"""CORS, so that a frontend served from another origin can call the mock from a browser.

Written here rather than taken from starlette because starlette answers a preflight with a
``text/plain`` body; this one answers 204 with no body (and a disallowed origin with the
JSON error envelope). A preflight is answered before authentication, since browsers send
it without the ``m7-*`` headers. Responses expose ``x-request-id`` and
``x-m7-mock-auth-mode`` to scripts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.http.envelope import send_error
from mock_server.http.record import record_of
from mock_server.model.outcome import Outcome

__all__ = ["CorsMiddleware"]

ALLOWED_METHODS: Final = ("GET", "POST", "PUT", "DELETE", "OPTIONS")
ALLOWED_HEADERS: Final = (
    "content-type",
    "m7-appkey",
    "m7-nonce",
    "m7-timestamp",
    "m7-sign",
    "prefer",
    "authorization",
)
EXPOSED_HEADERS: Final = ("x-request-id", "x-m7-mock-auth-mode", "retry-after")
_MAX_AGE: Final = "600"


class CorsMiddleware:
    """Answers preflights and adds ``Access-Control-Allow-Origin`` to responses."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        origins: Iterable[str],
        admin_prefix: str = "/__mock",
        admin_origins: Iterable[str] = (),
    ) -> None:
        self.app = app
        self._origins = frozenset(origins)
        self._any = "*" in self._origins
        self._admin_prefix = admin_prefix
        self._admin_origins = frozenset(admin_origins)
        self._preflight_headers = [
            (b"access-control-allow-methods", ", ".join(ALLOWED_METHODS).encode()),
            (b"access-control-allow-headers", ", ".join(ALLOWED_HEADERS).encode()),
            (b"access-control-max-age", _MAX_AGE.encode()),
        ]
        self._expose = ", ".join(EXPOSED_HEADERS).encode()

    def _allow_origin(self, origin: str) -> str | None:
        if self._any:
            return "*"
        return origin if origin in self._origins else None

    def _allow_admin_origin(self, origin: str, host: str | None) -> str | None:
        """The mock's own pages (same scheme, host and port) and the origins named for it;
        never ``*``: an admin API any page could drive would let it reset the mock or read
        every recorded request."""
        own = host is not None and origin in (f"http://{host}", f"https://{host}")
        return origin if own or origin in self._admin_origins else None

    def _is_admin(self, path: str) -> bool:
        return path == self._admin_prefix or path.startswith(self._admin_prefix + "/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = record_of(scope)
        origin = record.headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        admin = self._is_admin(scope["path"])
        if admin:
            allowed = self._allow_admin_origin(origin, record.headers.get("host"))
            option = "--admin-origins"
        else:
            allowed = self._allow_origin(origin)
            option = "--cors-origins"
        if scope["method"] == "OPTIONS" and "access-control-request-method" in record.headers:
            record.outcome = Outcome.PREFLIGHT
            if allowed is None:
                message = f"origin: not allowed (see {option})"
                await send_error(send, record, 403, message, outcome=Outcome.PREFLIGHT_ORIGIN)
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        *self._origin_headers(allowed),
                        *self._preflight_headers,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if allowed is None and admin:
            # A page of another origin: refused before the admin API acts (a "simple"
            # cross-origin POST needs no preflight, so the browser would send it).
            message = f"origin: {origin[:100]} may not use the admin API (see {option})"
            await send_error(send, record, 403, message, outcome=Outcome.ADMIN_ORIGIN)
            return
        if allowed is None:
            await self.app(scope, receive, send)
            return

        extra = [*self._origin_headers(allowed), (b"access-control-expose-headers", self._expose)]

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def _origin_headers(self, allowed: str) -> list[tuple[bytes, bytes]]:
        headers = [(b"access-control-allow-origin", allowed.encode("latin-1"))]
        if allowed != "*":
            headers.append((b"vary", b"Origin"))
        return headers
