"""Authentication: each rule of the vendor's 鉴权规则, the replay cache, the three modes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from m7_call_monitor.signing import HEADER_NAMES
from mock_server.app import create_app
from mock_server.http.auth import Authenticator
from mock_server.model.replay import ENTRY_BYTES, ReplayCache
from mock_server.settings import Settings
from tests.api.helpers import client_for, signed
from tests.support.clock import Clock
from tests.support.document import PATHS
from tests.support.nonces import next_nonce

#: The state backends every test here runs on (see conftest.py).
STATE_BACKENDS = ("memory", "redis")

LISTEN = PATHS["listen"]
#: A body that authenticates and then fails fast in the call center (40903): any status
#: other than 401 proves authentication passed.
BODY = {"hangupAgent": "2000", "agentNumber": "9530"}
HANGUP = PATHS["hangupChannel"]
REPLAYED = "m7-sign: replayed (this sign and nonce were used in the last 300 s)"


async def post(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post(HANGUP, json=BODY, headers=headers)


def assert_refused(response: httpx.Response, message: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["code"] == "401"
    assert body["message"] == message
    assert body["requestId"] == response.headers["x-request-id"]


def mismatch(sent: dict[str, str]) -> str:
    """The refusal of a wrong signature over the values ``sent``."""
    key, timestamp, nonce = sent["m7-appkey"], sent["m7-timestamp"], sent["m7-nonce"]
    return (
        "m7-sign: signature does not match; the server signed appkey + timestamp + nonce = "
        f'"{key}" + "{timestamp}" + "{nonce}" = "{key}{timestamp}{nonce}" '
        "(HMAC-SHA256 keyed with the app key's secret key, then base64)"
    )


def assert_accepted(response: httpx.Response) -> None:
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "40903"


@pytest.mark.parametrize("missing", HEADER_NAMES)
async def test_each_missing_header_is_named(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], missing: str
) -> None:
    sent = headers()
    del sent[missing]
    assert_refused(await post(client, sent), f"{missing}: missing header")


@pytest.mark.parametrize("nonce", ["12345", "1234567", "12a456", "", " 12345"])
async def test_a_nonce_must_be_six_digits(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], nonce: str
) -> None:
    expected = "m7-nonce: must be exactly 6 digits" if nonce else "m7-nonce: missing header"
    assert_refused(await post(client, headers(nonce=nonce)), expected)


@pytest.mark.parametrize("timestamp", ["176760000", "1767600000000", "17676000x0", "-767600000"])
async def test_a_timestamp_must_be_ten_digits(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], timestamp: str
) -> None:
    response = await post(client, headers(timestamp=timestamp))
    assert_refused(response, "m7-timestamp: must be exactly 10 digits (Unix seconds)")


@pytest.mark.parametrize(
    "sign",
    [
        "not-base64!",
        "c2lnbg==",
        "A" * 44,
        "A" * 43 + "==",
        "lmwwrahWCRO0x+3DhlMMVgB2V5ytUXp5GxbLTW9wOig",
    ],
)
async def test_a_sign_must_be_the_base64_of_32_bytes(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], sign: str
) -> None:
    sent = {**headers(), "m7-sign": sign}
    assert_refused(
        await post(client, sent), "m7-sign: must be base64 of 32 bytes (an HMAC-SHA256 digest)"
    )


async def test_an_unknown_app_key_is_refused(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    response = await post(client, headers(app_key="0000001", secret="whatever"))
    assert_refused(response, "m7-appkey: unknown app key")


async def test_a_wrong_signature_is_refused(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    sent = headers(secret="not-the-secret")
    assert_refused(await post(client, sent), mismatch(sent))


async def test_a_signature_over_other_values_is_refused(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    sent = headers()
    sent["m7-nonce"] = next_nonce()  # signed for another nonce
    assert_refused(await post(client, sent), mismatch(sent))


@pytest.mark.parametrize("skew", [-300, 300, 0, -1, 299])
async def test_a_timestamp_within_300_s_is_accepted(
    client: httpx.AsyncClient, clock: Clock, skew: int
) -> None:
    assert_accepted(await post(client, signed(clock, timestamp=str(int(clock()) + skew))))


@pytest.mark.parametrize("skew", [-301, 301, -3600, 86400])
async def test_a_timestamp_more_than_300_s_away_is_refused(
    client: httpx.AsyncClient, clock: Clock, skew: int
) -> None:
    response = await post(client, signed(clock, timestamp=str(int(clock()) + skew)))
    assert_refused(response, f"m7-timestamp: {abs(skew)} s from the server clock (at most 300)")


async def test_a_replay_is_refused(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    sent = headers()
    assert_accepted(await post(client, sent))
    assert_refused(
        await post(client, sent),
        "m7-sign: replayed (this sign and nonce were used in the last 300 s)",
    )


async def test_a_request_signed_300_s_ahead_is_accepted_now_and_again_300_s_later(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    """The vendor's replay key lives 300 s (its window): a timestamp 300 s ahead is within
    the window now and still 300 s later, when the key is gone. On Redis too: the key holds
    its end on the account's clock."""
    sent = signed(clock, timestamp=str(int(clock()) + 300))
    assert_accepted(await post(client, sent))
    clock.advance(299.999)
    assert_refused(
        await post(client, sent),
        "m7-sign: replayed (this sign and nonce were used in the last 300 s)",
    )
    clock.advance(0.001)
    assert_accepted(await post(client, sent))


