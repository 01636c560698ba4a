"""The checks of the headers' form, in every mode that makes them: ``strict`` and ``presence``.

``presence`` mode runs the first checks of the rule (no header sent twice, all four present,
the nonce, timestamp and sign in their formats) and none of the rest; ``strict`` runs them all.
Each form check is seen here to refuse in both modes with the same message, and ``off`` to
refuse none of them; ``tests/api/test_auth.py`` has the rest of the rule.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from m7_call_monitor.signing import HEADER_NAMES
from mock_server.app import create_app
from mock_server.settings import Settings
from tests.api.helpers import client_for, signed
from tests.support.clock import Clock
from tests.support.document import PATHS

#: Authenticates, then fails fast in the call center (40903): anything but 401 passed.
BODY = {"hangupAgent": "2000", "agentNumber": "9530"}
HANGUP = PATHS["hangupChannel"]
Headers = list[tuple[str, str]]


def _without(name: str) -> Callable[[dict[str, str]], Headers]:
    return lambda sent: [(k, v) for k, v in sent.items() if k != name]


def _with(name: str, value: str) -> Callable[[dict[str, str]], Headers]:
    return lambda sent: [(k, value if k == name else v) for k, v in sent.items()]


def _twice(name: str) -> Callable[[dict[str, str]], Headers]:
    return lambda sent: [(name, "bogus"), *sent.items()]


#: What is wrong with the headers, and the refusal that names it.
FORM_CASES: dict[str, tuple[Callable[[dict[str, str]], Headers], str]] = {
    **{f"{h} missing": (_without(h), f"{h}: missing header") for h in HEADER_NAMES},
    **{f"{h} empty": (_with(h, ""), f"{h}: missing header") for h in HEADER_NAMES},
    **{f"{h} twice": (_twice(h), f"{h}: sent more than once") for h in HEADER_NAMES},
    **{
        f"nonce {n!r}": (_with("m7-nonce", n), "m7-nonce: must be exactly 6 digits")
        for n in ("12345", "1234567", "12a456", "12 456")
    },
    **{
        f"timestamp {t!r}": (
            _with("m7-timestamp", t),
            "m7-timestamp: must be exactly 10 digits (Unix seconds)",
        )
        for t in ("176760000", "1767600000000", "17676000x0", "-767600000")
    },
    **{
        f"sign {s[:12]!r}": (
            _with("m7-sign", s),
            "m7-sign: must be base64 of 32 bytes (an HMAC-SHA256 digest)",
        )
        for s in ("not-base64!", "c2lnbg==", "A" * 44, "A" * 43 + "==")
    },
}


@pytest.fixture(params=["strict", "presence", "off"])
async def moded(
    request: pytest.FixtureRequest, make_settings: Callable[..., Settings]
) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    mode: str = request.param
    async with client_for(create_app(make_settings(auth_mode=mode))) as client:
        yield mode, client


@pytest.mark.parametrize("case", FORM_CASES)
async def test_each_form_check_refuses_in_strict_and_presence_mode_and_not_off(
    moded: tuple[str, httpx.AsyncClient], clock: Clock, case: str
) -> None:
    mode, client = moded
    change, message = FORM_CASES[case]
    response = await client.post(HANGUP, json=BODY, headers=change(signed(clock)))
    assert response.headers["x-m7-mock-auth-mode"] == mode
    if mode == "off":
        assert response.status_code == 409, response.text  # reached the call center
        return
    assert response.status_code == 401, response.text
    assert (response.json()["code"], response.json()["message"]) == ("401", message)


async def test_the_same_valid_headers_pass_in_every_mode(
    moded: tuple[str, httpx.AsyncClient], clock: Clock
) -> None:
    _, client = moded
    response = await client.post(HANGUP, json=BODY, headers=signed(clock))
    assert (response.status_code, response.json()["code"]) == (409, "40903")
