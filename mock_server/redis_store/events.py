"""The change feed of one account across every worker: Redis pub/sub on ``m7:{K}:events``.

Changes are published by the Redis stores in the same round trip as the change itself (the
call center's Lua script, the journal's ``XADD``, the faults' script), so watching costs the
request path nothing more. Each worker that has subscribers (a browser console's
server-sent events) runs one reader: one subscribed connection per account, opened with the
first subscriber and closed with the last. When the reader loses Redis it tells every
subscriber to ``resync`` (read the state afresh) and reconnects by itself.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Mapping
from typing import Any, Final

import orjson
import redis
import redis.asyncio

from mock_server.model.events import (
    DEFAULT_QUEUE,
    DEFAULT_SUBSCRIBERS,
    EVENT_KINDS,
    Event,
    EventKind,
    Subscription,
    TooManySubscribers,
)
from mock_server.redis_store.connection import LOST, lost, own_connection
from mock_server.redis_store.keys import AccountKeys
from mock_server.redis_store.messages import event_message

__all__ = ["RedisEventFeed"]

logger = logging.getLogger("mock_server")

_RECONNECT_SECONDS: Final = 0.5


class RedisEventFeed:
    """``EventFeed`` over Redis pub/sub: every worker's subscribers see every worker's events."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        keys: AccountKeys,
        *,
        queue_capacity: int = DEFAULT_QUEUE,
        max_subscribers: int = DEFAULT_SUBSCRIBERS,
        where: str = "redis",
    ) -> None:
        self._client = client
        self._channel = keys.events
        self._queue_capacity = queue_capacity
        self._max_subscribers = max_subscribers
        self._where = where
        self._subscribers: set[Subscription] = set()
        self._reader: asyncio.Task[None] | None = None

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def publish(self, kind: EventKind, payload: Mapping[str, Any] | None = None) -> None:
        try:
            await self._client.publish(self._channel, event_message(kind, payload))
        except LOST as exc:
            raise lost(self._where, exc) from None

    def subscribe(self) -> Subscription:
        if len(self._subscribers) >= self._max_subscribers:
            raise TooManySubscribers(
                f"the change feed serves at most {self._max_subscribers} subscribers"
            )
        subscription = Subscription(self._queue_capacity, on_close=self._unsubscribe)
        self._subscribers.add(subscription)
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(self._read())
        return subscription

    def _unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)
        if not self._subscribers and self._reader is not None:
            self._reader.cancel()
            self._reader = None

    def _offer(self, event: Event) -> None:
        for subscriber in tuple(self._subscribers):
            subscriber.offer(event)

    async def _read(self) -> None:
        """Hand every message of the channel to the subscribers, until the last one leaves
        (it cancels this task). On a connection of its own, read with redis-py's connection
        and parser directly: cancelling redis-py's ``PubSub`` mid-subscribe could leave the
        task hanging in its clean-up, which a bare connection's ``disconnect(nowait=True)``
        never does."""
        while self._subscribers:
            connection: Any = None
            try:
                connection = own_connection(self._client)  # waits as long as it must
                await connection.connect()
                await connection.send_command("SUBSCRIBE", self._channel, check_health=False)
                while self._subscribers:
                    # A message: a reply on RESP2, a push on RESP3 (asked for, not handled).
                    reply = await connection.read_response(timeout=math.inf, push_request=True)
                    if isinstance(reply, list) and len(reply) == 3 and reply[0] == b"message":
                        event = _event(reply[2])
                        if event is not None:
                            self._offer(event)
            except (*LOST, redis.RedisError) as exc:
                logger.warning(
                    "change feed: %s lost (%s); reconnecting", self._where, type(exc).__name__
                )
                self._offer(Event("resync", {"dropped": 0}))
                await asyncio.sleep(_RECONNECT_SECONDS)
            finally:
                if connection is not None:
                    await connection.disconnect(nowait=True)


def _event(data: object) -> Event | None:
    if not isinstance(data, bytes | str):
        return None
    try:
        decoded = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    kind = decoded.get("kind") if isinstance(decoded, dict) else None
    if kind not in EVENT_KINDS:
        return None
    payload = decoded.get("payload")
    return Event(kind, payload if isinstance(payload, dict) else {})
