"""A sync httpx transport over an async one, to test the sync client against an ASGI app.

httpx's ``ASGITransport`` is async only. Each request is forwarded with its body read once,
and ``run`` decides which event loop carries it: a fresh one per request
(``asyncio.run``, the default) or a long-lived one (an anyio blocking portal's ``call``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

__all__ = ["SyncOverAsync"]

Runner = Callable[[Callable[[], Awaitable[httpx.Response]]], httpx.Response]


def _fresh_loop(exchange: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    async def main() -> httpx.Response:
        return await exchange()

    return asyncio.run(main())


class SyncOverAsync(httpx.BaseTransport):
    """Send each request through ``transport`` on the loop ``run`` provides."""

    def __init__(self, transport: httpx.AsyncBaseTransport, run: Runner = _fresh_loop) -> None:
        self._transport = transport
        self._run = run

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()

        async def exchange() -> httpx.Response:
            forwarded = httpx.Request(
                request.method, request.url, headers=request.headers, content=content
            )
            response = await self._transport.handle_async_request(forwarded)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body)

        return self._run(exchange)
