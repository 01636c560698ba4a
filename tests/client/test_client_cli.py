"""The ``m7`` command, run in-process against the fake vendor."""

from __future__ import annotations

import json
import logging
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from m7_call_monitor import signature_matches
from m7_call_monitor.cli import main
from m7_call_monitor.signing import is_valid_nonce, is_valid_timestamp


@pytest.fixture
def env(vendor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("M7_BASE_URL", vendor.base_url)
    monkeypatch.setenv("M7_APP_KEY", vendor.app_key)
    monkeypatch.setenv("M7_SECRET_KEY", vendor.secret)


@pytest.mark.usefixtures("env")
def test_listen_prints_the_envelope_as_json(
    vendor: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["listen", "--supervisor", "2002", "--agent", "9527", "--action-id", "监听一下"]
    assert main(argv, transport=vendor.sync_transport()) == 0
    out, err = capsys.readouterr()
    printed = json.loads(out)
    assert printed["success"] is True
    assert printed["actionId"] == "监听一下"
    assert printed["requestInfo"]["url"] == "/openapi/v1/call/listen"
    assert "监听一下" in out  # ensure_ascii=False
    assert out.startswith("{\n  ")  # pretty
    assert err == ""


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize(
    ("command", "operation"),
    [
        ("whisper", "whisper"),
        ("barge", "lootCall"),
        ("lootCall", "lootCall"),
        ("hangup", "hangupChannel"),
        ("hangupChannel", "hangupChannel"),
        ("pickup", "pickupChannel"),
        ("pickupChannel", "pickupChannel"),
    ],
)
def test_each_action_and_its_vendor_alias(
    vendor: Any, capsys: pytest.CaptureFixture[str], command: str, operation: str
) -> None:
    assert (
        main(
            [command, "--supervisor", "2002", "--agent", "9527"], transport=vendor.sync_transport()
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["success"] is True
    assert vendor.requests[-1].path == f"/openapi/v1/call/{operation}"


def test_options_override_the_environment_and_go_before_or_after_the_command(
    vendor: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("M7_BASE_URL", "http://wrong.example")
    monkeypatch.setenv("M7_APP_KEY", "wrong")
    monkeypatch.setenv("M7_SECRET_KEY", vendor.secret)
    argv = ["--base-url", vendor.base_url, "listen", "--supervisor", "2002", "--agent", "9527",
            "--app-key", vendor.app_key]  # fmt: skip
    assert main(argv, transport=vendor.sync_transport()) == 0
    assert vendor.requests[-1].headers["host"] == "m7.test"
    assert vendor.requests[-1].headers["m7-appkey"] == vendor.app_key


def test_the_secret_can_come_from_a_file(
    vendor: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("M7_BASE_URL", vendor.base_url)
    secret_file = tmp_path / "m7.secret"
    secret_file.write_text(vendor.secret + "\n", encoding="utf-8")
    argv = ["--app-key", vendor.app_key, "--secret-key-file", str(secret_file),
            "hangup", "--supervisor", "2002", "--agent", "9527"]  # fmt: skip
    assert main(argv, transport=vendor.sync_transport()) == 0


@pytest.mark.usefixtures("env")
def test_a_business_error_exits_1_with_code_message_and_request_id(
    vendor: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    vendor.then_error(
        409, "40903", "agentNumber: agent 9530 has no live call", requestId="8eef3e90"
    )
    argv = ["hangup", "--supervisor", "2002", "--agent", "9530"]
    assert main(argv, transport=vendor.sync_transport()) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "error 40903: agentNumber: agent 9530 has no live call (request id 8eef3e90)\n"


@pytest.mark.usefixtures("env", "quiet_logger")
@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
def test_an_invalid_body_prints_every_violated_field(
    vendor: Any, capsys: pytest.CaptureFixture[str], verbose: list[str]
) -> None:
    argv = [*verbose, "listen", "--supervisor", "20 02", "--agent", "9527",
            "--action-id", "x" * 41]  # fmt: skip
    assert main(argv, transport=vendor.sync_transport()) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("m7: ")]
    assert err[0].startswith("error 400: request body is invalid: 2 violations (request id ")
    assert err[1:] == [
        "  body.listenAgent: '20 02' is not a valid agent number",
        "  body.actionId: too long (at most 40 characters)",
    ]


def test_an_auth_error_exits_1(
    vendor: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("M7_BASE_URL", vendor.base_url)
    monkeypatch.setenv("M7_APP_KEY", vendor.app_key)
    monkeypatch.setenv("M7_SECRET_KEY", "wrong-secret")
    assert (
        main(
            ["listen", "--supervisor", "2002", "--agent", "9527"], transport=vendor.sync_transport()
        )
        == 1
    )
    err = capsys.readouterr().err
    assert err.startswith("error 401: m7-sign: signature does not match (request id ")
    assert "wrong-secret" not in err


@pytest.mark.usefixtures("env")
def test_no_response_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    argv = ["--retries", "0", "listen", "--supervisor", "2002", "--agent", "9527"]
    assert main(argv, transport=httpx.MockTransport(refuse)) == 3
    assert capsys.readouterr().err.startswith(
        "error transport: ConnectError: could not connect to "
        "http://m7.test/openapi/v1/call/listen: connection refused"
    )


def test_missing_settings_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["listen", "--supervisor", "2002", "--agent", "9527"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error config: missing setting M7_BASE_URL, M7_APP_KEY, M7_SECRET_KEY")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["listen", "--supervisor", "2002"]) == 2
    assert "--agent" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert main(["--retries", "-1", "listen", "--supervisor", "1", "--agent", "2"]) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["sign", "--help"],
        ["listen", "--help"],
        ["barge", "--help"],
        ["lootCall", "--help"],
    ],
)
def test_help_everywhere(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    assert "usage: m7" in capsys.readouterr().out


def test_help_names_the_vendor_operations(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--help"])
    out = capsys.readouterr().out
    for name in (
        "listen",
        "whisper",
        "lootCall",
        "hangupChannel",
        "pickupChannel",
        "M7_SECRET_KEY",
    ):
        assert name in out


@pytest.mark.usefixtures("env")
def test_sign_prints_the_four_headers(vendor: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sign"]) == 0
    lines = capsys.readouterr().out.splitlines()
    headers = dict(line.split(": ", 1) for line in lines)
    assert list(headers) == ["m7-appkey", "m7-nonce", "m7-timestamp", "m7-sign"]
    assert headers["m7-appkey"] == vendor.app_key
    assert is_valid_nonce(headers["m7-nonce"])
    assert is_valid_timestamp(headers["m7-timestamp"])
    assert signature_matches(
        vendor.app_key,
        vendor.secret,
        headers["m7-timestamp"],
        headers["m7-nonce"],
        headers["m7-sign"],
    )
    assert vendor.secret not in "\n".join(lines)


@pytest.mark.usefixtures("env")
def test_sign_json_prints_the_four_headers_as_one_object(
    vendor: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sign", "--json"]) == 0
    out = capsys.readouterr().out
    headers = json.loads(out)
    assert list(headers) == ["m7-appkey", "m7-nonce", "m7-timestamp", "m7-sign"]
    assert headers["m7-appkey"] == vendor.app_key
    assert signature_matches(
        vendor.app_key,
        vendor.secret,
        headers["m7-timestamp"],
        headers["m7-nonce"],
        headers["m7-sign"],
    )
    assert vendor.secret not in out


@pytest.mark.usefixtures("env")
def test_sign_json_and_curl_do_not_go_together(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sign", "--json", "--curl", "--operation", "listen", "--body", "{}"]
    assert main(argv) == 2
    assert "--json and --curl" in capsys.readouterr().err


def test_sign_needs_no_base_url(
    vendor: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("M7_SECRET_KEY", vendor.secret)
    assert main(["sign", "--app-key", "2000103"]) == 0
    assert "m7-appkey: 2000103" in capsys.readouterr().out


@pytest.mark.usefixtures("env")
def test_sign_curl_prints_a_working_curl_command(
    vendor: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    body = '{"lootCallAgent": "2002", "agentNumber": "9527", "actionId": "强插"}'
    assert main(["sign", "--curl", "--operation", "barge", "--body", body]) == 0
    out = capsys.readouterr().out
    assert vendor.secret not in out
    words = shlex.split(out.replace("\\\n", " "))
    assert words[:5] == ["curl", "-sS", "-X", "POST", f"{vendor.base_url}/openapi/v1/call/lootCall"]
    headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
    assert headers["content-type"] == "application/json"
    assert signature_matches(
        vendor.app_key,
        vendor.secret,
        headers["m7-timestamp"],
        headers["m7-nonce"],
        headers["m7-sign"],
    )
    assert json.loads(words[words.index("--data-raw") + 1]) == json.loads(body)
    assert "强插" in out

    # The printed request is accepted by the vendor, as curl would send it.
    with httpx.Client(transport=vendor.sync_transport()) as http:
        response = http.post(
            words[4], headers=headers, content=words[words.index("--data-raw") + 1]
        )
    assert response.status_code == 200, response.text


@pytest.mark.usefixtures("env")
def test_sign_curl_accepts_vendor_names_and_checks_its_input(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sign", "--curl", "--operation", "pickupChannel", "--body", "{}"]) == 0
    assert "/openapi/v1/call/pickupChannel" in capsys.readouterr().out
    assert main(["sign", "--curl", "--body", "{}"]) == 2
    assert "needs --operation and --body" in capsys.readouterr().err
    assert main(["sign", "--curl", "--operation", "teleport", "--body", "{}"]) == 2
    assert "unknown operation 'teleport'" in capsys.readouterr().err
    assert main(["sign", "--curl", "--operation", "listen", "--body", "{oops"]) == 2
    assert "--body is not JSON" in capsys.readouterr().err
    assert main(["sign", "--operation", "listen", "--body", "{}"]) == 2
    assert "go with --curl" in capsys.readouterr().err


def test_python_dash_m_runs_the_command() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "m7_call_monitor", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert "usage: m7" in completed.stdout


@pytest.fixture
def quiet_logger() -> Iterator[logging.Logger]:
    """Undo what ``-v`` does to the package logger, so other tests are unaffected."""
    logger = logging.getLogger("m7_call_monitor")
    handlers, level = list(logger.handlers), logger.level
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)


@pytest.mark.usefixtures("env")
def test_verbose_logs_requests_without_secrets(
    vendor: Any, capsys: pytest.CaptureFixture[str], quiet_logger: logging.Logger
) -> None:
    argv = ["-v", "listen", "--supervisor", "2002", "--agent", "9527"]
    assert main(argv, transport=vendor.sync_transport()) == 0
    assert main(argv, transport=vendor.sync_transport()) == 0  # no handler piles up
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert all(
        line.startswith("m7: POST /openapi/v1/call/listen -> 200 (attempt 1/3") for line in err
    )
    assert not any(
        vendor.secret in line or seen.sign in line for line in err for seen in vendor.requests
    )


# --- m7 sign --at: headers signed as of a chosen time, for a server whose clock is not the real
# time (the mock's, frozen or moved by a test), from the shell.

FROZEN = 1_767_225_600


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
