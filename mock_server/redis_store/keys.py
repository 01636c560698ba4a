"""The key layout: every key of an account shares its hash tag, ``m7:{<app key>}:...``.

=============================  =========  =================================================
key                            type       holds
=============================  =========  =================================================
``m7:{K}:callcenter``          hash       the call center now (fields: ``center_fields``)
``m7:{K}:scenario``            string     the scenario a reset returns to (JSON, file format)
``m7:{K}:faults``              string     the fault plan in force, counts remaining (JSON)
``m7:{K}:journal``             stream     the last requests (``XADD MAXLEN <capacity>``)
``m7:{K}:replay:<sign><nonce>`` string    an accepted signature: until when (the account's
                                          clock, ms) it is remembered (``EX 300`` bounds
                                          it in real time too)
``m7:{K}:account``             hash       an account made through the admin API: the
                                          ``serial`` of its creation and its starting
                                          ``scenario``; gone once removed, so that nothing
                                          seeds or writes it again (``guard``)
``m7:{K}:clock``               string     the account's clock when not the real time
                                          (``ClockSetting`` JSON)
``m7:{K}:fence``               string     when the store was found to have lost the account's
                                          data (Unix s; for one window): a request signed
                                          before it cannot be judged a replay or not
``m7:{K}:events``              channel    pub/sub: "the state of account K changed"
``m7:nodes``                   string     a counter: each worker takes its system-id node
``m7:accounts``                hash       the accounts created while the mock runs: app key
                                          -> secret and serial (JSON)
=============================  =========  =================================================

The hash tag keeps every key of one account in one Redis Cluster slot, so a Lua script or a
``MULTI`` may touch several of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["ACCOUNTS", "NODES", "AccountKeys"]

#: The counter workers number themselves from (``mock_server.model.ids``: the node).
NODES: Final = "m7:nodes"
#: The accounts created through the admin API (``mock_server.redis_store.accounts``).
ACCOUNTS: Final = "m7:accounts"


@dataclass(frozen=True, slots=True)
class AccountKeys:
    """The names of one account's keys."""

    account: str

    @property
    def prefix(self) -> str:
        return f"m7:{{{self.account}}}:"

    @property
    def center(self) -> str:
        return self.prefix + "callcenter"

    @property
    def scenario(self) -> str:
        return self.prefix + "scenario"

    @property
    def faults(self) -> str:
        return self.prefix + "faults"

    @property
    def journal(self) -> str:
        return self.prefix + "journal"

    @property
    def events(self) -> str:
        return self.prefix + "events"

    @property
    def made(self) -> str:
        return self.prefix + "account"

    @property
    def clock(self) -> str:
        return self.prefix + "clock"

    @property
    def fence(self) -> str:
        return self.prefix + "fence"

    @property
    def replay_prefix(self) -> str:
        return self.prefix + "replay:"

    def replay(self, key: str) -> str:
        return self.replay_prefix + key

    @property
    def replay_pattern(self) -> str:
        """``SCAN MATCH`` of every replay key of this account, the glob characters of the app key
        escaped, so that removing account ``a*`` never matches account ``abc``'s keys."""
        return _glob_escaped(self.replay_prefix) + "*"


def _glob_escaped(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
