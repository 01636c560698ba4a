"""The call center under test, on either backend: ``make_center(scenario, clock=...)``.

The unit tests of ``mock_server.model.callcenter`` are written against its synchronous methods.
``make_center`` (parametrized ``memory`` / ``redis``) builds the in-memory ``CallCenter`` or a
``RedisCallCenter`` (reading the document's rule table, or the ``rules=`` it is given) on the session's real Redis behind ``SyncCenter``, which runs each async
method on one event loop in a background thread; so every rule is checked on both backends.
Each center gets an account of its own, so centers built in one test never share state.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

from mock_server.model.callcenter import CallCenter
from mock_server.model.rules import RuleTable
from mock_server.model.scenario import Scenario
from mock_server.redis_store.act_script import act_script
from mock_server.redis_store.callcenter import RedisCallCenter
from mock_server.redis_store.connection import connect
from mock_server.redis_store.keys import AccountKeys

__all__ = ["BACKENDS", "MakeCenter", "SyncCenter", "make_center"]

BACKENDS = ("memory", "redis")
MakeCenter = Callable[..., CallCenter]
_accounts = itertools.count(1)


class SyncCenter:
    """A ``RedisCallCenter`` with ``CallCenter``'s synchronous surface."""

    def __init__(self, portal: BlockingPortal, center: RedisCallCenter) -> None:
        self._portal = portal
        self._center = center

    @property
    def media_server(self) -> str:
        return self._portal.call(self._center.media_server)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name in _ACTIONS:
            return functools.partial(self._action, name)
        method = getattr(self._center, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._portal.call(functools.partial(method, *args, **kwargs))

        return call

    def _action(
        self, action: Any, supervisor: str, agent: str, *, supervisor_field: str | None = None
    ) -> Any:
        field = supervisor_field or _FIELDS[action]
        act = functools.partial(self._center.act, action, supervisor, agent, supervisor_field=field)
        return self._portal.call(act)


_FIELDS = {
    "listen": "listenAgent",
    "whisper": "whisperAgent",
    "loot_call": "lootCallAgent",
    "hangup_channel": "hangupAgent",
    "pickup_channel": "pickupAgent",
}
_ACTIONS = frozenset(_FIELDS)


@pytest.fixture(params=BACKENDS)
def make_center(request: pytest.FixtureRequest) -> Iterator[MakeCenter]:
    if request.param == "memory":

        def in_memory(
            scenario: Scenario,
            *,
            clock: Callable[[], float] = time.time,
            rules: RuleTable | None = None,
        ) -> CallCenter:
            return CallCenter(scenario, clock=clock, rules=rules)

        yield in_memory
        return
    url: str = request.getfixturevalue("redis_url")
    with start_blocking_portal() as portal:
        client = connect(url)

        def on_redis(
            scenario: Scenario,
            *,
            clock: Callable[[], float] = time.time,
            rules: RuleTable | None = None,
        ) -> CallCenter:
            script = act_script(rules) if rules is not None else None
            keys = AccountKeys(f"test{next(_accounts)}")
            center = RedisCallCenter(client, keys, clock=clock, script=script)
            portal.call(center.load, scenario)
            return cast(CallCenter, SyncCenter(portal, center))

        try:
            yield on_redis
        finally:
            portal.call(client.aclose)
