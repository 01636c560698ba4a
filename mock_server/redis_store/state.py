"""Every account's ``MockState`` with its parts in Redis: what ``--state redis://...`` serves.

One client (one connection pool) per worker serves every account. Nothing is written at
start: an account's call center is seeded from its scenario by the first request that finds
none (``RedisCallCenter``), so starting a worker never resets what the others are using.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable

import redis
import redis.asyncio

from mock_server.model.accounts import AccountPlan, Accounts
from mock_server.model.defaults import (
    JOURNAL_CAPACITY,
    JOURNAL_VALUE_CHARS,
    MAX_ACCOUNTS,
    REPLAY_WINDOW_SECONDS,
)
from mock_server.model.ids import NODE_BITS, SystemIds
from mock_server.model.scenario import Scenario
from mock_server.model.state import MockState
from mock_server.redis_store.accounts import RedisAccountRegistry
from mock_server.redis_store.callcenter import RedisCallCenter
from mock_server.redis_store.connection import LOST, TIMEOUT_SECONDS, connect, describe
from mock_server.redis_store.events import RedisEventFeed
from mock_server.redis_store.faults import RedisFaults
from mock_server.redis_store.guard import Guard
from mock_server.redis_store.journal import RedisJournal
from mock_server.redis_store.keys import NODES, AccountKeys
from mock_server.redis_store.loss import StoreLoss
from mock_server.redis_store.pipeline import AutoPipeline
from mock_server.redis_store.replay import RedisReplay

__all__ = ["redis_accounts", "worker_node"]


def redis_accounts(
    url: str,
    plan: AccountPlan,
    *,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    rng: random.Random | None = None,
    replay_window: int = REPLAY_WINDOW_SECONDS,
    journal_capacity: int = JOURNAL_CAPACITY,
    journal_value_chars: int = JOURNAL_VALUE_CHARS,
    client: redis.asyncio.Redis | None = None,
    max_accounts: int = MAX_ACCOUNTS,
) -> Accounts:
    """The accounts of ``plan``, each on its own keys at ``url``."""
    client = client if client is not None else connect(url)
    where = describe(url)
    rng = rng or random.Random()  # noqa: S311 - faults, not secrets
    node = worker_node(url, rng)
    states: dict[str, MockState] = {}
    # One connection for the request path's commands of every account (auto-pipelined).
    pipeline = AutoPipeline(client, where=where)
    loss = StoreLoss(
        client,
        [AccountKeys(app_key) for app_key in plan.scenarios],
        window=replay_window,
        clock=clock,
        where=where,
    )

    def make_state(app_key: str, scenario: Scenario, serial: str | None = None) -> MockState:
        """``serial``: an account made at run time, that creation of it (``guard``)."""
        keys = AccountKeys(app_key)
        guard = Guard(keys.made, serial) if serial is not None else None
        journal = RedisJournal(
            client,
            keys,
            capacity=journal_capacity,
            value_chars=journal_value_chars,
            where=where,
            pipeline=pipeline,
            guard=guard,
        )
        callcenter = RedisCallCenter(
            client,
            keys,
            scenario=scenario,
            clock=clock,
            sleep=sleep,
            where=where,
            replay_window=replay_window,
            journal=journal,
            rng=rng,
            pipeline=pipeline,
            loss=loss,
            guard=guard,
        )
        return MockState(
            callcenter=callcenter,
            replay=RedisReplay(
                client, keys, window=replay_window, where=where, clock=callcenter.clock
            ),
            journal=journal,
            faults=RedisFaults(client, keys, rng, where=where, guard=guard),
            events=RedisEventFeed(client, keys, where=where),
            ids=SystemIds(callcenter.clock, node=node),
            clock=callcenter.clock,
            path=callcenter,
        )

    for app_key, scenario in plan.scenarios.items():
        states[app_key] = make_state(app_key, scenario)
    return Accounts(
        states,
        plan.default,
        secrets=plan.secrets,
        make_state=make_state,
        starting_scenario=plan.shared,
        max_accounts=max_accounts,
        registry=RedisAccountRegistry(client, where=where),
    )


def worker_node(url: str, rng: random.Random) -> int:
    """This worker's node in its system ids: the next number of a counter every worker at
    ``url`` takes one from (``NODES``), so up to 256 workers started in a row have distinct
    nodes. Without Redis (it will answer 503 anyway) a random node."""
    try:
        with redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        ) as connection:
            number = int(connection.incr(NODES))
    except (*LOST, redis.RedisError):
        return rng.randrange(1 << NODE_BITS)
    return (number - 1) % (1 << NODE_BITS)
