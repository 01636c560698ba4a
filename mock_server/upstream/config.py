"""How the mock answers vendor requests (``m7-mock --upstream / --record / --replay``),
and where the upstream's credentials come from.

Pure data and parsing, no HTTP library: ``mock_server.settings`` holds a ``MockMode``. The
upstream's secret key is read from the environment or a file only, never from the command
line (which every user of the machine can read in the process list), and no ``repr`` or
message of this module shows it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, get_args
from urllib.parse import urlsplit

import yaml

__all__ = [
    "APP_KEY_VARIABLE",
    "FALLBACKS",
    "SECRET_KEY_VARIABLE",
    "Fallback",
    "MockMode",
    "UpstreamConfig",
    "UpstreamConfigError",
    "UpstreamCredentials",
    "parse_upstream_url",
    "read_upstream_credentials",
]

APP_KEY_VARIABLE: Final = "M7_UPSTREAM_APP_KEY"
SECRET_KEY_VARIABLE: Final = "M7_UPSTREAM_SECRET_KEY"  # noqa: S105 - a variable's name

#: What answers a request a replayed recording does not hold: an error envelope (``none``),
#: the simulated call center, or the upstream.
Fallback = Literal["none", "simulate", "upstream"]
FALLBACKS: Final[tuple[str, ...]] = get_args(Fallback)

#: Bounds of the upstream exchange (each an option of ``m7-mock``).
UPSTREAM_TIMEOUT: Final = 10.0
UPSTREAM_CONNECTIONS: Final = 16
UPSTREAM_ANSWER_BYTES: Final = 1024 * 1024
RECORD_MAX_BYTES: Final = 64 * 1024 * 1024
#: Largest recording read (``--replay``, ``m7-drift``): what the mock writes at most, and a
#: little room for one written or trimmed by another tool.
REPLAY_MAX_BYTES: Final = RECORD_MAX_BYTES + 1024 * 1024


class UpstreamConfigError(ValueError):
    """The proxy's options make no usable configuration; the message names the option or
    the file at fault, never a secret."""


@dataclass(frozen=True, slots=True)
class UpstreamCredentials:
    """The upstream account's app key and secret key, and where they were read."""

    app_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    #: ``environment`` or the file's path, for the console and messages.
    source: str = "environment"


@dataclass(frozen=True, kw_only=True)
class UpstreamConfig:
    """The upstream vendor: its base URL (``scheme://host[:port][/prefix]``) and bounds."""

    url: str
    credentials: UpstreamCredentials
    #: Seconds for the whole exchange (connect, send, answer); beyond: 504.
    timeout: float = UPSTREAM_TIMEOUT
    #: Connections open to the upstream at once; a request waits for one at most ``timeout``.
    max_connections: int = UPSTREAM_CONNECTIONS
    #: Largest answer taken from the upstream; a longer one is a 502.
    max_answer_bytes: int = UPSTREAM_ANSWER_BYTES

    @property
    def host(self) -> str:
        """``host:port`` of the upstream, as messages name it."""
        return urlsplit(self.url).netloc


