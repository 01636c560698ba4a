"""Brings this worker's copy of the account a request names in line with the shared state,
before anything acts on it.

Accounts created through the admin API on a shared state (Redis) live in a registry every
worker reads (``mock_server.model.accounts``); a request naming one is the moment to learn
that another worker created, re-created or removed it. In memory there is nothing to do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.http.record import RequestRecord, record_of

__all__ = ["AccountResolver"]


class AccountResolver:
    """Awaits ``resolve(app_key_of(record))``, then hands the request on."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        resolve: Callable[[str | None], Awaitable[None]],
        app_key_of: Callable[[RequestRecord], str | None],
    ) -> None:
        self.app = app
        self._resolve = resolve
        self._app_key_of = app_key_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._resolve(self._app_key_of(record_of(scope)))
        await self.app(scope, receive, send)
