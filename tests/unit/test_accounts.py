"""Accounts in scenario files: several call centers, each with its own app key and secret."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.model.accounts import AccountScenario, parse_scenario_file, plan_accounts
from mock_server.model.scenario import DEMO, ScenarioError

ONE_AGENT: dict[str, Any] = {"agents": [{"number": "1", "role": "supervisor"}]}
DEMO_CREDENTIALS = {"2100147": "m7-demo-secret"}


def test_a_file_without_accounts_is_one_call_center() -> None:
    file = parse_scenario_file(ONE_AGENT)
    assert file.accounts == ()
    assert file.center is not None
    assert [a.number for a in file.center.agents] == ["1"]


def test_accounts_with_and_without_their_own_call_center() -> None:
    file = parse_scenario_file(
        {
            **ONE_AGENT,
            "accounts": [
                {"appKey": "job-a", "secret": "sa"},
                {"appKey": "job-b", "secret": "sb", "agents": [], "mediaServer": "10.0.0.1:1"},
            ],
        }
    )
    assert file.accounts[0] == AccountScenario("job-a", "sa", None)
    assert file.accounts[1].scenario is not None
    assert file.accounts[1].scenario.media_server == "10.0.0.1:1"
    plan = plan_accounts(DEMO_CREDENTIALS, file, DEMO)
    assert plan.default == "2100147"
    assert plan.secrets == {"2100147": "m7-demo-secret", "job-a": "sa", "job-b": "sb"}
    assert plan.scenarios["2100147"] is file.center
    assert plan.scenarios["job-a"] is file.center
    assert plan.scenarios["job-b"].agents == ()


def test_without_a_shared_center_the_fallback_serves_the_others() -> None:
    file = parse_scenario_file({"accounts": [{"appKey": "job-a", "secret": "s", **ONE_AGENT}]})
    plan = plan_accounts(DEMO_CREDENTIALS, file, DEMO)
    assert plan.scenarios["2100147"] is DEMO
    assert [a.number for a in plan.scenarios["job-a"].agents] == ["1"]


def test_an_account_named_by_the_credentials_needs_no_secret() -> None:
    file = parse_scenario_file({"accounts": [{"appKey": "2100147", **ONE_AGENT}]})
    plan = plan_accounts(DEMO_CREDENTIALS, file, DEMO)
    assert plan.secrets == DEMO_CREDENTIALS
    assert plan.scenarios["2100147"] is file.accounts[0].scenario


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"accounts": []}, "accounts: must be a non-empty list"),
        ({"accounts": [{"secret": "s"}]}, "accounts[0].appKey: is required"),
        ({"accounts": [{"appKey": "a b", "secret": "s"}]}, "accounts[0].appKey: 'a b' is not"),
        (
            {"accounts": [{"appKey": "a", "secret": "s"}, {"appKey": "a", "secret": "t"}]},
            "accounts[1].appKey: duplicate account a (also accounts[0])",
        ),
        ({"accounts": [{"appKey": "a", "sekret": "s"}]}, "accounts[0]: unknown key 'sekret'"),
        (
            {"accounts": [{"appKey": "a", "secret": "s", "agents": [{"number": "1"}]}]},
            "accounts[0].agents[0].role: is required",
        ),
    ],
)
def test_a_wrong_account_is_named_exactly(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario_file(data)
    assert str(info.value).startswith(message)


def test_an_account_without_any_secret_is_refused() -> None:
    file = parse_scenario_file({"accounts": [{"appKey": "job-a"}]})
    with pytest.raises(ScenarioError, match=r"accounts\[0\]\.secret: is required"):
        plan_accounts(DEMO_CREDENTIALS, file, DEMO)


def test_two_different_secrets_for_one_account_are_refused() -> None:
    file = parse_scenario_file({"accounts": [{"appKey": "2100147", "secret": "other"}]})
    with pytest.raises(ScenarioError, match="differs from the credentials"):
        plan_accounts(DEMO_CREDENTIALS, file, DEMO)


def test_secrets_stay_out_of_reprs() -> None:
    file = parse_scenario_file({"accounts": [{"appKey": "job-a", "secret": "hush-42"}]})
    plan = plan_accounts(DEMO_CREDENTIALS, file, DEMO)
    assert "hush-42" not in repr(file)
    assert "hush-42" not in repr(plan)
    assert "m7-demo-secret" not in repr(plan)
