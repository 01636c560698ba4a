"""``m7-mock`` / ``python -m mock_server``: start the mock under uvicorn.

Every option has an environment variable (the option wins): ``--host`` M7_MOCK_HOST,
``--port`` M7_MOCK_PORT, ``--auth-mode`` M7_MOCK_AUTH_MODE, ``--scenario`` M7_MOCK_SCENARIO,
``--credentials`` M7_MOCK_CREDENTIALS, ``--admin-token`` M7_MOCK_ADMIN_TOKEN,
``--cors-origins`` M7_MOCK_CORS_ORIGINS, ``--page-signing`` M7_MOCK_PAGE_SIGNING,
``--log-level`` M7_MOCK_LOG_LEVEL, ``--state`` M7_MOCK_STATE, ``--workers`` M7_MOCK_WORKERS,
``--pin-workers`` M7_MOCK_PIN_WORKERS, and the limits (``--max-head-bytes``
M7_MOCK_MAX_HEAD_BYTES, ...; see ``_LIMITS`` and docs/mock-server.md).

With ``--workers N`` the server runs N processes; each builds its app from the same options,
which ``main`` hands down through the environment (``worker_app``).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import logging
import math
import os
import re
import socket
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from mock_server.banner import banner, base_url
from mock_server.model.accounts import parse_scenario_file, plan_accounts
from mock_server.model.scenario import DEMO, ScenarioError, read_scenario_data
from mock_server.pinning import can_pin, pin_worker
from mock_server.settings import (
    AUTH_MODES,
    DEMO_CREDENTIALS,
    PAGE_SIGNING,
    AuthMode,
    CredentialsError,
    PageSigning,
    ServerLimits,
    Settings,
    load_credentials,
)
from mock_server.upstream.config import (
    APP_KEY_VARIABLE,
    FALLBACKS,
    SECRET_KEY_VARIABLE,
    UPSTREAM_CONNECTIONS,
    UPSTREAM_TIMEOUT,
    Fallback,
    MockMode,
    UpstreamConfig,
    UpstreamConfigError,
    parse_upstream_url,
    read_upstream_credentials,
)

if TYPE_CHECKING:
    from mock_server.http.access_log import AccessLog

__all__ = ["main", "make_variables", "parse_settings"]

_LOG_LEVELS: Final = ("debug", "info", "warning", "error")

#: The limit options: option name -> (the field, of ``ServerLimits`` or ``Settings``, and
#: its kind: "bytes" takes 64KiB / 8MiB / a plain count, "count" an integer, "seconds" a
#: number). Each is also read from M7_MOCK_<NAME>; the defaults are the dataclasses'.
_LIMITS: Final[dict[str, tuple[str, str, str]]] = {
    "max-head-bytes": ("server", "max_head_bytes", "bytes"),
    "max-headers": ("server", "max_header_count", "count"),
    "max-url-bytes": ("server", "max_url_bytes", "bytes"),
    "header-read-timeout": ("server", "header_read_timeout", "seconds"),
    "body-read-timeout": ("server", "body_read_timeout", "seconds"),
    "keep-alive-timeout": ("server", "keep_alive_timeout", "seconds"),
    "max-connections": ("server", "max_connections", "count"),
    "max-connections-per-client": ("server", "max_connections_per_client", "count"),
    "shutdown-timeout": ("server", "shutdown_timeout", "seconds"),
    "max-header-value": ("settings", "max_header_value_chars", "count"),
    "max-json-depth": ("settings", "max_json_depth", "count"),
    "journal-max-bytes": ("settings", "journal_max_bytes", "bytes"),
    "journal-value-chars": ("settings", "journal_value_chars", "count"),
    "replay-max-bytes": ("settings", "replay_max_bytes", "bytes"),
    "max-drain-bytes": ("settings", "max_drain_bytes", "bytes"),
    "max-accounts": ("settings", "max_accounts", "count"),
}
_UNITS: Final = {
    "": 1,
    "b": 1,
    "kib": 1024,
    "k": 1024,
    "mib": 1024**2,
    "m": 1024**2,
    "gib": 1024**3,
}
_SIZE: Final = re.compile(r"\s*(\d+)\s*([a-z]*)\s*")


class ConfigError(Exception):
    """The options make no usable configuration; the message says which and why."""


def _parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="m7-mock",
        description=(
            "A vendor-strict mock of the 7moor V7 call-monitoring OpenAPI "
            "(listen, hangupChannel, lootCall, whisper, pickupChannel)."
        ),
        epilog="Each option can also be set by the environment variable named in its help.",
    )
    parser.add_argument(
        "--host",
        default=env.get("M7_MOCK_HOST", "127.0.0.1"),
        help="interface to bind (M7_MOCK_HOST; default 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=env.get("M7_MOCK_PORT", "4010"),  # a string: argparse applies type=int to it
        help="port to listen on (M7_MOCK_PORT; default 4010)",
    )
    parser.add_argument(
        "--auth-mode",
        choices=AUTH_MODES,
        default=env.get("M7_MOCK_AUTH_MODE", "strict"),
        help=(
            "strict: the vendor's rule; presence: the m7-* headers present and well-formed; "
            "off (M7_MOCK_AUTH_MODE; default strict)"
        ),
    )
    parser.add_argument(
        "--scenario",
        default=env.get("M7_MOCK_SCENARIO"),
        help="YAML/JSON scenario file (M7_MOCK_SCENARIO; default the demo scenario)",
    )
    parser.add_argument(
        "--credentials",
        default=env.get("M7_MOCK_CREDENTIALS"),
        help=(
            "a JSON/YAML file {appkey: secret} or 'appkey:secret,appkey2:secret2' "
            "(M7_MOCK_CREDENTIALS; default the DEMO app key 2100147)"
        ),
    )
    parser.add_argument(
        "--admin-token",
        default=env.get("M7_MOCK_ADMIN_TOKEN"),
        help="bearer token of the /__mock admin API (M7_MOCK_ADMIN_TOKEN)",
    )
    parser.add_argument(
        "--cors-origins",
        default=env.get("M7_MOCK_CORS_ORIGINS", "*"),
        help="comma-separated allowed origins, or * (M7_MOCK_CORS_ORIGINS; default *)",
    )
    parser.add_argument(
        "--page-signing",
        choices=PAGE_SIGNING,
        default=env.get("M7_MOCK_PAGE_SIGNING", "auto"),
        help=(
            "whether the console and the Swagger UI get the secret and sign in the browser: "
            "auto on a loopback bind only, on, off (M7_MOCK_PAGE_SIGNING; default auto)"
        ),
    )
    parser.add_argument(
        "--state",
        default=env.get("M7_MOCK_STATE", "memory"),
        help=(
            "memory: this process only; redis://host:port/db: one state shared by every "
            "worker and host (M7_MOCK_STATE; default memory)"
        ),
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=env.get("M7_MOCK_WORKERS", "1"),
        help="server processes; more than 1 needs --state redis://... (M7_MOCK_WORKERS; default 1)",
    )
    parser.add_argument(
        "--pin-workers",
        choices=("off", "on"),
        default=env.get("M7_MOCK_PIN_WORKERS", "off"),
        help=(
            "on: each worker process on a CPU of its own (Linux; with --workers 2 or more) "
            "(M7_MOCK_PIN_WORKERS; default off)"
        ),
    )
    parser.add_argument(
        "--admin-origins",
        default=env.get("M7_MOCK_ADMIN_ORIGINS", ""),
        help=(
            "comma-separated origins, besides the mock's own pages, allowed to call the "
            "/__mock admin API from a browser (M7_MOCK_ADMIN_ORIGINS; default none)"
        ),
    )
    parser.add_argument(
        "--log-level",
        choices=_LOG_LEVELS,
        default=env.get("M7_MOCK_LOG_LEVEL", "info"),
        help="info logs one JSON line per request (M7_MOCK_LOG_LEVEL; default info)",
    )
    _upstream_options(parser, env)
    defaults = {"server": ServerLimits(), "settings": Settings()}
    for option, (owner, name, kind) in _LIMITS.items():
        variable = "M7_MOCK_" + option.upper().replace("-", "_")
        default = getattr(defaults[owner], name)
        parser.add_argument(
            f"--{option}",
            default=env.get(variable, str(default)),
            help=f"{kind} ({variable}; default {default})",
        )
    return parser


def _upstream_options(parser: argparse.ArgumentParser, env: Mapping[str, str]) -> None:
    """The options of proxy and replay mode (``mock_server.upstream``). The upstream's keys
    are never an option: M7_UPSTREAM_APP_KEY / M7_UPSTREAM_SECRET_KEY, or a file. An empty
    value is no value (``make mock UPSTREAM=`` passes one)."""
    group = parser.add_argument_group("the real vendor: proxy, recordings, replay")
    group.add_argument(
        "--upstream",
        default=env.get("M7_MOCK_UPSTREAM", ""),
        help=(
            "forward every verified vendor request to this base URL, signed afresh with "
            f"{APP_KEY_VARIABLE} / {SECRET_KEY_VARIABLE} (M7_MOCK_UPSTREAM)"
        ),
    )
    group.add_argument(
        "--upstream-credentials",
        default=env.get("M7_MOCK_UPSTREAM_CREDENTIALS", ""),
        help=(
            "a JSON/YAML file {appkey: secretkey} of the upstream account, instead of the two "
            "variables (M7_MOCK_UPSTREAM_CREDENTIALS)"
        ),
    )
    group.add_argument(
        "--upstream-timeout",
        default=env.get("M7_MOCK_UPSTREAM_TIMEOUT", str(UPSTREAM_TIMEOUT)),
        help=f"seconds for one upstream exchange; then 504 (M7_MOCK_UPSTREAM_TIMEOUT; "
        f"default {UPSTREAM_TIMEOUT:g})",
    )
    group.add_argument(
        "--upstream-connections",
        default=env.get("M7_MOCK_UPSTREAM_CONNECTIONS", str(UPSTREAM_CONNECTIONS)),
        help=f"connections to the upstream at most (M7_MOCK_UPSTREAM_CONNECTIONS; default "
        f"{UPSTREAM_CONNECTIONS})",
    )
    group.add_argument(
        "--record",
        default=env.get("M7_MOCK_RECORD", ""),
        help="write each upstream exchange to this new HAR file, credentials removed "
        "(M7_MOCK_RECORD)",
    )
    group.add_argument(
        "--replay",
        default=env.get("M7_MOCK_REPLAY", ""),
        help="answer from this HAR recording (M7_MOCK_REPLAY)",
    )
    group.add_argument(
        "--replay-fallback",
        choices=FALLBACKS,
        default=env.get("M7_MOCK_REPLAY_FALLBACK", "none"),
        help="what answers a request the recording does not hold: none (a 404 envelope), "
        "simulate, upstream (M7_MOCK_REPLAY_FALLBACK; default none)",
    )


def _mode(args: argparse.Namespace, env: Mapping[str, str], workers: int) -> MockMode:
    """The ``MockMode`` of the options; ``ConfigError`` naming what is unusable."""
    try:
        upstream = None
        if args.upstream:
            upstream = UpstreamConfig(
                url=parse_upstream_url(args.upstream),
                credentials=read_upstream_credentials(env, args.upstream_credentials or None),
                timeout=_limit("upstream-timeout", "seconds", args.upstream_timeout),
                max_connections=int(
                    _limit("upstream-connections", "count", args.upstream_connections)
                ),
            )
        elif args.upstream_credentials:
            raise ConfigError("--upstream-credentials: only with --upstream")
        mode = MockMode(
            upstream=upstream,
            record=Path(args.record) if args.record else None,
            replay=Path(args.replay) if args.replay else None,
            fallback=cast(Fallback, args.replay_fallback),
        )
    except UpstreamConfigError as exc:
        raise ConfigError(str(exc)) from None
    problems = mode.problems(auth_mode=args.auth_mode)
    if mode.record is not None and workers > 1:
        problems.append("--record: with one worker only (each would write the file)")
    if mode.record is not None and mode.record.exists():
        problems.append(f"--record {mode.record}: exists already; a recording is never replaced")
    if problems:
        raise ConfigError("; ".join(problems))
    if mode.replay is not None:
        from mock_server.upstream.har import HarError, read_har  # (loads the client package)

        try:
            entries = read_har(mode.replay)
        except HarError as exc:
            raise ConfigError(f"--replay {exc}") from None
        mode = dataclasses.replace(mode, replay_entries=tuple(entries))  # read once
    return mode


def make_variables() -> dict[str, str]:
    """Each option's Make variable for ``make mock`` and the environment variable it sets.

    Read from the parser itself, so that no option lacks one: ``--admin-origins`` is
    ``ADMIN_ORIGINS``, which ``make mock`` hands to m7-mock as ``M7_MOCK_ADMIN_ORIGINS``
    (the variable the option reads, named in its help).
    """
    return {
        action.dest.upper(): f"M7_MOCK_{action.dest.upper()}"
        for action in _parser({})._actions
        if action.option_strings and not isinstance(action, argparse._HelpAction)
    }


def _limit(option: str, kind: str, text: str) -> int | float:
    """One limit option's value; ``ConfigError`` naming the option when it is not one."""
    text = str(text)
    try:
        if kind == "seconds":
            value: int | float = float(text)
        elif kind == "bytes":
            match = _SIZE.fullmatch(text.lower())
            if match is None or match.group(2) not in _UNITS:
                raise ValueError(text)
            value = int(match.group(1)) * _UNITS[match.group(2)]
        else:
            value = int(text)
    except ValueError:
        raise ConfigError(f"{option}: {text!r} is not a {kind} value") from None
    if not value > 0:
        raise ConfigError(f"{option}: must be above 0")
    if not math.isfinite(value):
        raise ConfigError(f"{option}: must be a finite number")
    return value


