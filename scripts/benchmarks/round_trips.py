"""Redis round trips per request: how many times the mock waits on Redis for one request.

Measured in this process, exactly: the mock is built with ``--state redis://...`` and driven
through an in-process ASGI client while every network write to Redis is counted: redis-py's
(one per command, pipeline or transaction) and the request path's auto-pipeline's (one per
write, which carries one script call here: the requests go one after another). Load numbers need a
socket (``load.py``); a count does not, and in process nothing else writes to that Redis.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import redis
import redis.asyncio.connection

from mock_server.app import create_app
from mock_server.redis_store.pipeline import AutoPipeline
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
    """Counts the network writes to Redis while installed: redis-py's (the pool's commands,
    pipelines, transactions) and the request path's auto-pipeline's (``AutoPipeline._send``)."""

    def __init__(self) -> None:
        self.writes = 0
        self._originals: list[tuple[type, str, Any]] = []

    def __enter__(self) -> _Counter:
        counter = self
        pooled = redis.asyncio.connection.AbstractConnection
        pooled_send = pooled.send_packed_command
        piped_send = AutoPipeline._send

        async def counted(self: Any, command: Any, check_health: bool = True) -> None:
            counter.writes += 1
            await pooled_send(self, command, check_health)

        def piped(self: AutoPipeline, transport: Any, data: bytes) -> None:
            counter.writes += 1
            piped_send(self, transport, data)

        self._originals = [
            (pooled, "send_packed_command", pooled_send),
            (AutoPipeline, "_send", piped_send),
        ]
        pooled.send_packed_command = counted  # type: ignore[method-assign]
        AutoPipeline._send = piped  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in self._originals:
            setattr(owner, name, original)


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
