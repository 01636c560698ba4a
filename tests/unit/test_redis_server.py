"""The tests' own Redis server: started on a free loopback port, stopped, never skipped."""

from __future__ import annotations

import pytest
import redis

from tests.support.redis_server import INSTALL_HINT, RedisServer, redis_server


def test_the_session_server_answers_on_loopback(redis_url: str) -> None:
    assert redis_url.startswith("redis://127.0.0.1:")
    with redis.Redis.from_url(redis_url) as connection:
        assert connection.ping()
        assert connection.dbsize() == 0  # emptied for each test


def test_a_server_is_gone_after_its_block() -> None:
    with redis_server() as server:
        url = server.url()
        with redis.Redis.from_url(url) as connection:
            assert connection.ping()
    with (
        redis.Redis.from_url(url, socket_connect_timeout=0.5) as connection,
        pytest.raises(redis.ConnectionError),
    ):
        connection.ping()


def test_a_stopped_server_can_be_restarted(redis_service: RedisServer) -> None:
    with redis_server() as server:
        server.stop()
        server.start()
        with redis.Redis.from_url(server.url()) as connection:
            assert connection.ping()


def test_a_missing_binary_fails_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="make system-packages"), redis_server():
        pass
    assert "apt-get install redis-server" in INSTALL_HINT
