"""One optimistic transaction on an account's keys, the way every read-modify-write of the
Redis state is done: ``WATCH`` what the step reads, read it, ``MULTI``/``EXEC`` the writes;
when another worker wrote a watched key meanwhile, ``EXEC`` fails and the step runs again on
what is there now. An account made at run time also watches its marker first (``Guard``),
so no step writes into an account removed, or made again, since this worker's copy of it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

import redis.asyncio
from redis.exceptions import WatchError

from mock_server.model.store_errors import StateStoreUnavailable
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.guard import Guard

__all__ = ["MAX_ATTEMPTS", "Again", "optimistic"]

T = TypeVar("T")

#: Attempts before giving up (each retry means another worker won a race).
MAX_ATTEMPTS: Final = 100


class Again(Exception):
    """Raised by a step that changed the state itself (it seeded the account): run again."""


async def optimistic(
    client: redis.asyncio.Redis,
    step: Callable[[Any], Awaitable[T]],
    *,
    guard: Guard | None,
    account: str,
    what: str,
    where: str,
) -> T:
    """``step(pipe)``'s result, from the first attempt no other writer interrupted. Lost
    races beyond ``MAX_ATTEMPTS`` are a busy store (``StateStoreUnavailable``: 503 with
    Retry-After, nothing written), never a 500."""
    try:
        async with client.pipeline(transaction=True) as pipe:
            for _ in range(MAX_ATTEMPTS):
                try:
                    if guard is not None:  # written only to this creation of the account
                        await guard.watch(pipe, account)
                    return await step(pipe)
                except (WatchError, Again):
                    await pipe.reset()  # type: ignore[no-untyped-call]
    except LOST as exc:
        raise lost(where, exc) from None
    raise StateStoreUnavailable(
        f"{what} of {account}: {MAX_ATTEMPTS} changes by other workers came first; try again"
    )
