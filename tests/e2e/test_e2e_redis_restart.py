"""A Redis that restarts empty under two workers: never a silent loss.

Many containers run Redis without persistence, so a restart drops the replay memory and every
admin change. The mock notices (the account's call center is gone, though a worker had seen
it), starts the account again from its scenario, says so in one log line, and refuses what
it can no longer judge: a request signed before the loss, as a possible replay. While Redis
is down, ``/__mock/health`` answers 503.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from m7_call_monitor.signing import signed_headers
from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET
from tests.support.processes import free_port, running
from tests.support.redis_server import RedisServer, redis_server

pytestmark = pytest.mark.socket

LISTEN = "/openapi/v1/call/listen"
BODY = {"listenAgent": "2002", "agentNumber": "9527"}
NEW_AGENT = {"name": "hired before the restart", "role": "agent"}


@pytest.fixture
def restartable() -> Iterator[tuple[RedisServer, str, Path]]:
    """A Redis of its own and two workers on it; yields both and the mock's log."""
    with redis_server() as server:
        port = free_port()
        argv = [sys.executable, "-m", "mock_server", "--port", str(port)]
        argv += ["--workers", "2", "--state", server.url(), "--log-level", "warning"]
        base_url = f"http://127.0.0.1:{port}"
        with running("mock", argv, ready_url=f"{base_url}/__mock/health") as log:
            yield server, base_url, log


def test_a_request_accepted_before_a_restart_is_refused_after_it(
    restartable: tuple[RedisServer, str, Path],
) -> None:
    server, base_url, log = restartable
    before = signed_headers(DEMO_APP_KEY, DEMO_SECRET)
    with httpx.Client(base_url=base_url, timeout=5) as client:
        assert client.post(LISTEN, json=BODY, headers=before).status_code == 200
        assert client.put("/__mock/agents/7001", json=NEW_AGENT).status_code in (200, 201)

        server.stop()
        down = [client.get("/__mock/health") for _ in range(4)]
        assert [r.status_code for r in down] == [503] * 4, [r.text for r in down]
        time.sleep(1.1)  # the next request is signed after the loss, in another second
        server.start()
        back = time.monotonic()

        fresh_status = 0
        while time.monotonic() - back < 2 and fresh_status != 200:
            fresh_status = client.post(
                LISTEN, json=BODY, headers=signed_headers(DEMO_APP_KEY, DEMO_SECRET)
            ).status_code
        assert fresh_status == 200, "no fresh request accepted within 2 s of Redis being back"

        replayed = client.post(LISTEN, json=BODY, headers=before)
        assert replayed.status_code == 401, replayed.text
        message = replayed.json()["message"]
        assert message.startswith("m7-sign: signed before "), message
        assert "the state store lost its replay memory" in message

        agents = [a["number"] for a in client.get("/__mock/state").json()["agents"]]
        assert "7001" not in agents  # the scenario's state is back
        assert client.get("/__mock/health").status_code == 200

    time.sleep(0.2)
    lost_lines = [line for line in log.read_text().splitlines() if "lost its data" in line]
    assert len(lost_lines) == 1, log.read_text()[-3000:]
    assert "of 1 account(s)" in lost_lines[0]
