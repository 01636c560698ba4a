"""``m7 sign --at``: headers signed as of a chosen time, for a server whose clock is not the
real time (the mock's, frozen or moved by a test), from the shell."""

from __future__ import annotations

import json
from typing import Any

import pytest

from m7_call_monitor import signature_matches
from m7_call_monitor.cli import main

FROZEN = 1_767_225_600


@pytest.fixture
def env(vendor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("M7_BASE_URL", vendor.base_url)
    monkeypatch.setenv("M7_APP_KEY", vendor.app_key)
    monkeypatch.setenv("M7_SECRET_KEY", vendor.secret)


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("form", [[], ["--json"]])
def test_sign_at_a_chosen_time(
    vendor: Any, capsys: pytest.CaptureFixture[str], form: list[str]
) -> None:
    assert main(["sign", "--at", f"{FROZEN + 0.75}", *form]) == 0
    out = capsys.readouterr().out
    headers = json.loads(out) if form else dict(line.split(": ", 1) for line in out.splitlines())
    assert headers["m7-timestamp"] == str(FROZEN)
    assert signature_matches(
        vendor.app_key, vendor.secret, str(FROZEN), headers["m7-nonce"], headers["m7-sign"]
    )


@pytest.mark.usefixtures("env")
def test_sign_curl_at_a_chosen_time(capsys: pytest.CaptureFixture[str]) -> None:
    body = json.dumps({"listenAgent": "2000", "agentNumber": "9527"})
    argv = ["sign", "--curl", "--operation", "listen", "--body", body, "--at", str(FROZEN)]
    assert main(argv) == 0
    assert f"m7-timestamp: {FROZEN}" in capsys.readouterr().out


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("bad", ["-5", "12", "1e12", "nan", "inf", "soon"])
def test_sign_at_refuses_a_time_without_a_ten_digit_timestamp(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sign", "--at", bad]) == 2
    err = capsys.readouterr().err
    assert "--at" in err
    assert "Traceback" not in err
