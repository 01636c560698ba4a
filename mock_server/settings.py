"""What a running mock is configured with, and how credentials are read.

One frozen ``Settings`` value is built by the command line (``cli.py``) or by a test and
handed to ``create_app``; nothing else reads the environment. The clock, the sleep and the
random source are settings too, so that tests can pin time and chance.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal, get_args

import yaml

from mock_server.model.accounts import ScenarioFile
from mock_server.model.defaults import (
    JOURNAL_CAPACITY,
    JOURNAL_MAX_BYTES,
    JOURNAL_VALUE_CHARS,
    MAX_ACCOUNTS,
    MAX_ADMIN_BODY_BYTES,
    MAX_BODY_BYTES,
    MAX_DRAIN_BYTES,
    MAX_HEAD_BYTES,
    MAX_HEADER_COUNT,
    MAX_HEADER_VALUE_CHARS,
    MAX_JSON_DEPTH,
    MAX_URL_BYTES,
    REPLAY_MAX_BYTES,
    REPLAY_WINDOW_SECONDS,
)
from mock_server.model.scenario import Scenario
from mock_server.upstream.config import MockMode

__all__ = [
    "AUTH_MODES",
    "DEMO_APP_KEY",
    "DEMO_CREDENTIALS",
    "DEMO_SECRET",
    "PAGE_SIGNING",
    "AuthMode",
    "CredentialsError",
    "PageSigning",
    "ServerLimits",
    "Settings",
    "is_loopback",
    "load_credentials",
]

AuthMode = Literal["strict", "presence", "off"]
AUTH_MODES: Final[tuple[str, ...]] = get_args(AuthMode)
#: Whether the browser pages (console, Swagger UI) get the secret to sign in the page:
#: ``auto`` on a loopback bind only, ``on`` always, ``off`` never.
PageSigning = Literal["auto", "on", "off"]
PAGE_SIGNING: Final[tuple[str, ...]] = get_args(PageSigning)

#: The built-in demo account. It is public on purpose: the banner prints it.
DEMO_APP_KEY: Final = "2100147"
DEMO_SECRET: Final = "m7-demo-secret"  # noqa: S105 - a published demo value, not a secret
DEMO_CREDENTIALS: Final[Mapping[str, str]] = {DEMO_APP_KEY: DEMO_SECRET}


class CredentialsError(ValueError):
    """Credentials could not be read; the message says where and why (never a secret)."""


@dataclass(frozen=True, kw_only=True)
class ServerLimits:
    """What one connection may hold, enforced by the server runner where bytes arrive.

    The defaults are those of ``m7-mock``; docs/mock-server.md lists the options.
    """

    #: The request line plus every header, in bytes (431 beyond).
    max_head_bytes: int = MAX_HEAD_BYTES
    #: Headers in one request (431 beyond); the admin document's journal allows 100.
    max_header_count: int = MAX_HEADER_COUNT
    #: The request target (path and query), in bytes (414 beyond).
    max_url_bytes: int = MAX_URL_BYTES
    #: Seconds from the connection (or the first byte of the next request) to the end of
    #: the head (408, then closed): a slow or silent client cannot hold a connection.
    header_read_timeout: float = 10.0
    #: Seconds from the end of the head to the end of the body (408, then closed).
    body_read_timeout: float = 30.0
    #: Seconds an idle keep-alive connection is kept.
    keep_alive_timeout: float = 5.0
    #: Open connections; one more is answered 503 (envelope, Retry-After) and closed.
    max_connections: int = 512
    #: Open connections from one client address: its share of ``max_connections``, so that
    #: one noisy client cannot take them all (one more from it: the same 503).
    max_connections_per_client: int = 128
    #: Seconds the shutdown waits for requests in flight before cancelling them.
    shutdown_timeout: float = 5.0


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything ``create_app`` needs. Defaults are those of ``m7-mock`` with no options."""

    host: str = "127.0.0.1"
    port: int = 4010
    auth_mode: AuthMode = "strict"
    #: app key -> secret key; the demo account unless a file or env value replaces it.
    credentials: Mapping[str, str] = field(default_factory=lambda: dict(DEMO_CREDENTIALS))
    #: Where the credentials came from, for the banner: "demo", a file path or "env".
    credentials_source: str = "demo"
    #: The starting call center; ``None`` means the demo scenario.
    scenario: Scenario | None = None
    scenario_source: str = "demo"
    #: Bearer token of the admin API; required when bound to a non-loopback interface.
    admin_token: str | None = None
    cors_origins: tuple[str, ...] = ("*",)
    page_signing: PageSigning = "auto"
    log_level: str = "info"
    #: The accounts a scenario file declares (``None``: the credentials' accounts only).
    scenario_file: ScenarioFile | None = None
    #: Where the state lives: "memory" (this process) or a redis:// URL shared by workers.
    state: str = "memory"
    #: Server processes; more than one needs a shared ``state``.
    workers: int = 1
    #: Each worker on a CPU of its own (``mock_server.pinning``).
    pin_workers: bool = False

    #: The vendor's window: clock skew allowed and how long a sign+nonce is remembered.
    auth_window_seconds: int = REPLAY_WINDOW_SECONDS
    #: Largest request body accepted on the vendor API (the document says 64 KiB).
    max_body_bytes: int = MAX_BODY_BYTES
    #: Largest body accepted on the admin API (a scenario can be longer than a call action).
    max_admin_body_bytes: int = MAX_ADMIN_BODY_BYTES
    journal_capacity: int = JOURNAL_CAPACITY

    # Hostile input (docs/mock-server.md, "Limits").
    #: The connection limits the server runner enforces (the app checks the header ones too).
    server: ServerLimits = field(default_factory=ServerLimits)
    #: Largest header value, in characters (431 beyond): the journal's limit in the document.
    max_header_value_chars: int = MAX_HEADER_VALUE_CHARS
    #: Deepest JSON body (arrays and objects nested), checked before the validator (400).
    max_json_depth: int = MAX_JSON_DEPTH
    #: Bytes the journal may hold in all; the oldest entries fall off first.
    journal_max_bytes: int = JOURNAL_MAX_BYTES
    #: Longest header value or body text a journal entry keeps; longer ones are cut, marked.
    journal_value_chars: int = JOURNAL_VALUE_CHARS
    #: Memory the replay store may use; when full of live entries new requests get 503.
    replay_max_bytes: int = REPLAY_MAX_BYTES
    #: An over-limit body is read and thrown away up to this many bytes before the 413, so
    #: that clients which send it all before reading (no ``Expect: 100-continue``) get it.
    max_drain_bytes: int = MAX_DRAIN_BYTES
    #: Accounts the admin API may create at once (``POST /__mock/accounts``).
    max_accounts: int = MAX_ACCOUNTS
    #: Origins, besides the mock's own, whose pages may call the admin API.
    admin_origins: tuple[str, ...] = ()
    #: How vendor requests are answered: simulated (the default), proxied to an upstream,
    #: replayed from a recording (``mock_server.upstream``).
    mode: MockMode = field(default_factory=MockMode)

    clock: Callable[[], float] = time.time
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    @property
    def demo_credentials_in_use(self) -> bool:
        """True when the published demo secret is the one accepted (so the banner may show it)."""
        return self.credentials_source == "demo"

    @property
    def admin_open(self) -> bool:
        """Whether the admin API is reachable without a token (loopback bind, no token set)."""
        return self.admin_token is None and is_loopback(self.host)

    @property
    def pages_sign(self) -> bool:
        """Whether pages served by the mock hold the secret and sign in the browser.

        A page holding the secret hands it to whoever loads the page: on a loopback bind that
        is this machine only; elsewhere only when the user asked for it.
        """
        if self.page_signing == "auto":
            return is_loopback(self.host)
        return self.page_signing == "on"

    @property
    def admin_disabled(self) -> bool:
        """A non-loopback bind without a token: the admin API refuses everything."""
        return self.admin_token is None and not is_loopback(self.host)


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_credentials(value: str) -> tuple[dict[str, str], str]:
    """Read credentials from a file path or from ``appkey:secret,appkey2:secret2``.

    Returns the mapping and its source for the banner (the path, or ``"env"``). A value naming
    an existing file is read as JSON or YAML ``{"appkey": "secret"}``; anything else must be
    the inline form. Messages name the place at fault, never a secret.
    """
    path = Path(value)
    if path.is_file():
        return _read_file(path), str(path)
    pairs: dict[str, str] = {}
    for index, item in enumerate(value.split(",")):
        app_key, sep, secret = item.strip().partition(":")
        if not sep or not app_key.strip() or not secret:
            raise CredentialsError(
                f"credentials: item {index + 1} is not 'appkey:secret' "
                "(and the value is not an existing file)"
            )
        pairs[app_key.strip()] = secret
    return pairs, "env"


def _read_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise CredentialsError(f"{path}: cannot read credentials: {type(exc).__name__}") from exc
    if not isinstance(data, dict) or not data:
        raise CredentialsError(f"{path}: must be a non-empty mapping of app key to secret")
    credentials: dict[str, str] = {}
    for key, secret in data.items():
        if not isinstance(secret, str) or not secret:
            raise CredentialsError(f"{path}: the secret of app key {key} must be a string")
        credentials[str(key)] = secret
    return credentials
