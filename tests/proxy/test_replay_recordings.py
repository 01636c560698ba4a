"""A recording made through the proxy, replayed with the upstream stopped: the same answers,
in the recorded order; what the recording does not hold is named, or answered by the
fallback asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from mock_server.app import create_app
from mock_server.settings import Settings
from mock_server.upstream.config import MockMode
from tests.proxy.conftest import UP_KEY, UP_SECRET, Proxy, proxy_mode
from tests.proxy.servers import refusing_port, serving

#: On the demo scenario: accepted, refused (no live call), accepted, then the first again.
SEQUENCE: list[tuple[str, dict[str, Any]]] = [
    ("listen", {"listenAgent": "2002", "agentNumber": "9527", "actionId": "one"}),
    ("listen", {"listenAgent": "2002", "agentNumber": "9530", "actionId": "two"}),
    ("lootCall", {"lootCallAgent": "2002", "agentNumber": "9527"}),
    ("listen", {"listenAgent": "2002", "agentNumber": "9527", "actionId": "one"}),
]


async def record_sequence(make_proxy: Callable[[MockMode], Proxy], har: Path) -> list[Any]:
    """Run ``SEQUENCE`` through a proxy to a second mock, recording; stop both."""
    upstream_app = create_app(Settings(credentials={UP_KEY: UP_SECRET}))
    with serving(upstream_app) as url:
        proxy = make_proxy(proxy_mode(url, record=har))
        answers = []
        for operation, body in SEQUENCE:
            response = await proxy.call(operation, body)
            answers.append(
                (response.status_code, response.headers["content-type"], response.content)
            )
    assert proxy.app.elsewhere is not None
    await proxy.app.elsewhere.aclose()
    return answers


async def test_the_replay_with_the_upstream_stopped_answers_the_same(
    make_proxy: Callable[[MockMode], Proxy], har: Path
) -> None:
    recorded = await record_sequence(make_proxy, har)
    assert [status for status, _, _ in recorded] == [200, 409, 200, 200]
    replay = make_proxy(MockMode(replay=har))
    replayed = []
    for operation, body in SEQUENCE:
        response = await replay.call(operation, body)
        replayed.append((response.status_code, response.headers["content-type"], response.content))
    assert replayed == recorded
    # Used up: the last recorded answer again.
    again = await replay.call(*SEQUENCE[0])
    assert again.content == recorded[3][2]
    config = (await replay.client.get("/__mock/config")).json()["mode"]
    assert (config["kind"], config["replay"], config["replayable"]) == ("replay", str(har), 4)
    journal = (await replay.client.get("/__mock/journal")).json()["entries"]
    assert [e["status"] for e in journal] == [200, 409, 200, 200, 200]


async def test_the_replay_ignores_action_id_and_answers_with_the_callers(
    make_proxy: Callable[[MockMode], Proxy], har: Path
) -> None:
    await record_sequence(make_proxy, har)
    replay = make_proxy(MockMode(replay=har))
    body = {"listenAgent": "2002", "agentNumber": "9527", "actionId": "mine"}
    answer = (await replay.call("listen", body)).json()
    assert answer["actionId"] == "mine"
    assert answer["requestInfo"]["body"] == body


async def test_a_request_not_recorded_is_named_in_a_404_envelope(
    make_proxy: Callable[[MockMode], Proxy], har: Path
) -> None:
    await record_sequence(make_proxy, har)
    replay = make_proxy(MockMode(replay=har))
    response = await replay.call("whisper", {"whisperAgent": "2002", "agentNumber": "9527"})
    assert response.status_code == 404
    envelope = response.json()
    assert envelope["success"] is False
    assert "holds no whisper with agentNumber=9527, whisperAgent=2002" in envelope["message"]
    assert har.name in envelope["message"]
    assert str(har.parent) not in envelope["message"]  # no server path to the caller


async def test_a_request_not_recorded_falls_back_when_asked(
    make_proxy: Callable[[MockMode], Proxy], har: Path
) -> None:
    await record_sequence(make_proxy, har)
    simulating = make_proxy(MockMode(replay=har, fallback="simulate"))
    body = {"whisperAgent": "2002", "agentNumber": "9530"}
    response = await simulating.call("whisper", body)
    assert (response.status_code, response.json()["code"]) == (409, "40903")  # the rules
    with refusing_port() as url:
        forwarding = make_proxy(
            MockMode(replay=har, fallback="upstream", upstream=proxy_mode(url).upstream)
        )
        response = await forwarding.call("whisper", body)
        assert response.status_code == 502  # it went to the (stopped) upstream
        recorded = await forwarding.call(*SEQUENCE[0])
        assert recorded.status_code == 200  # what is recorded never goes upstream
