"""Writes that must not bring back an account removed meanwhile (accounts made at run time).

A request or an admin change that found the account a moment before another worker removed
it may still write: a journal entry, a fault plan, a clock. Written blindly, that key would
stay in Redis with nothing to remove it. So for an account made through the admin API each
such write is one script that first checks the account's marker (``AccountKeys.made``, in
its own hash slot) and writes nothing once it is gone.
"""

from __future__ import annotations

from typing import Final

from mock_server.model.callcenter import CallStateError

__all__ = ["REMOVED", "SET_OR_DELETE", "removed"]

#: What a guarded script answers when the account is gone.
REMOVED: Final = -1

#: KEYS: the key, the events channel, then the marker when guarded; ARGV: the value ('':
#: delete the key) and the change-feed message. Returns 1, or -1 (removed: nothing written).
SET_OR_DELETE: Final = """
if #KEYS > 2 and redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if ARGV[1] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('PUBLISH', KEYS[2], ARGV[2])
return 1
"""


def removed(account: str) -> CallStateError:
    """The refusal of a change to an account removed meanwhile (404, ``40404``)."""
    return CallStateError(404, "40404", "account", f"account: no account {account} (removed)")
