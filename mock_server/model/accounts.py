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

from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from secrets import token_hex, token_urlsafe
from typing import Final, Protocol

import orjson

from mock_server.model.callcenter import CallStateError
from mock_server.model.clock import AccountClock
from mock_server.model.defaults import MAX_ACCOUNTS
from mock_server.model.scenario import Scenario, ScenarioError, _mapping, _text, parse_scenario
from mock_server.model.state import MockState

__all__ = [
    "ACCOUNT_KEYS",
    "AccountPlan",
    "AccountRegistry",
    "AccountScenario",
    "Accounts",
    "RuntimeAccount",
    "ScenarioFile",
    "StateFactory",
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
    #: Where an account created at run time without a scenario of its own starts.
    shared: Scenario = field(repr=False, default=Scenario(media_server="", agents=()))


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
        shared=shared,
        secrets=secrets,
        scenarios={app_key: own.get(app_key, shared) for app_key in secrets},
    )


class AccountRegistry(Protocol):
    """Where the accounts created while the mock runs are kept for every worker of a shared
    state (Redis): a small entry per app key (``RuntimeAccount.entry``: the secret and a
    serial, read on every request naming the account) and, apart, its starting scenario
    (read only when the entry changed)."""

    async def add(
        self, app_key: str, entry: bytes, serial: str, scenario: bytes, limit: int
    ) -> str:
        """``"ok"``, or ``"exists"`` (the app key is taken) or ``"full"`` (``limit``
        accounts exist), atomically; ``serial`` tells this creation from any other."""

    async def remove(self, app_key: str) -> bool:
        """Remove the account and everything its keys hold; whether it existed."""

    async def entry(self, app_key: str) -> bytes | None:
        """The account's entry (``None``: no such account)."""

    async def scenario(self, app_key: str, serial: str) -> bytes | None:
        """The starting scenario of the ``serial`` creation of the account (``None``: being
        made, removed, or made again since)."""


@dataclass(frozen=True)
class RuntimeAccount:
    """An account created through the admin API: its secret and starting call center."""

    app_key: str
    secret: str = field(repr=False)
    scenario: Scenario
    #: Tells one creation from another of the same app key (a worker's copy is then stale).
    serial: str

    def entry(self) -> bytes:
        """What every request naming the account reads: small, whatever the scenario."""
        return orjson.dumps({"secret": self.secret, "serial": self.serial})

    def scenario_data(self) -> bytes:
        return orjson.dumps(self.scenario.to_data())

    @staticmethod
    def serial_of(entry: bytes) -> str:
        return str(orjson.loads(entry)["serial"])

    @classmethod
    def decode(cls, app_key: str, entry: bytes, scenario: bytes) -> RuntimeAccount:
        data = orjson.loads(entry)
        return cls(app_key, data["secret"], parse_scenario(orjson.loads(scenario)), data["serial"])


#: Makes the state of an account created at run time: its app key, starting scenario and
#: the serial of its creation.
StateFactory = Callable[[str, Scenario, str], MockState]