def parse_settings(argv: Sequence[str], env: Mapping[str, str]) -> Settings:
    """Settings from the command line and the environment; ``ConfigError`` if unusable."""
    args = _parser(env).parse_args(argv)
    if args.auth_mode not in AUTH_MODES:
        raise ConfigError(f"auth mode: must be one of {', '.join(AUTH_MODES)}")
    if args.page_signing not in PAGE_SIGNING:
        raise ConfigError(f"page signing: must be one of {', '.join(PAGE_SIGNING)}")
    if args.log_level not in _LOG_LEVELS:
        raise ConfigError(f"log level: must be one of {', '.join(_LOG_LEVELS)}")
    if not 0 <= args.port <= 65535:
        raise ConfigError(f"port: {args.port} is not a TCP port")
    state = _state(args.state)
    if args.workers < 1:
        raise ConfigError(f"workers: {args.workers} is not a number of processes (1 or more)")
    if args.workers > 1 and state == "memory":
        raise ConfigError(
            "workers: more than 1 needs a shared state (--state redis://host:port/db); "
            "in memory each worker would have its own replay cache and call center"
        )
    if args.pin_workers not in ("off", "on"):
        raise ConfigError("pin workers: must be off or on")
    if args.pin_workers == "on" and args.workers < 2:
        raise ConfigError("pin workers: only with --workers 2 or more")
    if args.pin_workers == "on" and not can_pin():
        raise ConfigError("pin workers: this system cannot pin a process to a CPU")
    origins = tuple(o.strip() for o in args.cors_origins.split(",") if o.strip())
    credentials, credentials_source = dict(DEMO_CREDENTIALS), "demo"
    if args.credentials:
        try:
            credentials, credentials_source = load_credentials(args.credentials)
        except CredentialsError as exc:
            raise ConfigError(str(exc)) from None
    scenario, scenario_source = None, "demo (mock_server/model/demo-scenario.yaml)"
    scenario_file = None
    if args.scenario:
        try:
            data = read_scenario_data(args.scenario)
        except ScenarioError as exc:
            raise ConfigError(str(exc)) from None
        try:
            scenario_file = parse_scenario_file(data)
            plan_accounts(credentials, scenario_file, DEMO)
        except ScenarioError as exc:
            raise ConfigError(f"{args.scenario}: {exc}") from None
        scenario, scenario_source = scenario_file.center, args.scenario
        from mock_server.documents.connexion_glue import (
            scenario_errors,  # imports connexion: not at top
        )

        problems = scenario_errors(data)
        if problems:
            listed = "; ".join(f"{p.field}: {p.message}" for p in problems)
            raise ConfigError(f"{args.scenario}: {listed}")
    limits: dict[str, dict[str, int | float]] = {"server": {}, "settings": {}}
    for option, (owner, name, kind) in _LIMITS.items():
        text = getattr(args, option.replace("-", "_"))
        limits[owner][name] = _limit(option, kind, text)
    return Settings(
        server=dataclasses.replace(ServerLimits(), **limits["server"]),  # type: ignore[arg-type]
        **limits["settings"],  # type: ignore[arg-type]
        host=args.host,
        port=args.port,
        auth_mode=cast(AuthMode, args.auth_mode),
        credentials=credentials,
        credentials_source=credentials_source,
        scenario=scenario,
        scenario_source=scenario_source,
        admin_token=args.admin_token or None,
        cors_origins=origins or ("*",),
        page_signing=cast(PageSigning, args.page_signing),
        admin_origins=tuple(o.strip() for o in args.admin_origins.split(",") if o.strip()),
        log_level=args.log_level,
        scenario_file=scenario_file,
        state=state,
        workers=args.workers,
        pin_workers=args.pin_workers == "on",
        mode=_mode(args, env, args.workers),
    )


