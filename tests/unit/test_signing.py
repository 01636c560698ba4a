"""The vendor's signing rule, pinned on its own worked example."""

from __future__ import annotations

import base64
import itertools
import threading

import pytest

from m7_call_monitor import sign, signature_matches, signed_headers
from m7_call_monitor.signing import (
    APPKEY_HEADER,
    HEADER_NAMES,
    NONCE_HEADER,
    SIGN_HEADER,
    TIMESTAMP_HEADER,
    NonceSource,
    is_valid_nonce,
    is_valid_timestamp,
)

VENDOR_SECRET = "HWHp9xFVlbboxIU2S6DHA7sf9sGzt3"
VENDOR_APPKEY = "2000103"
VENDOR_TIMESTAMP = "1608119594"
VENDOR_NONCE = "123221"
# The vendor's page does not print the result; this value was computed independently with
# Node's crypto.createHmac("sha256", sk).update("20001031608119594123221").digest("base64").
VENDOR_SIGN = "ybCwXrg9CMo39xv1kdfVLemqFmk+2Elz+vXYu1CyHlo="


def test_the_vendors_worked_example_signs_as_node_does() -> None:
    assert sign(VENDOR_APPKEY, VENDOR_SECRET, VENDOR_TIMESTAMP, VENDOR_NONCE) == VENDOR_SIGN


def test_the_signature_is_base64_of_32_bytes() -> None:
    assert len(base64.b64decode(VENDOR_SIGN, validate=True)) == 32


def test_the_message_is_the_three_values_concatenated() -> None:
    # Moving characters between the fields keeps the message, hence the signature.
    assert sign("2000103160811", VENDOR_SECRET, "9594", "123221") == VENDOR_SIGN


def test_another_secret_gives_another_signature() -> None:
    assert sign(VENDOR_APPKEY, VENDOR_SECRET + "x", VENDOR_TIMESTAMP, VENDOR_NONCE) != VENDOR_SIGN


def test_signed_headers_with_pinned_clock_and_randomness() -> None:
    headers = signed_headers(
        VENDOR_APPKEY, VENDOR_SECRET, clock=lambda: 1608119594.9, randbelow=lambda _: 123221
    )
    assert headers == {
        APPKEY_HEADER: VENDOR_APPKEY,
        NONCE_HEADER: VENDOR_NONCE,
        TIMESTAMP_HEADER: VENDOR_TIMESTAMP,
        SIGN_HEADER: VENDOR_SIGN,
    }
    assert tuple(headers) == HEADER_NAMES


@pytest.mark.parametrize(("drawn", "nonce"), [(42, "000042"), (0, "000000"), (999_999, "999999")])
def test_the_nonce_keeps_its_leading_zeros(drawn: int, nonce: str) -> None:
    headers = signed_headers("k", "s", clock=lambda: 1_700_000_000, randbelow=lambda _: drawn)
    assert headers[NONCE_HEADER] == nonce
    assert is_valid_nonce(headers[NONCE_HEADER])


def test_the_nonce_is_drawn_below_a_million() -> None:
    bounds: list[int] = []

    def randbelow(bound: int) -> int:
        bounds.append(bound)
        return 7

    signed_headers("k", "s", randbelow=randbelow)
    assert bounds == [1_000_000]


def test_the_timestamp_is_ten_digit_unix_seconds() -> None:
    headers = signed_headers("k", "s", clock=lambda: 1_700_000_000.999, randbelow=lambda _: 1)
    assert headers[TIMESTAMP_HEADER] == "1700000000"
    assert is_valid_timestamp(headers[TIMESTAMP_HEADER])


def test_each_call_draws_a_new_nonce() -> None:
    draws = itertools.count(1)
    first = signed_headers("k", "s", clock=lambda: 1_700_000_000, randbelow=lambda _: next(draws))
    second = signed_headers("k", "s", clock=lambda: 1_700_000_000, randbelow=lambda _: next(draws))
    assert first[NONCE_HEADER] != second[NONCE_HEADER]
    assert first[SIGN_HEADER] != second[SIGN_HEADER]


def test_signed_headers_never_carry_the_secret() -> None:
    headers = signed_headers(VENDOR_APPKEY, VENDOR_SECRET)
    assert all(VENDOR_SECRET not in value for value in headers.values())


def test_signature_matches_accepts_the_right_and_refuses_the_wrong() -> None:
    args = (VENDOR_APPKEY, VENDOR_SECRET, VENDOR_TIMESTAMP, VENDOR_NONCE)
    assert signature_matches(*args, VENDOR_SIGN)
    assert not signature_matches(*args, VENDOR_SIGN.replace("y", "z", 1))
    assert not signature_matches(*args, "")
    assert not signature_matches(*args, "签名")  # non-ASCII must not raise


@pytest.mark.parametrize("nonce", ["12345", "1234567", "12345a", "", "１２３４５６"])
def test_malformed_nonces_are_invalid(nonce: str) -> None:
    assert not is_valid_nonce(nonce)


@pytest.mark.parametrize("timestamp", ["160811959", "1608119594000", "16081195a4", ""])
def test_malformed_timestamps_are_invalid(timestamp: str) -> None:
    assert not is_valid_timestamp(timestamp)


def test_a_nonce_source_never_repeats_a_nonce_within_one_second() -> None:
    draws = iter([7, 7, 7, 8, 7])  # a random source that keeps repeating itself
    nonces = NonceSource(lambda _: next(draws))
    assert [nonces.take("1608119594"), nonces.take("1608119594")] == ["000007", "000008"]
    assert nonces.take("1608119595") == "000007", "another second may reuse it"


def test_a_busy_signer_sends_no_replay_within_one_second() -> None:
    """5,000 requests in the same second: with plain random nonces the chance of a repeated
    sign + nonce (a replay to the server) is about 1 - exp(-5000**2 / 2e6), near certain."""
    nonces = NonceSource()
    headers = [
        signed_headers("2100147", "m7-demo-secret", clock=lambda: 1608119594.5, nonces=nonces)
        for _ in range(5_000)
    ]
    assert len({(h["m7-sign"], h["m7-nonce"]) for h in headers}) == 5_000


def test_the_nonce_source_is_safe_to_share_between_threads() -> None:
    nonces = NonceSource()
    taken: list[str] = []

    def take_many() -> None:
        taken.extend(nonces.take("1608119594") for _ in range(2_000))

    threads = [threading.Thread(target=take_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == len(set(taken)) == 8_000
