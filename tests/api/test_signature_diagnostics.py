"""A refused ``m7-sign`` names the string the server signed, and never the secret."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from m7_call_monitor.signing import sign
from mock_server.app import create_app
from mock_server.settings import Settings
from tests.api.helpers import client_for
from tests.support.document import PATHS

BODY = {"hangupAgent": "2000", "agentNumber": "9530"}
SECRET = "s3cret-of-k1"


async def test_the_message_lets_a_porter_compare_the_signed_string(
    make_settings: Callable[..., Settings], clock: Callable[[], float]
) -> None:
    app = create_app(make_settings(credentials={"k1": SECRET}, credentials_source="env"))
    timestamp, nonce = str(int(clock())), "025513"
    # a port that forgot the nonce: it signed appkey + timestamp only
    wrong = sign("k1", SECRET, timestamp, "")
    headers = {"m7-appkey": "k1", "m7-timestamp": timestamp, "m7-nonce": nonce, "m7-sign": wrong}
    async with client_for(app) as client:
        response = await client.post(PATHS["hangupChannel"], json=BODY, headers=headers)
        journal = (await client.get("/__mock/journal")).json()["entries"]
    assert response.status_code == 401
    message = response.json()["message"]
    assert f'"k1" + "{timestamp}" + "{nonce}" = "k1{timestamp}{nonce}"' in message
    assert message.startswith("m7-sign: signature does not match; the server signed")
    assert SECRET not in message
    assert sign("k1", SECRET, timestamp, nonce) not in message  # no oracle either
    assert SECRET not in str(journal)
    assert journal[0]["outcome"] == "auth:signature"


async def test_other_refusals_say_nothing_of_a_signed_string(
    client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    unknown = headers(app_key="0000001", secret="whatever")
    response = await client.post(PATHS["hangupChannel"], json=BODY, headers=unknown)
    assert response.json()["message"] == "m7-appkey: unknown app key"