def _state(value: str) -> str:
    """``memory`` or a Redis URL (``redis://``, ``rediss://``, ``unix://``)."""
    value = value.strip()
    if value == "memory":
        return value
    scheme, sep, rest = value.partition("://")
    if not sep or scheme not in ("redis", "rediss", "unix") or not rest:
        raise ConfigError("state: must be 'memory' or a URL such as redis://127.0.0.1:6379/0")
    return value


def _stdout_access_log() -> AccessLog:
    """The access log on stdout, through a ``LineWriter`` (the app writes what it holds when
    it shuts down)."""
    from mock_server.http.access_log import AccessLog, LineWriter

    return AccessLog(lines=LineWriter(sys.stdout.buffer))


def _configure_logging(level: str) -> None:
    """Access lines (JSON) to stdout as they are (``main`` writes them through a
    ``LineWriter``; the handler is for anything else logging there); the mock's own
    messages to stderr."""
    access = logging.getLogger("mock_server.access")  # http.access_log.ACCESS_LOGGER
    access.handlers[:] = [logging.StreamHandler(sys.stdout)]
    access.propagate = False
    own = logging.getLogger("mock_server")
    errors = logging.StreamHandler(sys.stderr)
    errors.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    own.handlers[:] = [errors]
    own.propagate = False
    own.setLevel(level.upper())


