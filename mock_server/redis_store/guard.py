"""Writes that must not reach an account removed meanwhile (accounts made at run time).

A request or an admin change that found the account a moment before another worker removed
it, and perhaps created it again under the same app key, may still write: a journal entry,
a fault plan, a clock, a seeded call center. Written blindly, it would stay in Redis with
nothing to remove it, or land in the new account. So for an account made through the admin
API each such write checks, in the same script or transaction, that the account's marker
(``AccountKeys.made``, a hash in its own slot) still holds the serial of the creation this
worker's copy came from, and writes nothing otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import redis.asyncio

from mock_server.model.callcenter import CallStateError
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.keys import AccountKeys

__all__ = ["REMOVED", "Guard", "removed", "set_or_delete"]

#: What a guarded script answers when the account is gone (or is another creation).
REMOVED: Final = -1

#: KEYS: the key, the events channel, then the marker when guarded; ARGV: the value ('':
#: delete the key), the change-feed message, then the serial when guarded. Returns 1, or -1
#: (removed: nothing written).
SET_OR_DELETE: Final = """
if #KEYS > 2 and redis.call('HGET', KEYS[3], 'serial') ~= ARGV[3] then return -1 end
if ARGV[1] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('PUBLISH', KEYS[2], ARGV[2])
return 1
"""


@dataclass(frozen=True, slots=True)
class Guard:
    """The marker of a run-time account and the serial of the creation it must hold."""

    marker: str
    serial: str

    async def watch(self, pipe: Any, account: str) -> None:
        """In an optimistic transaction (before ``MULTI``): watch the marker and refuse
        (``removed``) unless it holds this creation's serial."""
        await pipe.watch(self.marker)
        held = await pipe.hget(self.marker, "serial")
        if (held.decode() if isinstance(held, bytes) else held) != self.serial:
            raise removed(account)


def removed(account: str) -> CallStateError:
    """The refusal of a change to an account removed meanwhile (404, ``40404``)."""
    return CallStateError(404, "40404", "account", f"account: no account {account} (removed)")


async def set_or_delete(
    client: redis.asyncio.Redis,
    keys: AccountKeys,
    key: str,
    value: bytes,
    message: bytes,
    guard: Guard | None,
    *,
    where: str,
) -> None:
    """Set ``key`` of the account to ``value`` (``b""``: delete it) and tell its change feed
    ``message``, in one script; refused (``removed``) when ``guard`` no longer holds."""
    names, args = [key, keys.events], [value, message]
    if guard is not None:
        names.append(guard.marker)
        args.append(guard.serial.encode())
    try:
        written = await client.eval(SET_OR_DELETE, len(names), *names, *args)
    except LOST as exc:
        raise lost(where, exc) from None
    if written == REMOVED:
        raise removed(keys.account)
