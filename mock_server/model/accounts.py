"""Accounts: in the vendor's model an app key is an account, and each account is its own call
center, with its own secret, agents, calls, journal and faults.

A scenario file may declare several accounts beside (or instead of) the one call center it
describes at its top level::

    agents: [...]                 # the call center of every account without its own
    accounts:
      - appKey: "ci-job-a"
        secret: "a-secret"        # needed unless the credentials already name the app key
      - appKey: "ci-job-b"
        secret: "b-secret"
        agents: [...]             # this account's own call center
        calls: [...]

``plan_accounts`` joins that with the credentials into ``AccountPlan``: every account's
secret and starting scenario, and the default account, which the admin API acts on when a
request names none (the demo account when the demo credentials are in use, else the first
app key of the credentials).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from mock_server.model.callcenter import CallStateError
from mock_server.model.scenario import Scenario, ScenarioError, _mapping, _text, parse_scenario
from mock_server.model.state import MockState

__all__ = [
    "ACCOUNT_KEYS",
    "AccountPlan",
    "AccountScenario",
    "Accounts",
    "ScenarioFile",
    "parse_scenario_file",
    "plan_accounts",
]

#: The keys of one entry of ``accounts``.
ACCOUNT_KEYS: Final = ("appKey", "secret", "mediaServer", "agents", "calls")
_CENTER_KEYS: Final = ("mediaServer", "agents", "calls")
#: The app-key rule of the vendor document (m7-appkey): printable, no separators.
_LONGEST_APP_KEY: Final = 64


@dataclass(frozen=True)
class AccountScenario:
    """One entry of ``accounts``: an app key, maybe its secret, maybe its own call center."""

    app_key: str
    secret: str | None = field(default=None, repr=False)
    scenario: Scenario | None = None


@dataclass(frozen=True)
class ScenarioFile:
    """A whole scenario document: the shared call center (if given) and the accounts."""

    center: Scenario | None
    accounts: tuple[AccountScenario, ...] = ()


def parse_scenario_file(data: object) -> ScenarioFile:
    """Validate a scenario document with or without ``accounts``; ``ScenarioError`` names the
    place at fault (``accounts[1].agents[0].role: ...``)."""
    root = _mapping(data, "scenario", (*_CENTER_KEYS, "accounts"))
    raw_accounts = root.get("accounts")
    if raw_accounts is None:
        return ScenarioFile(parse_scenario(root))
    if not isinstance(raw_accounts, list) or not raw_accounts:
        raise ScenarioError("accounts: must be a non-empty list")
    center = None
    if any(key in root for key in _CENTER_KEYS):
        center = parse_scenario({k: v for k, v in root.items() if k != "accounts"})
    accounts: list[AccountScenario] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_accounts):
        where = f"accounts[{index}]"
        item = _mapping(raw, where, ACCOUNT_KEYS)
        app_key = _text(item, "appKey", where)
        if len(app_key) > _LONGEST_APP_KEY or any(c.isspace() or c in ",:" for c in app_key):
            raise ScenarioError(f"{where}.appKey: {app_key!r} is not an app key")
        if app_key in seen:
            raise ScenarioError(
                f"{where}.appKey: duplicate account {app_key} (also accounts[{seen[app_key]}])"
            )
        seen[app_key] = index
        secret = _text(item, "secret", where) if "secret" in item else None
        scenario = None
        if any(key in item for key in _CENTER_KEYS):
            try:
                scenario = parse_scenario({k: v for k, v in item.items() if k in _CENTER_KEYS})
            except ScenarioError as exc:
                raise ScenarioError(f"{where}.{exc}") from None
        accounts.append(AccountScenario(app_key, secret, scenario))
    return ScenarioFile(center, tuple(accounts))


@dataclass(frozen=True)
class AccountPlan:
    """Every account the mock serves: its secret and starting scenario; and the default."""

    default: str
    secrets: Mapping[str, str] = field(repr=False)
    scenarios: Mapping[str, Scenario] = field(repr=False)


def plan_accounts(
    credentials: Mapping[str, str], file: ScenarioFile | None, fallback: Scenario
) -> AccountPlan:
    """Join the credentials and the scenario file; ``fallback`` (the demo) is the call center
    of the accounts the file gives none. Raises ``ScenarioError`` for an account without a
    secret anywhere, or with two different ones."""
    if not credentials:
        raise ScenarioError("credentials: at least one account is needed")
    shared = file.center if file is not None and file.center is not None else fallback
    secrets = dict(credentials)
    own: dict[str, Scenario] = {}
    for index, account in enumerate(file.accounts if file is not None else ()):
        where = f"accounts[{index}]"
        known = secrets.get(account.app_key)
        if account.secret is None and known is None:
            raise ScenarioError(
                f"{where}.secret: is required (the credentials do not name {account.app_key})"
            )
        if account.secret is not None and known is not None and account.secret != known:
            raise ScenarioError(
                f"{where}.secret: differs from the credentials' secret of {account.app_key}"
            )
        if account.secret is not None:
            secrets[account.app_key] = account.secret
        if account.scenario is not None:
            own[account.app_key] = account.scenario
    default = next(iter(credentials))
    return AccountPlan(
        default=default,
        secrets=secrets,
        scenarios={app_key: own.get(app_key, shared) for app_key in secrets},
    )


class Accounts:
    """The state of every account, by app key, and which one is the default."""

    def __init__(self, states: Mapping[str, MockState], default: str) -> None:
        if default not in states:
            raise ValueError(f"default account {default} has no state")
        self._states = dict(states)
        self.default = default

    def __len__(self) -> int:
        return len(self._states)

    def __iter__(self) -> Iterator[str]:
        return iter(self._states)

    @property
    def default_state(self) -> MockState:
        return self._states[self.default]

    def of(self, app_key: str | None) -> MockState:
        """The state a vendor request acts on: its app key's, else the default account's
        (an unknown app key is refused by authentication, or served by the default in the
        ``presence`` and ``off`` modes)."""
        if app_key is None:
            return self._states[self.default]
        return self._states.get(app_key) or self._states[self.default]

    def named(self, account: str | None) -> MockState:
        """The state an admin request names (the default when it names none); an unknown
        account is refused with 404 and code 40404."""
        if account is None:
            return self._states[self.default]
        state = self._states.get(account)
        if state is None:
            raise CallStateError(404, "40404", "account", f"account: no account {account}")
        return state