def _settle_garbage_collector() -> None:
    """Keep full collections from pausing requests (the p99 latency).

    Everything built at start-up (connexion, the documents, compiled validators) lives as
    long as the process; freezing it stops every full collection from walking it again.
    """
    gc.collect()
    gc.freeze()


def main(argv: Sequence[str] | None = None) -> int:
    """Start the mock; returns the process exit status."""
    try:
        settings = parse_settings(sys.argv[1:] if argv is None else argv, os.environ)
    except ConfigError as exc:
        print(f"m7-mock: {exc}", file=sys.stderr)
        return 2
    _configure_logging(settings.log_level)
    # connexion imports starlette's test client, which warns about httpx at import time:
    # noise for someone starting a server. (This module imports nothing of connexion.)
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    from mock_server.app import create_app
    from mock_server.redis_store.connection import StateStoreUnavailable, check_reachable
    from mock_server.server import serve

    try:
        listening = _bind(settings.host, settings.port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(
            f"m7-mock: cannot listen on {base_url(settings.host, settings.port)}: {reason}",
            file=sys.stderr,
        )
        return 1
    # Port 0 lets the system choose: the banner shows the port actually bound.
    settings = dataclasses.replace(settings, port=listening.getsockname()[1])
    try:
        if settings.state != "memory":
            check_reachable(settings.state)
        app = create_app(settings, access_log=_stdout_access_log())
    except (ScenarioError, StateStoreUnavailable, UpstreamConfigError) as exc:
        print(f"m7-mock: {exc}", file=sys.stderr)
        return 2
    _settle_garbage_collector()
    if settings.workers > 1:
        # Each worker process builds its own app from the same options (``worker_app``).
        os.environ.update(_environment(sys.argv[1:] if argv is None else argv))
        # uvicorn binds the port itself for its worker processes: the socket bound above
        # proved it free (a taken port was one line and exit status 1); release it for them.
        listening.close()
        print(banner(settings), flush=True)
        serve(
            f"{__name__}:worker_app",
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level,
            limits=settings.server,
            workers=settings.workers,
        )
        return 0
    started = serve(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        limits=settings.server,
        listening=listening,
        on_ready=lambda: print(banner(settings) + _mode_line(settings), flush=True),
    )
    return 0 if started else 1


def _mode_line(settings: Settings) -> str:
    """The banner's line on proxy or replay mode (nothing when simulating)."""
    if settings.mode.kind == "simulate":
        return ""
    return f"\n  Mode        {settings.mode.summary()}"


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything else is built: a taken port fails fast.

    Bound here rather than by uvicorn so that a failure is one line and exit status 1 (and no
    banner), not uvicorn's log lines after a banner.
    """
    address = host.strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Inherited by every accepted connection (as when the event loop binds itself): a
        # response's head and body leave at once, not one round trip apart.
        listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listening.bind((address, port))
    except OSError:
        listening.close()
        raise
    return listening


#: Set in the workers' environment: the options of the command line, for ``worker_app``.
_ARGV_VARIABLE: Final = "M7_MOCK_WORKER_ARGV"


def _environment(argv: Sequence[str]) -> dict[str, str]:
    return {_ARGV_VARIABLE: json.dumps(list(argv))}


def worker_app() -> Any:
    """The app of one worker process (``--workers N``): the parent's options, parsed again."""
    argv = json.loads(os.environ.get(_ARGV_VARIABLE, "[]"))
    settings = parse_settings(argv, os.environ)
    _configure_logging(settings.log_level)
    if settings.pin_workers:
        cpu = pin_worker(settings.port, settings.workers)
        where = f"CPU {cpu}" if cpu is not None else "no CPU of its own (every slot taken)"
        logging.getLogger("mock_server").info("worker %d on %s", os.getpid(), where)
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    from mock_server.app import create_app

    app = create_app(settings, access_log=_stdout_access_log())
    _settle_garbage_collector()
    return app