@dataclass(frozen=True, kw_only=True)
class MockMode:
    """How vendor requests are answered: simulated (the default), proxied to ``upstream``,
    or replayed from the recording ``replay``; ``record`` writes the upstream's exchanges."""

    upstream: UpstreamConfig | None = None
    record: Path | None = None
    record_max_bytes: int = RECORD_MAX_BYTES
    replay: Path | None = None
    fallback: Fallback = "none"
    #: The entries of ``replay``, when already read (``m7-mock`` checks the file at start-up
    #: and hands what it read on, so that the file is read and parsed once).
    replay_entries: tuple[dict[str, Any], ...] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def kind(self) -> Literal["simulate", "proxy", "replay"]:
        if self.replay is not None:
            return "replay"
        return "proxy" if self.upstream is not None else "simulate"

    def problems(self, *, auth_mode: str) -> list[str]:
        """What makes this mode unusable with the vendor API's ``auth_mode`` (empty:
        nothing)."""
        found = []
        if self.upstream is not None and auth_mode != "strict":
            # The upstream signs whatever the mock relays with the real account's key: only
            # requests whose signature the mock verified may go there.
            found.append(
                f"--upstream needs --auth-mode strict: with --auth-mode {auth_mode} the mock "
                "would send requests it has not verified to the real vendor, signed with the "
                "upstream account's key"
            )
        if self.record is not None and self.upstream is None:
            found.append("--record needs --upstream: it records the upstream's answers")
        if self.fallback != "none" and self.replay is None:
            found.append("--replay-fallback needs --replay")
        if self.fallback == "upstream" and self.upstream is None:
            found.append("--replay-fallback upstream needs --upstream")
        if self.replay is not None and self.upstream is not None and self.fallback != "upstream":
            found.append("--replay with --upstream: say --replay-fallback upstream")
        if self.record is not None and self.record == self.replay:
            found.append("--record and --replay name the same file")
        return found

    def describe(self) -> dict[str, Any]:
        """The ``mode`` of ``GET /__mock/config``: no credential, only where answers come
        from."""
        return {
            "kind": self.kind,
            "upstream": self.upstream.url if self.upstream is not None else None,
            "record": str(self.record) if self.record is not None else None,
            "replay": str(self.replay) if self.replay is not None else None,
            "fallback": self.fallback,
        }

    def summary(self) -> str:
        """One line for the terminal: which mode, to where, from which file."""
        if self.kind == "simulate":
            return "simulate (the call-state rules answer)"
        parts = []
        if self.replay is not None:
            otherwise = {
                "none": "a request it does not hold: 404",
                "simulate": "one it does not hold: the simulated call center",
                "upstream": "one it does not hold: the upstream",
            }.get(self.fallback, f"--replay-fallback {self.fallback}")
            parts.append(f"replay of {self.replay} ({otherwise})")
        if self.upstream is not None:
            parts.append(f"proxy to {self.upstream.url} (signed as the upstream account)")
        if self.record is not None:
            parts.append(f"recording to {self.record}")
        return "; ".join(parts)


def parse_upstream_url(text: str) -> str:
    """The upstream's base URL, checked: http(s), a host, no credentials, query or fragment
    (a credential in a URL would end up in logs). The trailing slash is dropped."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port  # a port out of range raises here
    except ValueError:
        raise UpstreamConfigError("--upstream: not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UpstreamConfigError("--upstream: must be an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise UpstreamConfigError(
            "--upstream: must not hold credentials; the upstream's keys come from "
            f"{APP_KEY_VARIABLE} / {SECRET_KEY_VARIABLE} or --upstream-credentials"
        )
    if parts.query or parts.fragment:
        raise UpstreamConfigError("--upstream: must have no query or fragment")
    del port
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def read_upstream_credentials(env: Mapping[str, str], file: str | None) -> UpstreamCredentials:
    """The upstream's credentials: from ``file`` (a JSON/YAML mapping of one app key to its
    secret key, as ``--credentials`` reads) when given, else from the two variables."""
    if file is not None:
        return _from_file(Path(file))
    app_key = env.get(APP_KEY_VARIABLE, "").strip()
    secret_key = env.get(SECRET_KEY_VARIABLE, "")
    if not app_key or not secret_key:
        raise UpstreamConfigError(
            f"--upstream: set {APP_KEY_VARIABLE} and {SECRET_KEY_VARIABLE} (or name a file "
            "with --upstream-credentials): the upstream's keys never go on the command line"
        )
    return UpstreamCredentials(app_key, secret_key, "environment")


def _from_file(path: Path) -> UpstreamCredentials:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise UpstreamConfigError(
            f"--upstream-credentials {path}: cannot read it ({type(exc).__name__})"
        ) from None
    if not isinstance(data, dict) or len(data) != 1:
        raise UpstreamConfigError(
            f"--upstream-credentials {path}: must map exactly one app key to its secret key"
        )
    ((app_key, secret_key),) = data.items()
    if not isinstance(secret_key, str) or not secret_key or not str(app_key).strip():
        raise UpstreamConfigError(
            f"--upstream-credentials {path}: the secret key must be a non-empty string"
        )
    return UpstreamCredentials(str(app_key).strip(), secret_key, str(path))
