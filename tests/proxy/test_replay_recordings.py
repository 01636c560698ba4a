"""A recording made through the proxy, replayed with the upstream stopped: the same answers,
in the recorded order; what the recording does not hold is named, or answered by the
fallback asked for."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from mock_server.app import create_app
from mock_server.settings import Settings
from mock_server.upstream.config import MockMode
from tests.api.helpers import signed
from tests.proxy.conftest import UP_KEY, UP_SECRET, Proxy, proxy_mode
from tests.proxy.servers import DEEP_ANSWER, refusing_port, serving

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


#: Two teams, each its own account of the replaying mock.
TEAMS = {"1111111": "team-one-secret", "2222222": "team-two-secret"}
HANGUP = {"hangupAgent": "2002", "agentNumber": "9527"}


async def test_each_account_has_its_own_place_in_the_recording_and_its_reset_starts_it_over(
    make_proxy: Callable[[MockMode], Proxy], har: Path
) -> None:
    """A hangup recorded twice (accepted, then refused: the call had ended): each team's
    first request gets the first answer, and a team's reset starts its own replay over."""
    upstream_app = create_app(Settings(credentials={UP_KEY: UP_SECRET}))
    with serving(upstream_app) as url:
        proxy = make_proxy(proxy_mode(url, record=har))
        recorded = [(await proxy.call("hangupChannel", HANGUP)).status_code for _ in range(2)]
    assert recorded == [200, 409]
    assert proxy.app.elsewhere is not None
    await proxy.app.elsewhere.aclose()

    app = create_app(Settings(mode=MockMode(replay=har), credentials=TEAMS))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:4010"
    ) as client:

        async def hangup(team: str) -> int:
            headers = signed(time.time, app_key=team, secret=TEAMS[team])
            response = await client.post(
                "/openapi/v1/call/hangupChannel", json=HANGUP, headers=headers
            )
            return response.status_code

        one, two = TEAMS
        assert [await hangup(one), await hangup(two), await hangup(one)] == [200, 200, 409]
        reset = await client.post("/__mock/reset", params={"account": one})
        assert reset.status_code == 200
        assert [await hangup(one), await hangup(two)] == [200, 409]  # only team one's anew
        unknown = await client.post("/__mock/reset", params={"account": "nobody"})
        assert unknown.status_code == 404
        assert await hangup(one) == 409  # a refused reset starts nothing over
        await client.post("/__mock/reset", params={"account": two})
        assert [await hangup(two), await hangup(two)] == [200, 409]


async def test_a_recorded_answer_of_another_shape_is_replayed_as_it_is(
    vendor_url: str, make_proxy: Callable[[MockMode], Proxy], har: Path
) -> None:
    """``data.request`` a string, or an answer nested too deeply to parse: replayed to a
    caller with another ``actionId`` all the same, the actionId patched where it can be."""
    proxy = make_proxy(proxy_mode(vendor_url, record=har))
    for agent in ("request-text", "deep"):
        body = {"listenAgent": "2002", "agentNumber": agent, "actionId": "recorded"}
        assert (await proxy.call("listen", body)).status_code == 200
    assert proxy.app.elsewhere is not None
    proxy.app.elsewhere.close()
    replay = make_proxy(MockMode(replay=har))
    text = await replay.call(
        "listen", {"listenAgent": "2002", "agentNumber": "request-text", "actionId": "mine"}
    )
    assert text.status_code == 200, text.text
    assert text.json()["actionId"] == "mine"
    assert text.json()["data"]["request"] == "not-an-object"
    deep = await replay.call(
        "listen", {"listenAgent": "2002", "agentNumber": "deep", "actionId": "mine"}
    )
    assert deep.status_code == 200
    assert deep.content == DEEP_ANSWER
