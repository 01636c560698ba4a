"""Redis round trips per request: how many times the mock waits on Redis for one request.

Measured in this process, exactly: the mock is built with ``--state redis://...`` and driven
through an in-process ASGI client while every network write of redis-py (one per command,
one per pipeline or transaction, one per Lua script call) is counted. Load numbers need a
socket (``load.py``); a count does not, and in process nothing else writes to that Redis.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import redis
import redis.asyncio.connection

from mock_server.app import create_app
from mock_server.settings import Settings

from .common import ACTION_ID, AGENT, APP_KEY, LISTEN_PATH, SECRET, SUPERVISOR
from .signatures import SignaturePool

#: Requests per kind; the first of each kind seeds the account and is not counted.
_REQUESTS = 50


def _kinds() -> dict[str, tuple[str, str, dict[str, Any] | None, bool]]:
    """What is measured: (method, path, JSON body, signed)."""
    listen = {"listenAgent": SUPERVISOR, "agentNumber": AGENT, "actionId": ACTION_ID}
    refused = {"listenAgent": SUPERVISOR, "agentNumber": "9530"}
    return {
        "listen, accepted (the load's request)": ("POST", LISTEN_PATH, listen, True),
        "listen, refused by the call center (40903)": ("POST", LISTEN_PATH, refused, True),
        "listen, bad signature (401)": ("POST", LISTEN_PATH, listen, False),
        "GET /__mock/state": ("GET", "/__mock/state", None, False),
    }


class _Counter:
    """Counts redis-py's network writes while installed."""

    def __init__(self) -> None:
        self.writes = 0
        self._original: Callable[..., Awaitable[None]] | None = None

    def __enter__(self) -> _Counter:
        cls = redis.asyncio.connection.AbstractConnection
        original = cls.send_packed_command
        self._original = original
        counter = self

        async def counted(self: Any, command: Any, check_health: bool = True) -> None:
            counter.writes += 1
            await original(self, command, check_health)

        cls.send_packed_command = counted  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        redis.asyncio.connection.AbstractConnection.send_packed_command = self._original  # type: ignore[assignment,method-assign]


_POOL = SignaturePool(APP_KEY, SECRET)


async def _measure(url: str) -> dict[str, float]:
    with redis.Redis.from_url(url) as sync:
        sync.flushdb()
    app = create_app(Settings(state=url, log_level="warning"))
    results: dict[str, float] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as client:
        for label, (method, path, body, good) in _kinds().items():
            await client.request(method, path, json=body, headers=_headers(good))  # seeds
            with _Counter() as counter:
                for _ in range(_REQUESTS):
                    response = await client.request(method, path, json=body, headers=_headers(good))
                    if response.status_code >= 500:
                        raise SystemExit(f"round trips: {label} answered {response.status_code}")
            results[label] = counter.writes / _REQUESTS
    return results


def _headers(good: bool) -> dict[str, str]:
    headers = _POOL.headers()
    headers.pop("content-type")
    if not good:
        headers["m7-sign"] = "A" * 43 + "="
    return headers


def measure_round_trips(url: str) -> dict[str, float]:
    """Round trips to Redis per request, by kind of request."""
    return asyncio.run(_measure(url))
