"""Brings this worker's copy of the account a request names in line with the shared state,
before anything acts on it, and holds it until the request ends.

Accounts created through the admin API on a shared state (Redis) live in a registry every
worker reads (``mock_server.model.accounts``); a request naming one is the moment to learn
that another worker created, re-created or removed it. While the request runs, this worker
does not forget its copy (a worker keeps a bounded number of them): the request's record
carries the release, which the lifecycle calls at its very end. In memory there is nothing
to do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.http.record import RequestRecord, record_of

__all__ = ["AccountResolver", "Resolve", "hold"]


class Resolve(Protocol):
    """``Accounts.resolve``: the account brought in line and held (``True``), to release."""

    async def __call__(self, app_key: str | None) -> bool: ...


async def hold(
    record: RequestRecord,
    app_key: str | None,
    resolve: Resolve,
    release: Callable[[str], None],
) -> None:
    """Resolve ``app_key`` for ``record``; what is held is released when the request ends."""
    if app_key is not None and await resolve(app_key):
        record.release = lambda: release(app_key)


class AccountResolver:
    """Resolves and holds the account ``app_key_of(record)`` names, then hands the request
    on."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        resolve: Resolve,
        release: Callable[[str], None],
        app_key_of: Callable[[RequestRecord], str | None],
    ) -> None:
        self.app = app
        self._resolve = resolve
        self._release = release
        self._app_key_of = app_key_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            record = record_of(scope)
            await hold(record, self._app_key_of(record), self._resolve, self._release)
        await self.app(scope, receive, send)
