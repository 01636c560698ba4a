"""Time without waiting: the account's clock, frozen and moved forward by the test.

The vendor refuses a request whose ``m7-timestamp`` is more than 300 s from its clock, and
remembers each signature (``m7-sign`` + ``m7-nonce``) for 300 s to refuse it a second time.
The mock judges both by the account's clock, so a test shows in milliseconds what would take
five minutes of real time.
"""

from __future__ import annotations

import httpx

from m7_mock_pytest import MockAccount

LISTEN = "/openapi/v1/call/listen"


def send_listen(
    account: MockAccount, headers: dict[str, str], supervisor: str, agent: str
) -> httpx.Response:
    """A listen signed with exactly these headers (the signature covers no body)."""
    body = {"listenAgent": supervisor, "agentNumber": agent}
    return httpx.post(account.base_url + LISTEN, json=body, headers=headers, timeout=10)


def test_a_timestamp_301_seconds_old_is_refused(m7_account: MockAccount) -> None:
    now = m7_account.freeze_clock()

    late = send_listen(m7_account, m7_account.signed_headers(at=now - 301), "2002", "9527")
    in_time = send_listen(m7_account, m7_account.signed_headers(at=now - 300), "2002", "9527")

    assert late.status_code == 401
    assert in_time.status_code == 200


def test_a_request_signed_300_s_ahead_is_accepted_now_and_again_300_s_later(
    m7_account: MockAccount,
) -> None:
    now = m7_account.freeze_clock()
    m7_account.call_talking("9530")  # a second call to listen to
    headers = m7_account.signed_headers(at=now + 300)

    assert send_listen(m7_account, headers, "2002", "9527").status_code == 200

    m7_account.advance_clock(299)  # the signature is still remembered: a replay
    assert send_listen(m7_account, headers, "2000", "9530").status_code == 401

    m7_account.advance_clock(1)  # 300 s later it is forgotten, and the timestamp is now
    assert send_listen(m7_account, headers, "2000", "9530").status_code == 200


def test_a_call_talks_as_long_as_the_clock_says(m7_account: MockAccount) -> None:
    start = m7_account.freeze_clock()
    call = m7_account.call_talking("9530")

    m7_account.advance_clock(90)

    assert m7_account.now() == start + 90
    live = next(c for c in m7_account.state()["calls"] if c["id"] == call["id"])
    assert live["answeredAt"] == call["answeredAt"]
