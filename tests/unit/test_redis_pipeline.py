"""The request path's auto-pipeline: many commands in one write, each reply to its own caller.

Run on the session's real ``redis-server``. The writes are counted where the pipeline hands
its bytes to the socket (``AutoPipeline._send``).
"""

from __future__ import annotations

import asyncio

import hiredis
import pytest
import redis
import redis.asyncio
from redis.exceptions import ResponseError

from mock_server.model.store_errors import StateStoreUnavailable
from mock_server.redis_store.connection import connect
from mock_server.redis_store.pipeline import AutoPipeline

SCRIPT = "return {'echo', ARGV[1], KEYS[1]}"


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many commands each write to Redis carried (one entry per write)."""
    counted: list[int] = []
    original = AutoPipeline._send

    def counting(self: AutoPipeline, transport: asyncio.WriteTransport, data: bytes) -> None:
        commands = hiredis.Reader()  # a write is commands in the protocol: parse them
        commands.feed(data)
        count = 0
        while commands.gets() is not False:
            count += 1
        counted.append(count)
        original(self, transport, data)

    monkeypatch.setattr(AutoPipeline, "_send", counting)
    return counted


async def test_concurrent_commands_share_writes_and_each_gets_its_own_reply(
    redis_client: redis.asyncio.Redis, writes: list[int]
) -> None:
    pipeline = AutoPipeline(redis_client)
    await pipeline.execute("PING")  # connected (the handshake's writes not counted)
    writes.clear()
    replies = await asyncio.gather(*(pipeline.execute("ECHO", f"n{i}") for i in range(200)))
    assert replies == [f"n{i}".encode() for i in range(200)]
    assert writes == [200]  # asked in one loop turn: one write


async def test_a_command_alone_goes_at_once_in_one_write(
    redis_client: redis.asyncio.Redis, writes: list[int]
) -> None:
    pipeline = AutoPipeline(redis_client)
    await pipeline.execute("PING")
    writes.clear()
    for i in range(5):
        assert await pipeline.execute("ECHO", str(i)) == str(i).encode()
    assert writes == [1, 1, 1, 1, 1]


async def test_an_error_reply_fails_only_its_own_command(redis_client: redis.asyncio.Redis) -> None:
    pipeline = AutoPipeline(redis_client)
    await redis_client.set("text", "not a number")
    results = await asyncio.gather(
        pipeline.execute("INCR", "counter"),
        pipeline.execute("INCR", "text"),
        pipeline.execute("INCR", "counter"),
        return_exceptions=True,
    )
    assert results[0] == 1
    assert isinstance(results[1], ResponseError)
    assert results[2] == 2


async def test_a_script_the_server_forgot_is_loaded_again(
    redis_client: redis.asyncio.Redis,
) -> None:
    pipeline = AutoPipeline(redis_client)
    assert await pipeline.script(SCRIPT, ["k"], ["a"]) == [b"echo", b"a", b"k"]
    await redis_client.script_flush()
    replies = await asyncio.gather(*(pipeline.script(SCRIPT, ["k"], [str(i)]) for i in range(10)))
    assert [reply[1] for reply in replies] == [str(i).encode() for i in range(10)]


async def test_a_cancelled_caller_leaves_the_order_of_the_others(
    redis_client: redis.asyncio.Redis,
) -> None:
    pipeline = AutoPipeline(redis_client)
    calls = [asyncio.ensure_future(pipeline.execute("ECHO", str(i))) for i in range(30)]
    await asyncio.sleep(0)
    calls[7].cancel()
    calls[20].cancel()
    results = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 5)
    for i, result in enumerate(results):
        if i in (7, 20):
            assert isinstance(result, asyncio.CancelledError)
        else:
            assert result == str(i).encode()
    assert await asyncio.wait_for(pipeline.execute("ECHO", "after"), 5) == b"after"


async def test_a_killed_connection_fails_its_commands_as_unavailable_then_service_resumes(
    redis_client: redis.asyncio.Redis, redis_url: str
) -> None:
    pipeline = AutoPipeline(redis_client, where="redis at test")
    pending = asyncio.ensure_future(pipeline.execute("BLPOP", "nothing", 5))  # no reply yet
    await asyncio.sleep(0.2)
    with redis.Redis.from_url(redis_url) as admin:
        killed = await asyncio.to_thread(admin.client_kill_filter, _type="normal", skipme=True)
    assert killed >= 1
    with pytest.raises(StateStoreUnavailable, match="redis at test is unreachable"):
        await asyncio.wait_for(pending, 2)
    assert await pipeline.execute("ECHO", "back") == b"back"


async def test_replies_slower_than_the_timeout_fail_as_unavailable(
    redis_client: redis.asyncio.Redis,
) -> None:
    pipeline = AutoPipeline(redis_client, where="redis at test", timeout=0.3)
    with pytest.raises(StateStoreUnavailable, match="TimeoutError"):
        await asyncio.wait_for(pipeline.execute("BLPOP", "nothing", 3), 2)
    assert await pipeline.execute("ECHO", "back") == b"back"


async def test_while_two_writes_are_out_later_commands_wait_and_go_together(
    redis_client: redis.asyncio.Redis, writes: list[int]
) -> None:
    pipeline = AutoPipeline(redis_client)
    await pipeline.execute("PING")
    writes.clear()
    held = asyncio.ensure_future(pipeline.execute("BLPOP", "nothing", 0.3))  # out for 0.3 s
    await asyncio.sleep(0.02)
    calls = []
    for word in ("a", "b", "c", "d"):
        calls.append(asyncio.ensure_future(pipeline.execute("ECHO", word)))
        await asyncio.sleep(0.02)  # each asked in a loop turn of its own
    assert await asyncio.wait_for(asyncio.gather(held, *calls), 5) == [None, b"a", b"b", b"c", b"d"]
    assert writes == [1, 1, 3]


async def test_a_reply_longer_than_one_read_is_put_together(
    redis_client: redis.asyncio.Redis,
) -> None:
    pipeline = AutoPipeline(redis_client)
    long = "x" * (3 << 20)  # far more than one socket read
    replies = await asyncio.gather(
        pipeline.execute("ECHO", "before"),
        pipeline.execute("ECHO", long),
        pipeline.execute("ECHO", "after"),
    )
    assert list(replies) == [b"before", long.encode(), b"after"]


async def test_the_connection_is_the_urls_password_and_database(
    redis_url: str,
) -> None:
    """redis-py opens the pipeline's connection: AUTH and SELECT are the URL's."""
    base = redis_url.rsplit("/", 1)[0]
    with redis.Redis.from_url(redis_url) as admin:
        admin.config_set("requirepass", "s3cret")
    try:
        guarded = connect(base.replace("redis://", "redis://:s3cret@") + "/3")
        pipeline = AutoPipeline(guarded)
        assert await pipeline.execute("SET", "where", "db3") == b"OK"
        with redis.Redis.from_url(base, password="s3cret", db=3) as db3:
            assert db3.get("where") == b"db3"
        with redis.Redis.from_url(base, password="s3cret", db=0) as db0:
            assert db0.get("where") is None
        await pipeline.aclose()
        await guarded.aclose()
    finally:
        with redis.Redis.from_url(base, password="s3cret") as admin:
            admin.config_set("requirepass", "")


async def test_an_unreachable_redis_fails_its_commands_as_unavailable() -> None:
    nothing = connect("redis://127.0.0.1:1/0")  # nothing listens on port 1
    pipeline = AutoPipeline(nothing, where="redis at test")
    results = await asyncio.wait_for(
        asyncio.gather(*(pipeline.execute("PING") for _ in range(3)), return_exceptions=True), 5
    )
    assert all(isinstance(r, StateStoreUnavailable) for r in results), results
    assert "redis at test is unreachable" in str(results[0])


async def test_a_write_that_fails_fails_its_commands_as_unavailable_then_service_resumes(
    redis_client: redis.asyncio.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = AutoPipeline(redis_client, where="redis at test")
    await pipeline.execute("PING")
    original = AutoPipeline._send

    def closing(self: AutoPipeline, transport: asyncio.WriteTransport, data: bytes) -> None:
        monkeypatch.setattr(AutoPipeline, "_send", original)  # this write only
        raise RuntimeError("the transport is closing")

    monkeypatch.setattr(AutoPipeline, "_send", closing)
    with pytest.raises(StateStoreUnavailable, match="redis at test is unreachable"):
        await asyncio.wait_for(pipeline.execute("ECHO", "lost"), 1)  # not the 2 s deadline
    assert await pipeline.execute("ECHO", "back") == b"back"


async def test_a_connection_the_server_refuses_fails_each_command_and_never_hangs(
    redis_url: str,
) -> None:
    """A handshake error that is not a lost connection (here ``SELECT`` of a database the
    server does not have) is a 503 for every command, each time, not a wedged pipeline."""
    refused = connect(redis_url.rsplit("/", 1)[0] + "/99")
    pipeline = AutoPipeline(refused, where="redis at test")
    for _ in range(2):
        with pytest.raises(StateStoreUnavailable, match="redis at test is unreachable"):
            await asyncio.wait_for(pipeline.execute("PING"), 5)
    await refused.aclose()


async def test_closing_while_connecting_fails_the_waiting_and_a_later_command_reconnects(
    redis_url: str,
) -> None:
    db1 = connect(redis_url.rsplit("/", 1)[0] + "/1")  # its handshake has a SELECT
    pipeline = AutoPipeline(db1, where="redis at test")
    with redis.Redis.from_url(redis_url) as admin:
        admin.client_pause(400, all=True)  # the SELECT waits meanwhile: still connecting
    waiting = asyncio.ensure_future(pipeline.execute("PING"))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await pipeline.aclose()
    with pytest.raises(StateStoreUnavailable):
        await asyncio.wait_for(waiting, 1)
    assert await asyncio.wait_for(pipeline.execute("ECHO", "back"), 5) == b"back"
    await pipeline.aclose()
    await db1.aclose()


async def test_replies_stay_with_their_commands_whatever_the_server_pushes(
    redis_client: redis.asyncio.Redis, redis_url: str
) -> None:
    """On RESP3 the server may push messages (client tracking, a cluster's maintenance
    notices) and answer ``false``; the pipeline's connection speaks RESP2, so each reply is
    its command's."""
    pipeline = AutoPipeline(redis_client)
    await pipeline.execute("SET", "tracked", "1")
    await pipeline.execute("CLIENT", "TRACKING", "on")
    assert await pipeline.execute("GET", "tracked") == b"1"
    with redis.Redis.from_url(redis_url) as other:
        other.set("tracked", "2")  # an invalidation for a RESP3 tracking client
    falsy = await pipeline.execute("EVAL", "redis.setresp(3) return false", 0)
    assert falsy == 0  # RESP3 false, as RESP2 gives it
    replies = [await asyncio.wait_for(pipeline.execute("ECHO", w), 2) for w in ("a", "b")]
    assert replies == [b"a", b"b"]


async def test_an_error_reply_saying_the_server_cannot_serve_is_unavailable(
    redis_client: redis.asyncio.Redis,
) -> None:
    """``LOADING``, ``OOM``, ``READONLY``...: the 503 of an unreachable store, as the pool's
    commands give; any other error reply stays the command's own error."""
    pipeline = AutoPipeline(redis_client, where="redis at test")
    for reply in ("LOADING Redis is loading", "OOM command not allowed", "READONLY replica"):
        with pytest.raises(StateStoreUnavailable, match="redis at test"):
            await pipeline.execute("EVAL", f"return redis.error_reply('{reply}')", 0)
    with pytest.raises(ResponseError, match="wrong"):
        await pipeline.execute("EVAL", "return redis.error_reply('ERR wrong')", 0)
    assert await pipeline.execute("ECHO", "still") == b"still"
