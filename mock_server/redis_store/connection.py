"""Connecting to the state store, and what a lost connection becomes: ``StateStoreUnavailable``.

Commands are never retried by the client: a retried ``SET NX`` whose first attempt did reach
Redis would refuse a fresh request as a replay, and a retried action would run twice. A
request whose command fails gets the 503 envelope instead (its client may retry it); the
pool reconnects on the next command, so service resumes by itself once Redis is back.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

import redis
import redis.asyncio
from redis.asyncio.connection import AbstractConnection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from mock_server.model.store_errors import StateStoreUnavailable

__all__ = [
    "LOST",
    "TIMEOUT_SECONDS",
    "StateStoreUnavailable",
    "check_reachable",
    "connect",
    "describe",
    "lost",
]

TIMEOUT_SECONDS: Final = 2.0
#: What redis-py raises when the server is gone or too slow.
LOST: Final = (redis.ConnectionError, redis.TimeoutError, OSError)


def describe(url: str) -> str:
    """``redis at 127.0.0.1:6379/0``: the URL without its credentials, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = parts.port or 6379
    db = parts.path.lstrip("/") or "0"
    return f"redis at {host}:{port}/{db}"


def connect(url: str) -> redis.asyncio.Redis:
    """An asyncio client with a connection pool; no retries (see the module docstring)."""
    return redis.asyncio.Redis.from_url(
        url,
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
        decode_responses=False,
    )


def own_connection(client: redis.asyncio.Redis, **settings: Any) -> AbstractConnection:
    """A new connection with ``client``'s settings (and ``settings``) but no timer per read
    and write, outside its pool: for a connection a class keeps for itself (the request
    path's pipeline, the change feed's subscription), which bounds its own waits."""
    pool = client.connection_pool
    kwargs: dict[str, Any] = {**pool.connection_kwargs, "socket_timeout": None, **settings}
    connection: AbstractConnection = pool.connection_class(**kwargs)
    return connection


def check_reachable(url: str) -> None:
    """Raise ``StateStoreUnavailable`` (one line) unless Redis answers PING at ``url``."""
    try:
        with redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        ) as client:
            client.ping()
    except (*LOST, redis.RedisError) as exc:
        raise StateStoreUnavailable(
            f"state store: cannot reach {describe(url)} ({type(exc).__name__})"
        ) from None


def lost(where: str, exc: BaseException) -> StateStoreUnavailable:
    """The ``StateStoreUnavailable`` to raise for ``exc`` (one of ``LOST``)."""
    return StateStoreUnavailable(f"state store: {where} is unreachable ({type(exc).__name__})")
