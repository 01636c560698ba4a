"""``m7-mock``'s proxy and replay options: the upstream's keys from the environment or a
file only, every unusable combination refused with a message naming it and no secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_server.app import create_app
from mock_server.cli import ConfigError, main, parse_settings
from mock_server.settings import Settings
from mock_server.upstream.config import (
    MockMode,
    UpstreamConfig,
    UpstreamConfigError,
    UpstreamCredentials,
)
from mock_server.upstream.har import HarWriter
from tests.proxy.recordings import exchange

ENV = {"M7_UPSTREAM_APP_KEY": "7700123", "M7_UPSTREAM_SECRET_KEY": "upstream-secret-Zq81"}
KEYS = ("7700123", "upstream-secret-Zq81")


def test_the_keys_come_from_the_environment_and_no_repr_shows_them() -> None:
    settings = parse_settings(["--upstream", "https://vendor.example/"], ENV)
    upstream = settings.mode.upstream
    assert upstream is not None
    assert upstream.url == "https://vendor.example"
    assert (upstream.credentials.app_key, upstream.credentials.secret_key) == (
        "7700123",
        "upstream-secret-Zq81",
    )
    assert settings.mode.kind == "proxy"
    for shown in (repr(settings), repr(upstream), str(settings.mode.describe())):
        assert "upstream-secret" not in shown
        assert "7700123" not in shown


def test_the_keys_may_come_from_a_file(tmp_path: Path) -> None:
    file = tmp_path / "upstream.json"
    file.write_text(json.dumps({"7700999": "from-a-file"}), encoding="utf-8")
    settings = parse_settings(
        ["--upstream", "http://127.0.0.1:9", "--upstream-credentials", str(file)], {}
    )
    assert settings.mode.upstream is not None
    assert settings.mode.upstream.credentials.secret_key == "from-a-file"


@pytest.mark.parametrize(
    ("argv", "env", "says"),
    [
        (["--upstream", "https://vendor.example"], {}, "M7_UPSTREAM_SECRET_KEY"),
        (["--upstream", "https://k:upstream-secret@vendor.example"], ENV, "must not hold"),
        (["--upstream", "ftp://vendor.example"], ENV, "http:// or https://"),
        (["--upstream", "https://vendor.example?k=1"], ENV, "no query"),
        (["--upstream", "https://vendor.example", "--upstream-timeout", "0"], ENV, "above 0"),
        (["--record", "x.har"], ENV, "--record needs --upstream"),
        (["--replay-fallback", "simulate"], {}, "needs --replay"),
        (["--upstream-credentials", "nowhere.json"], {}, "only with --upstream"),
    ],
)
def test_an_unusable_combination_is_refused_without_a_secret(
    argv: list[str], env: dict[str, str], says: str
) -> None:
    with pytest.raises(ConfigError, match=says) as refused:
        parse_settings(argv, env)
    assert "upstream-secret" not in str(refused.value)


def test_a_credentials_file_is_checked(tmp_path: Path) -> None:
    file = tmp_path / "two.yaml"
    file.write_text("a: upstream-secret-1\nb: upstream-secret-2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="exactly one app key") as refused:
        parse_settings(["--upstream", "http://h", "--upstream-credentials", str(file)], {})
    assert "upstream-secret" not in str(refused.value)


def test_a_recording_is_never_replaced_and_a_replay_must_be_readable(tmp_path: Path) -> None:
    existing = tmp_path / "old.har"
    HarWriter(existing, max_bytes=1 << 20).close()
    with pytest.raises(ConfigError, match="exists already"):
        parse_settings(["--upstream", "http://h", "--record", str(existing)], ENV)
    settings = parse_settings(["--replay", str(existing)], {})
    assert settings.mode.kind == "replay"
    broken = tmp_path / "broken.har"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a HAR file"):
        parse_settings(["--replay", str(broken)], {})
    with pytest.raises(ConfigError, match="one worker"):
        parse_settings(
            [
                "--upstream",
                "http://h",
                "--record",
                str(tmp_path / "new.har"),
                "--workers",
                "2",
                "--state",
                "redis://127.0.0.1:6379/0",
            ],
            ENV,
        )


@pytest.mark.parametrize("auth_mode", ["presence", "off"])
@pytest.mark.parametrize(
    "mode_options",
    [
        pytest.param([], id="proxy"),
        pytest.param(["--replay", "{har}", "--replay-fallback", "upstream"], id="replay-fallback"),
    ],
)
def test_the_upstream_needs_strict_authentication(
    tmp_path: Path, auth_mode: str, mode_options: list[str]
) -> None:
    """The upstream signs what the mock relays with the real key: a mock that does not verify
    its callers would lend that key to anyone who can reach it."""
    har = tmp_path / "r.har"
    HarWriter(har, max_bytes=1 << 20).close()
    argv = ["--upstream", "http://h", "--auth-mode", auth_mode]
    argv += [option.format(har=har) for option in mode_options]
    with pytest.raises(ConfigError, match="--upstream needs --auth-mode strict") as refused:
        parse_settings(argv, ENV)
    assert auth_mode in str(refused.value)
    assert "upstream-secret" not in str(refused.value)
    # The same refusal when the settings are built in code (tests, embedding).
    mode = MockMode(upstream=UpstreamConfig(url="http://h", credentials=UpstreamCredentials(*KEYS)))
    with pytest.raises(UpstreamConfigError, match="--auth-mode strict"):
        create_app(Settings(auth_mode=auth_mode, mode=mode))  # type: ignore[arg-type]
    # Strict is the default, and a replay without the upstream needs no verification.
    assert parse_settings(argv[:2], ENV).mode.kind == "proxy"
    assert parse_settings(["--replay", str(har), "--auth-mode", auth_mode], {}).mode.replay


@pytest.mark.parametrize("value", ["inf", "1e999", "Infinity", "nan"])
def test_the_upstream_timeout_must_be_a_finite_number(value: str) -> None:
    with pytest.raises(ConfigError, match="upstream-timeout"):
        parse_settings(["--upstream", "http://h", "--upstream-timeout", value], ENV)


def test_an_unreadable_replay_is_one_line_and_exit_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.har"
    entry = {"request": {"url": "http://x/openapi/v1/call/listen", "postData": "oops"}}
    bad.write_text(json.dumps({"log": {"entries": [{**entry, "response": {"status": 200}}]}}))
    assert main(["--replay", str(bad), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"m7-mock: --replay {bad}: log.entries[0]")
    assert "postData" in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_the_replay_is_read_once(tmp_path: Path) -> None:
    """``m7-mock`` reads and checks the file at start-up; the app replays what it read."""
    har = tmp_path / "r.har"
    writer = HarWriter(har, max_bytes=1 << 20)
    writer.write(exchange(9527))
    writer.close()
    settings = parse_settings(["--replay", str(har)], {})
    assert settings.mode.replay_entries is not None
    assert "entries" not in repr(settings.mode)
    har.write_text("no longer a recording", encoding="utf-8")  # not read again
    app = create_app(settings)
    assert app.elsewhere is not None
    assert app.elsewhere.describe()["replayable"] == 1