@pytest.mark.state_backends("memory")  # counts the in-memory cache's entries
async def test_only_verified_requests_are_remembered(
    app: Any, client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    for _ in range(20):
        await post(client, headers(secret="forged"))
    assert len(app.state.replay) == 0
    nonce = next_nonce()
    forged = headers(nonce=nonce, secret="forged")
    assert_refused(await post(client, forged), mismatch(forged))
    assert_accepted(await post(client, headers(nonce=nonce)))
    assert len(app.state.replay) == 1


async def test_a_full_replay_store_refuses_with_503_and_forgets_nothing(
    make_settings: Callable[..., Settings], clock: Clock
) -> None:
    app = create_app(make_settings(replay_max_bytes=64 * ENTRY_BYTES))
    first = signed(clock)
    async with client_for(app) as client:
        assert_accepted(await post(client, first))
        for _ in range(63):
            assert_accepted(await post(client, signed(clock)))
        clock.advance(120)
        refused = await post(client, signed(clock))
        assert refused.status_code == 503, refused.text
        assert refused.json()["message"].startswith("replay store: full (64 live sign + nonce")
        assert refused.json()["requestId"] == refused.headers["x-request-id"]
        assert refused.headers["retry-after"] == "180"  # when the oldest entry expires
        # full, yet the oldest entry is still remembered: its replay is refused, not served
        assert_refused(await post(client, first), REPLAYED)
        clock.advance(181)  # every entry has expired: room again
        assert_accepted(await post(client, signed(clock)))
    cache = app.state.replay
    assert isinstance(cache, ReplayCache)
    assert cache.refused == 1


def test_the_replay_key_is_exactly_sign_and_nonce(
    make_settings: Callable[..., Settings], clock: Clock
) -> None:
    """What the request path's replay memory records for a verified request."""
    settings = make_settings()
    authenticator = Authenticator(mode="strict", credentials=settings.credentials)
    sent = signed(clock)
    assert authenticator.verify(sent, clock()).replay_key == sent["m7-sign"] + sent["m7-nonce"]


async def test_the_same_nonce_with_another_timestamp_is_no_replay(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    """The key is not the nonce alone: a nonce may come back with another signature."""
    nonce = next_nonce()
    assert_accepted(await post(client, signed(clock, nonce=nonce)))
    clock.advance(1)
    assert_accepted(await post(client, signed(clock, nonce=nonce)))
    assert_refused(await post(client, signed(clock, nonce=nonce)), REPLAYED)


@pytest.mark.parametrize("repeated", HEADER_NAMES)
async def test_a_repeated_m7_header_is_refused_naming_it(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], repeated: str
) -> None:
    """A bogus first copy and a valid last one: which counts would be a guess, so neither."""
    valid = headers()
    sent = [(repeated, "bogus"), *valid.items()]
    response = await client.post(HANGUP, json=BODY, headers=sent)
    assert_refused(response, f"{repeated}: sent more than once")


@pytest.mark.parametrize("padding", [" ", "\t", " \t "])
async def test_whitespace_around_m7_values_is_ignored_on_both_sides(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]], padding: str
) -> None:
    sent = {name: f"{padding}{value}{padding}" for name, value in headers().items()}
    assert_accepted(await post(client, sent))


# --- modes -------------------------------------------------------------------------------


async def test_presence_mode_checks_the_form_only(
    make_settings: Callable[..., Settings], clock: Clock
) -> None:
    app = create_app(make_settings(auth_mode="presence"))
    async with client_for(app) as client:
        forged = signed(clock, app_key="0000001", secret="forged", timestamp="1000000000")
        assert_accepted(await post(client, forged))
        assert_accepted(await post(client, forged))  # replays are not checked either
        response = await post(client, {**forged, "m7-nonce": "123"})
        assert_refused(response, "m7-nonce: must be exactly 6 digits")
        response = await post(client, {**forged, "m7-sign": "short"})
        assert response.status_code == 401
        del forged["m7-timestamp"]
        assert_refused(await post(client, forged), "m7-timestamp: missing header")
        assert response.headers["x-m7-mock-auth-mode"] == "presence"


async def test_off_mode_checks_nothing(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(auth_mode="off"))
    async with client_for(app) as client:
        response = await post(client, {})
        assert_accepted(response)
        assert response.headers["x-m7-mock-auth-mode"] == "off"


async def test_custom_credentials_replace_the_demo_account(
    make_settings: Callable[..., Settings], clock: Clock
) -> None:
    app = create_app(make_settings(credentials={"2000103": "s3cret"}, credentials_source="env"))
    async with client_for(app) as client:
        assert_accepted(await post(client, signed(clock, app_key="2000103", secret="s3cret")))
        demo = await post(client, signed(clock))
        assert_refused(demo, "m7-appkey: unknown app key")


async def test_the_mode_is_on_every_response(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    responses = [
        await post(client, headers()),
        await post(client, {}),
        await client.get("/nowhere"),
        await client.get("/__mock/state"),
    ]
    for response in responses:
        assert response.headers["x-m7-mock-auth-mode"] == "strict"
        assert len(response.headers["x-request-id"]) == 32


async def test_unknown_paths_and_wrong_methods_are_not_authenticated(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.post("/openapi/v1/call/nothing", json={})).status_code == 404
    assert (await client.get(LISTEN)).status_code == 405
