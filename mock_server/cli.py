"""``m7-mock`` / ``python -m mock_server``: start the mock under uvicorn.

Every option has an environment variable (the option wins): ``--host`` M7_MOCK_HOST,
``--port`` M7_MOCK_PORT, ``--auth-mode`` M7_MOCK_AUTH_MODE, ``--scenario`` M7_MOCK_SCENARIO,
``--credentials`` M7_MOCK_CREDENTIALS, ``--admin-token`` M7_MOCK_ADMIN_TOKEN,
``--cors-origins`` M7_MOCK_CORS_ORIGINS, ``--page-signing`` M7_MOCK_PAGE_SIGNING,
``--log-level`` M7_MOCK_LOG_LEVEL.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from typing import Final, cast

from mock_server.banner import banner
from mock_server.model.scenario import ScenarioError, load_scenario
from mock_server.settings import (
    AUTH_MODES,
    DEMO_CREDENTIALS,
    PAGE_SIGNING,
    AuthMode,
    CredentialsError,
    PageSigning,
    Settings,
    load_credentials,
)

__all__ = ["main", "parse_settings"]

_LOG_LEVELS: Final = ("debug", "info", "warning", "error")


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
        "--log-level",
        choices=_LOG_LEVELS,
        default=env.get("M7_MOCK_LOG_LEVEL", "info"),
        help="info logs one JSON line per request (M7_MOCK_LOG_LEVEL; default info)",
    )
    return parser


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
    origins = tuple(o.strip() for o in args.cors_origins.split(",") if o.strip())
    credentials, credentials_source = dict(DEMO_CREDENTIALS), "demo"
    if args.credentials:
        try:
            credentials, credentials_source = load_credentials(args.credentials)
        except CredentialsError as exc:
            raise ConfigError(str(exc)) from None
    scenario, scenario_source = None, "demo (mock_server/model/demo-scenario.yaml)"
    if args.scenario:
        try:
            scenario, scenario_source = load_scenario(args.scenario), args.scenario
        except ScenarioError as exc:
            raise ConfigError(str(exc)) from None
        from mock_server.spec.validation import scenario_errors  # imports connexion: not at top

        problems = scenario_errors(scenario.to_data())
        if problems:
            listed = "; ".join(f"{p.field}: {p.message}" for p in problems)
            raise ConfigError(f"{args.scenario}: {listed}")
    return Settings(
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
        log_level=args.log_level,
    )


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
    import uvicorn

    from mock_server.app import create_app
    from mock_server.http.access_log import AccessLog, LineWriter

    try:
        app = create_app(settings, access_log=AccessLog(lines=LineWriter(sys.stdout.buffer)))
    except ScenarioError as exc:
        print(f"m7-mock: {exc}", file=sys.stderr)
        return 2
    print(banner(settings), flush=True)
    _settle_garbage_collector()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,  # the mock writes its own structured access line
        # No X-Forwarded-* rewriting (the mock is not deployed behind a proxy) and no
        # `server` header: together about 10% more requests per second.
        proxy_headers=False,
        server_header=False,
    )
    return 0
