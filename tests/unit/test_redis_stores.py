"""The Redis replay cache, journal and faults: shared by every client, exact under races.

Each test drives the stores through two clients (two connection pools, as two workers of the
mock would have) on the session's real ``redis-server``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import random
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
import redis.asyncio
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mock_server.model.events import InMemoryEventFeed
from mock_server.model.faults import FaultPlan
from mock_server.model.journal import Journal, JournalEntry
from mock_server.model.outcome import Outcome
from mock_server.model.scenario import DEMO
from mock_server.redis_store.callcenter import RedisCallCenter
from mock_server.redis_store.connection import connect
from mock_server.redis_store.events import RedisEventFeed
from mock_server.redis_store.faults import RedisFaults
from mock_server.redis_store.journal import RedisJournal
from mock_server.redis_store.keys import AccountKeys
from mock_server.redis_store.replay import RedisReplay

KEYS = AccountKeys("2100147")
OTHER = AccountKeys("team-b")


@pytest.fixture
async def workers(redis_url: str) -> AsyncIterator[tuple[redis.asyncio.Redis, redis.asyncio.Redis]]:
    first, second = connect(redis_url), connect(redis_url)
    try:
        yield first, second
    finally:
        await first.aclose()
        await second.aclose()


def _entry(request_id: str) -> JournalEntry:
    return JournalEntry(
        time=1_700_000_000.0,
        request_id=request_id,
        method="POST",
        path="/openapi/v1/call/listen",
        status=200,
        outcome=Outcome.OK,
        app_key="2100147",
        headers={"m7-sign": "c2VjcmV0", "m7-appkey": "2100147"},
        body=b'{"listenAgent": "2002"}',
    )


async def test_a_key_is_accepted_once_across_workers(
    workers: tuple[redis.asyncio.Redis, redis.asyncio.Redis],
) -> None:
    replays = [RedisReplay(client, KEYS) for client in workers for _ in range(10)]
    seen = await asyncio.gather(*(replay.check_and_add("sign+nonce") for replay in replays))
    assert seen.count(False) == 1
    assert seen.count(True) == 19


async def test_replay_keys_expire_with_the_window_and_accounts_are_apart(
    workers: tuple[redis.asyncio.Redis, redis.asyncio.Redis],
) -> None:
    client = workers[0]
    replay = RedisReplay(client, KEYS, window=300)
    assert await replay.check_and_add("k") is False
    assert 299 <= await client.ttl(KEYS.replay("k")) <= 300
    assert await RedisReplay(client, OTHER).check_and_add("k") is False


async def test_clearing_forgets_only_the_accounts_keys(
    workers: tuple[redis.asyncio.Redis, redis.asyncio.Redis],
) -> None:
    client = workers[0]
    mine, theirs = RedisReplay(client, KEYS), RedisReplay(client, OTHER)
    for index in range(1200):  # more than one SCAN batch
        await mine.check_and_add(f"k{index}")
    await theirs.check_and_add("k0")
    await mine.clear()
    assert await mine.check_and_add("k0") is False
    assert await theirs.check_and_add("k0") is True


async def test_the_journal_is_a_capped_stream_seen_by_every_worker(
    workers: tuple[redis.asyncio.Redis, redis.asyncio.Redis],
) -> None:
    writer, reader = RedisJournal(workers[0], KEYS, capacity=5), RedisJournal(workers[1], KEYS)
    for index in range(8):
        await writer.record(_entry(f"r{index}"))
    entries = await reader.entries()
    assert [e["requestId"] for e in entries] == ["r3", "r4", "r5", "r6", "r7"]
    assert entries[0]["headers"]["m7-sign"] == "[redacted]"
    assert entries[0]["body"] == {"listenAgent": "2002"}
    assert await RedisJournal(workers[1], OTHER).entries() == []
    assert await reader.clear() == 5
    assert await writer.entries() == []


async def test_the_secret_headers_never_reach_redis(
    workers: tuple[redis.asyncio.Redis, redis.asyncio.Redis],
) -> None:
    await RedisJournal(workers[0], KEYS).record(_entry("r"))
    rows = await workers[0].xrange(KEYS.journal)
    assert b"c2VjcmV0" not in repr(rows).encode()


async def test_fail_the_next_three_fails_exactly_three_across_workers(
    workers: tuple[redis.asyncio.Redis, redis.asyncio.Redis],
) -> None:
    faults = [RedisFaults(client, KEYS, random.Random(i)) for i, client in enumerate(workers)]
    await faults[0].set(FaultPlan.from_dict({"status": {"status": 503, "count": 3}}))
    decisions = await asyncio.gather(*(faults[i % 2].decide() for i in range(20)))
    assert sum(d.status == 503 for d in decisions) == 3
    assert (await faults[1].plan()).to_dict() == {}


async def test_drops_come_before_statuses_and_latency_applies_to_all(
    workers: tuple[redis.asyncio.Redis, redis.asyncio.Redis],
) -> None:
    faults = RedisFaults(workers[0], KEYS, random.Random(1))
    plan = {
        "latency": {"fixedMs": 250},
        "drop": {"count": 1},
        "status": {"status": 500, "count": 1},
    }
    await faults.set(FaultPlan.from_dict(plan))
    first, second, third = [await faults.decide() for _ in range(3)]
    assert (first.delay, first.drop, first.status) == (0.25, True, None)
    assert (second.delay, second.drop, second.status) == (0.25, False, 500)
    assert (third.delay, third.drop, third.status) == (0.25, False, None)
    assert (await faults.plan()).to_dict() == {"latency": {"fixedMs": 250}}
    assert (await RedisFaults(workers[1], OTHER, random.Random()).plan()).to_dict() == {}


async def test_a_ratio_status_is_drawn_by_each_request_and_never_used_up(
    workers: tuple[redis.asyncio.Redis, redis.asyncio.Redis],
) -> None:
    faults = RedisFaults(workers[0], KEYS, random.Random(7))
    await faults.set(FaultPlan.from_dict({"status": {"status": 429, "ratio": 0.5}}))
    decisions = [await faults.decide() for _ in range(200)]
    hits = sum(d.status == 429 for d in decisions)
    assert 60 < hits < 140
    assert (await faults.plan()).to_dict() == {"status": {"status": 429, "ratio": 0.5}}
    await faults.clear()
    assert (await faults.decide()).status is None


async def test_the_change_feed_reaches_subscribers_of_every_worker(redis_url: str) -> None:
    """A change made through one worker's stores is an event on another worker's feed."""
    first, second = connect(redis_url), connect(redis_url)
    try:
        feed = RedisEventFeed(second, KEYS)
        async with feed.subscribe() as subscription:
            await asyncio.sleep(0.2)  # the reader subscribes (one round trip)
            center = RedisCallCenter(first, KEYS, scenario=DEMO)
            await center.act("listen", "2002", "9527", supervisor_field="listenAgent")
            await RedisJournal(first, KEYS).record(_entry("r1"))
            await RedisFaults(first, KEYS, random.Random()).set(
                FaultPlan.from_dict({"drop": {"count": 1}})
            )
            await RedisEventFeed(first, KEYS).publish("reset", {})
            events = [await asyncio.wait_for(anext(subscription), 5) for _ in range(4)]
        assert [e.kind for e in events] == ["callcenter", "journal", "faults", "reset"]
        assert events[0].payload == {
            "action": "listen",
            "supervisor": "2002",
            "agent": "9527",
            "callId": "call-0001",
        }
        assert events[1].payload["requestId"] == "r1"
        assert events[2].payload == {"drop": {"count": 1}}
        assert feed.subscribers == 0
        other = RedisEventFeed(second, OTHER)
        async with other.subscribe() as elsewhere:
            await asyncio.sleep(0.2)
            await RedisEventFeed(first, KEYS).publish("reset", {})
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(anext(elsewhere), 0.3)
    finally:
        await first.aclose()
        await second.aclose()


async def _subscribed(client: redis.asyncio.Redis, channel: str) -> int:
    counts = await client.pubsub_numsub(channel)
    return int(counts[0][1])


async def test_the_feed_reader_leaves_with_the_last_subscriber(redis_url: str) -> None:
    """No subscribed connection and no reader task outlive the subscribers (nor a stream
    closed while its reader was still subscribing)."""
    client = connect(redis_url)
    try:
        feed = RedisEventFeed(client, KEYS)
        async with feed.subscribe():
            pass  # closed at once: the reader is cancelled before it has subscribed
        for _ in range(3):
            async with feed.subscribe(), feed.subscribe():
                await asyncio.sleep(0.2)
                assert await _subscribed(client, KEYS.events) == 1  # one reader for both
        await asyncio.sleep(0.2)
        assert await _subscribed(client, KEYS.events) == 0
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert not [t for t in others if "_read" in repr(t.get_coro())]
    finally:
        await client.aclose()


async def test_a_lost_subscription_tells_the_subscribers_to_resync_and_comes_back(
    redis_url: str,
) -> None:
    client = connect(redis_url)
    try:
        feed = RedisEventFeed(client, KEYS)
        async with feed.subscribe() as subscription:
            await asyncio.sleep(0.2)
            await client.client_kill_filter(_type="pubsub")
            assert (await asyncio.wait_for(anext(subscription), 5)).kind == "resync"
            await asyncio.sleep(1.0)  # the reader reconnects by itself
            await RedisEventFeed(client, KEYS).publish("reset", {})
            assert (await asyncio.wait_for(anext(subscription), 5)).kind == "reset"
    finally:
        await client.aclose()


_SECRET = "SECRET"  # every credential's value starts so; nothing else has an "S"
# Header values as the lifecycle decodes them (latin-1: never a lone surrogate, which no
# request can carry and UTF-8 cannot store); the other texts as an ASGI server gives them.
_PLAIN_TEXT = st.text(
    alphabet=st.characters(max_codepoint=255, blacklist_characters="S"), max_size=1_100
)
_TEXT = st.characters(blacklist_categories=["Cs"])
_HEADERS = st.builds(
    lambda plain, secret: {**plain, **secret},
    st.dictionaries(st.sampled_from(["m7-appkey", "x-a", "host"]), _PLAIN_TEXT, max_size=3),
    st.dictionaries(
        st.sampled_from(["m7-sign", "authorization", "cookie"]),
        _PLAIN_TEXT.map(lambda text: _SECRET + text),
        max_size=3,
    ),
)
_BODIES = st.one_of(
    st.none(),
    st.binary(max_size=64),  # often not UTF-8, not JSON
    st.builds(orjson.dumps, st.dictionaries(st.text(max_size=5), st.integers(-(2**53), 2**53))),
    st.builds(lambda n, c: c * n, st.integers(8_000, 9_000), st.sampled_from([b"a", "é".encode()])),
)
_ENTRIES = st.builds(
    JournalEntry,
    time=st.floats(1e9, 4e9),
    request_id=st.text(_TEXT, min_size=1, max_size=12),
    method=st.sampled_from(["POST", "GET"]),
    path=st.text(_TEXT, min_size=1, max_size=40),
    status=st.one_of(st.none(), st.integers(100, 599)),
    outcome=st.sampled_from(list(Outcome)),
    app_key=st.one_of(st.none(), st.text(_TEXT, max_size=8)),
    headers=_HEADERS,
    body=_BODIES,
    response_body=_BODIES,
    operation=st.one_of(st.none(), st.sampled_from(["listen", "whisper"])),
)
_journals = itertools.count(1)


@settings(max_examples=60, deadline=None)
@given(entry=_ENTRIES)
@example(  # not UTF-8, so shown as text, although it would be JSON after a lossy decoding
    entry=dataclasses.replace(_entry("r"), body=b'"\xff"')
)
def test_an_entry_reads_back_from_redis_as_the_memory_journal_shows_it_and_keeps_no_secret(
    redis_url: str, entry: JournalEntry
) -> None:
    in_memory = Journal(10, InMemoryEventFeed())
    keys = AccountKeys(f"journal-{next(_journals)}")

    async def both() -> tuple[list[dict[str, Any]], list[dict[str, Any]], bytes]:
        client = connect(redis_url)
        try:
            shared = RedisJournal(client, keys)
            await in_memory.record(entry)
            await shared.record(entry)
            rows: Any = await client.xrange(keys.journal)
            stored = b"".join(bytes(fields[b"e"]) for _, fields in rows)
            return await in_memory.entries(), await shared.entries(), stored
        finally:
            await client.aclose()

    shown, read_back, stored = asyncio.run(both())
    assert read_back == shown
    assert _SECRET.encode() not in stored  # redacted before it reaches Redis


async def test_an_entry_stored_in_the_shown_form_of_before_is_shown_as_stored(
    workers: tuple[redis.asyncio.Redis, redis.asyncio.Redis],
) -> None:
    """Entries an older mock wrote (already shown, no ``v``) stay readable after an upgrade."""
    client = workers[0]
    shown = _entry("old").to_dict()
    await client.xadd(KEYS.journal, {"e": orjson.dumps(shown)})
    await RedisJournal(client, KEYS).record(_entry("new"))
    entries = await RedisJournal(workers[1], KEYS).entries()
    assert entries == [shown, _entry("new").to_dict()]
