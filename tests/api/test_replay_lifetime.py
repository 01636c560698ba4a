"""How long an accepted request is remembered, on each backend: the whole window, no less.

The vendor keeps a ``sign + nonce`` for 300 s; so must the mock, on Redis too (its key's time
to live) and whatever window it is given. A shorter memory would let a replay through.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis

from mock_server.app import create_app
from mock_server.redis_store.keys import AccountKeys
from mock_server.settings import DEMO_APP_KEY, Settings
from tests.api.helpers import client_for, signed
from tests.support.clock import Clock
from tests.support.document import PATHS

BODY = {"hangupAgent": "2000", "agentNumber": "9530"}  # 40903: authenticated, nothing changes
HANGUP = PATHS["hangupChannel"]


@pytest.mark.parametrize("window", [300, 7, 3600])
async def test_on_redis_an_accepted_request_is_remembered_for_the_whole_window(
    make_settings: Callable[..., Settings], redis_url: str, clock: Clock, window: int
) -> None:
    app = create_app(make_settings(state=redis_url, auth_window_seconds=window))
    sent = signed(clock)
    async with client_for(app) as client:
        first = await client.post(HANGUP, json=BODY, headers=sent)
        again = await client.post(HANGUP, json=BODY, headers=sent)
    assert first.status_code == 409, first.text
    assert again.status_code == 401, again.text
    key = AccountKeys(DEMO_APP_KEY).replay(sent["m7-sign"] + sent["m7-nonce"])
    with redis.Redis.from_url(redis_url) as connection:
        remaining = connection.pttl(key)
    assert window * 1000 - 500 < remaining <= window * 1000, remaining


@pytest.mark.parametrize("window", [300, 7])
async def test_in_memory_a_request_is_a_replay_until_the_window_ends(
    make_settings: Callable[..., Settings], clock: Clock, window: int
) -> None:
    """A moment short of ``window`` seconds old it is a replay; ``window`` seconds old it is
    gone (a key that lives the window, as the vendor's does)."""
    app = create_app(make_settings(auth_window_seconds=window))
    sent = signed(clock)
    async with client_for(app) as client:
        assert (await client.post(HANGUP, json=BODY, headers=sent)).status_code == 409
        clock.advance(window - 0.001)
        assert (await client.post(HANGUP, json=BODY, headers=sent)).status_code == 401
        clock.advance(0.001)
        assert (await client.post(HANGUP, json=BODY, headers=sent)).status_code == 409
        clock.advance(1)
        # the clock window refuses it now (signed window + 1 s ago), not the replay memory
        late = await client.post(HANGUP, json=BODY, headers=sent)
    assert late.status_code == 401
    assert late.json()["message"].startswith("m7-timestamp:"), late.text