class Accounts:
    """The state of every account, by app key, and which one is the default.

    The accounts of the start-up configuration stay for the mock's life; the admin API adds
    and removes others (``create``, ``delete``), at most ``max_accounts`` at once. With a
    ``registry`` (a shared state) every worker sees them: ``resolve`` brings this worker's
    copy of an account in line with the registry before a request acts on it.
    """

    def __init__(
        self,
        states: Mapping[str, MockState],
        default: str,
        *,
        secrets: Mapping[str, str] | None = None,
        make_state: StateFactory | None = None,
        starting_scenario: Scenario | None = None,
        max_accounts: int = MAX_ACCOUNTS,
        registry: AccountRegistry | None = None,
    ) -> None:
        if default not in states:
            raise ValueError(f"default account {default} has no state")
        self._states = dict(states)
        self.default = default
        self._configured = frozenset(states)
        self._secrets = dict(secrets or {})
        self._make_state = make_state
        self._starting_scenario = starting_scenario
        self.max_accounts = max_accounts
        self._registry = registry
        #: The registry entry each run-time account here was made from, least recently used
        #: first.
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        #: How many requests hold each run-time account (``resolve`` / ``release``).
        self._held: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._states)

    def __iter__(self) -> Iterator[str]:
        return iter(self._states)

    @property
    def default_state(self) -> MockState:
        return self._states[self.default]

    @property
    def shared(self) -> bool:
        """Whether other workers may create and remove accounts (``resolve`` then matters)."""
        return self._registry is not None

    def clock_of(self, app_key: str) -> AccountClock | None:
        """The clock of a known account (``None``: unknown, judged on the real time)."""
        state = self._states.get(app_key)
        return state.clock if state is not None else None

    def secret_of(self, app_key: str) -> str | None:
        """The secret of a known account (``None``: unknown), for authentication."""
        return self._secrets.get(app_key) if app_key in self._states else None

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

    async def resolve(self, app_key: str | None) -> bool:
        """Bring this worker's copy of a run-time account in line with the registry (one
        read; nothing to do without a registry or for a start-up account) and hold it: while
        held (until ``release``) it is never forgotten to make room. Whether it is held."""
        if self._registry is None or app_key is None or app_key in self._configured:
            return False
        entry = await self._registry.entry(app_key)
        if entry is not None and self._entries.get(app_key) == entry:
            self._entries.move_to_end(app_key)  # the least recently used is evicted first
        else:
            serial = RuntimeAccount.serial_of(entry) if entry is not None else ""
            scenario = await self._registry.scenario(app_key, serial) if entry else None
            if entry is None or scenario is None:
                self._forget(app_key)
                return False
            self._adopt(RuntimeAccount.decode(app_key, entry, scenario), entry)
        self._held[app_key] += 1
        return True

    def release(self, app_key: str) -> None:
        """Let go of what ``resolve`` held; copies beyond ``max_accounts`` go then."""
        self._held[app_key] -= 1
        if self._held[app_key] <= 0:
            del self._held[app_key]
        self._make_room()

    async def create(
        self,
        app_key: str | None = None,
        secret: str | None = None,
        scenario: Scenario | None = None,
    ) -> RuntimeAccount:
        """A new account (an app key and a secret made up when not given), starting from
        ``scenario`` (the start-up call center when not given). Refused with 409: an app key
        in use (40909), ``max_accounts`` reached (40910)."""
        if self._make_state is None or self._starting_scenario is None:
            raise CallStateError(409, "40910", "appKey", "accounts: this mock cannot add accounts")
        account = RuntimeAccount(
            app_key or f"t-{token_hex(8)}",
            secret or token_urlsafe(32),
            scenario or self._starting_scenario,
            token_hex(8),
        )
        entry = account.entry()
        if account.app_key in self._configured:
            added = "exists"
        elif self._registry is not None:
            added = await self._registry.add(
                account.app_key, entry, account.serial, account.scenario_data(), self.max_accounts
            )
        elif account.app_key in self._states:
            added = "exists"
        elif len(self._states) - len(self._configured) >= self.max_accounts:
            added = "full"
        else:
            added = "ok"
        if added == "exists":
            raise CallStateError(
                409, "40909", "appKey", f"appKey: account {account.app_key} exists already"
            )
        if added == "full":
            raise CallStateError(
                409,
                "40910",
                "appKey",
                f"accounts: {self.max_accounts} accounts exist already (--max-accounts); "
                "delete one first",
            )
        self._adopt(account, entry)
        return account

    async def delete(self, app_key: str) -> None:
        """Remove a run-time account and all it holds; 404 (40404) for an unknown one, 409
        (40911) for one of the start-up configuration."""
        if app_key in self._configured:
            raise CallStateError(
                409,
                "40911",
                "appKey",
                f"appKey: account {app_key} belongs to the start-up configuration and stays",
            )
        if self._registry is not None:
            existed = await self._registry.remove(app_key)
        else:
            existed = app_key in self._states
        self._forget(app_key)
        if not existed:
            raise CallStateError(404, "40404", "appKey", f"appKey: no account {app_key}")

    def _adopt(self, account: RuntimeAccount, entry: bytes) -> None:
        assert self._make_state is not None  # noqa: S101 - only accounts that can add call this
        self._states[account.app_key] = self._make_state(
            account.app_key, account.scenario, account.serial
        )
        self._secrets[account.app_key] = account.secret
        self._entries[account.app_key] = entry
        self._entries.move_to_end(account.app_key)
        self._make_room()

    def _make_room(self) -> None:
        """A copy of the registry is only a cache: this worker keeps at most max_accounts of
        them (another worker's removals are learnt only when a request names the account),
        the least recently used going first, but never one a request holds (those few may
        exceed the bound until released)."""
        excess = len(self._entries) - self.max_accounts
        for app_key in [k for k in self._entries if k not in self._held][: max(excess, 0)]:
            self._forget(app_key)

    def _forget(self, app_key: str) -> None:
        self._states.pop(app_key, None)
        self._secrets.pop(app_key, None)
        self._entries.pop(app_key, None)
