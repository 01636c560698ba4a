"""The command line: options, their environment variables, credentials, and the banner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_server.banner import banner
from mock_server.cli import ConfigError, main, parse_settings
from mock_server.settings import DEMO_SECRET, Settings, is_loopback, load_credentials
from tests.api.helpers import ALL_INTERFACES


def test_the_defaults() -> None:
    settings = parse_settings([], {})
    assert (settings.host, settings.port, settings.auth_mode) == ("127.0.0.1", 4010, "strict")
    assert settings.credentials == {"2100147": DEMO_SECRET}
    assert settings.demo_credentials_in_use
    assert settings.cors_origins == ("*",)
    assert settings.admin_open
    assert not settings.admin_disabled


def test_environment_variables_and_options(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"agents": [{"number": "1", "role": "supervisor"}]}))
    env = {
        "M7_MOCK_HOST": ALL_INTERFACES,
        "M7_MOCK_PORT": "5000",
        "M7_MOCK_AUTH_MODE": "presence",
        "M7_MOCK_SCENARIO": str(scenario),
        "M7_MOCK_CREDENTIALS": "k1:s1,k2:s2",
        "M7_MOCK_ADMIN_TOKEN": "tok",
        "M7_MOCK_CORS_ORIGINS": "http://a.test, http://b.test",
        "M7_MOCK_LOG_LEVEL": "warning",
    }
    settings = parse_settings([], env)
    assert (settings.host, settings.port, settings.auth_mode) == (ALL_INTERFACES, 5000, "presence")
    assert settings.credentials == {"k1": "s1", "k2": "s2"}
    assert settings.credentials_source == "env"
    assert settings.scenario is not None
    assert settings.scenario.agents[0].number == "1"
    assert settings.admin_token == "tok"
    assert settings.cors_origins == ("http://a.test", "http://b.test")
    assert settings.log_level == "warning"
    overridden = parse_settings(["--port", "6000", "--auth-mode", "off"], env)
    assert (overridden.port, overridden.auth_mode) == (6000, "off")


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_credentials_from_a_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"credentials{suffix}"
    path.write_text('{"2000103": "HWHp9xFVlbboxIU2S6DHA7sf9sGzt3"}')
    credentials, source = load_credentials(str(path))
    assert credentials == {"2000103": "HWHp9xFVlbboxIU2S6DHA7sf9sGzt3"}
    assert source == str(path)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--credentials", "nonsense"], "credentials: item 1 is not 'appkey:secret'"),
        (["--port", "70000"], "port: 70000 is not a TCP port"),
        (["--scenario", "/no/such/file.yaml"], "cannot read"),
    ],
)
def test_unusable_options(argv: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(argv, {})


def test_an_unusable_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--credentials", "x"]) == 2
    assert "m7-mock: credentials" in capsys.readouterr().err


def test_a_credentials_file_must_map_keys_to_secrets(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"2000103": 987654321}')
    with pytest.raises(ValueError, match="must be a string") as caught:
        load_credentials(str(path))
    assert str(caught.value) == f"{path}: the secret of app key 2000103 must be a string"


def test_the_banner_shows_the_demo_secret_only_for_the_demo() -> None:
    text = banner(Settings())
    assert "http://127.0.0.1:4010" in text
    assert "http://127.0.0.1:4010/ui/" in text
    assert "strict" in text
    assert "DEMO app key 2100147" in text
    assert DEMO_SECRET in text
    own = banner(Settings(credentials={"k": "top-secret"}, credentials_source="creds.json"))
    assert "top-secret" not in own
    assert DEMO_SECRET not in own
    assert "1 app key(s) from creds.json: k" in own


def test_the_banner_says_when_the_admin_api_is_closed() -> None:
    closed = banner(Settings(host=ALL_INTERFACES))
    assert "DISABLED" in closed
    guarded = banner(Settings(host=ALL_INTERFACES, admin_token="t"))
    assert "Bearer" in guarded
    assert "DISABLED" not in guarded
    assert "[::1]:4010" in banner(Settings(host="::1"))


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        (ALL_INTERFACES, False),
        ("192.168.1.5", False),
        ("::", False),
        ("example.com", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_scenario_file_is_held_to_the_admin_documents_limits(tmp_path: Path) -> None:
    """The scenario parser accepts a call id with a space and a 300-character name, but the
    mock could then answer with state its own document forbids: start-up refuses it."""
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(
        "agents:\n"
        f"  - {{number: '9527', name: '{'x' * 300}', role: agent}}\n"
        "calls:\n"
        "  - {id: 'call 1', customer: '13800138000', agent: '9527', state: talking}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        parse_settings(["--scenario", str(scenario)], {})
    message = str(caught.value)
    assert message.startswith(f"{scenario}: ")
    assert "scenario.agents[0].name" in message
    assert "scenario.calls[0].id" in message


def test_the_demo_scenario_meets_the_admin_documents_limits() -> None:
    from mock_server.documents.connexion_glue import scenario_errors
    from mock_server.model.scenario import load_demo

    assert scenario_errors(load_demo().to_data()) == []


def test_a_bad_port_in_the_environment_is_a_usage_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_settings([], {"M7_MOCK_PORT": "abc"})
    assert caught.value.code == 2
    assert "argument --port: invalid int value: 'abc'" in capsys.readouterr().err


def test_the_banner_leads_to_the_console_and_says_whether_pages_sign() -> None:
    local = banner(Settings())
    assert "  Console     http://127.0.0.1:4010/__mock/console/" in local
    assert "/ui/  (signs every request in the page)" in local
    exposed = banner(Settings(host="0.0.0.0", admin_token="t"))  # noqa: S104 - a test value
    assert "(in-page signing off: --page-signing on allows it)" in exposed


def test_state_and_workers_from_options_and_environment() -> None:
    assert (parse_settings([], {}).state, parse_settings([], {}).workers) == ("memory", 1)
    env = {"M7_MOCK_STATE": "redis://127.0.0.1:6379/2", "M7_MOCK_WORKERS": "3"}
    settings = parse_settings([], env)
    assert (settings.state, settings.workers) == ("redis://127.0.0.1:6379/2", 3)
    settings = parse_settings(["--state", "redis://h:1/0", "--workers", "2"], env)
    assert (settings.state, settings.workers) == ("redis://h:1/0", 2)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workers", "2"], "workers: more than 1 needs a shared state"),
        (["--workers", "0", "--state", "redis://h:1/0"], "workers: 0 is not a number"),
        (["--state", "postgres://h/db"], "state: must be 'memory' or a URL"),
        (["--state", "redis://"], "state: must be 'memory' or a URL"),
    ],
)
def test_unusable_state_options(argv: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(argv, {})


def test_an_unreachable_redis_at_start_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.support.processes import free_port

    url = f"redis://user:hunter2@127.0.0.1:{free_port()}/0"
    assert main(["--state", url, "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("m7-mock: state store: cannot reach redis at 127.0.0.1:")
    assert "hunter2" not in err


def test_a_scenario_file_declaring_accounts(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text(
        "accounts:\n"
        "  - {appKey: job-a, secret: sa}\n"
        "  - {appKey: job-b, secret: sb, agents: [{number: '1', role: supervisor}]}\n"
    )
    settings = parse_settings(["--scenario", str(path)], {})
    assert settings.scenario is None  # no shared call center: the demo serves the others
    assert settings.scenario_file is not None
    assert [a.app_key for a in settings.scenario_file.accounts] == ["job-a", "job-b"]
    path.write_text("accounts:\n  - {appKey: job-a}\n")
    with pytest.raises(ConfigError, match=r"accounts.yaml: accounts\[0\]\.secret: is required"):
        parse_settings(["--scenario", str(path)], {})


def test_pinned_workers_from_options_and_environment() -> None:
    shared = ["--state", "redis://h:1/0", "--workers", "2"]
    assert parse_settings(shared, {}).pin_workers is False
    assert parse_settings([*shared, "--pin-workers", "on"], {}).pin_workers is True
    assert parse_settings(shared, {"M7_MOCK_PIN_WORKERS": "on"}).pin_workers is True
    with pytest.raises(ConfigError, match="pin workers: only with --workers 2 or more"):
        parse_settings(["--pin-workers", "on"], {})
    with pytest.raises(ConfigError, match="pin workers: must be off or on"):
        parse_settings(shared, {"M7_MOCK_PIN_WORKERS": "yes"})
