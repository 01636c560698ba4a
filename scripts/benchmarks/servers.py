"""The mock under other ASGI servers, for the server choice (docs/benchmarks.md).

``m7-mock`` runs under uvicorn with ``mock_server.server``'s bounded protocol. These targets
run the same app, without its access log, under uvicorn's own protocol (what the limits
cost), granian and hypercorn, each given the mock's defaults (``ServerLimits``) wherever it
has a setting for them: the connection bound (``M7_BENCH_MAX_CONNECTIONS`` overrides it, for
the hostile probes), the keep-alive, header-read and shutdown timeouts. granian and hypercorn are not in requirements.lock (the mock
does not use them): ``.venv/bin/pip install granian hypercorn`` before asking for them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import logging
import os
from typing import Any, Final

from mock_server.app import MockApp, create_app
from mock_server.settings import Settings

__all__ = ["SERVERS", "quiet_app", "serve_mock"]

SERVERS: Final = ("uvicorn-bounded", "uvicorn-plain", "granian", "hypercorn")


def quiet_app() -> MockApp:
    """The mock on its defaults, access log off (its logger is left below INFO)."""
    logging.getLogger("mock_server.access").setLevel(logging.WARNING)
    return create_app(Settings(log_level="warning"))


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise SystemExit(
            f"{name} is not installed: `.venv/bin/pip install {name.split('.')[0]}` to "
            "benchmark the mock under it (it is not a dependency of the mock)"
        ) from None


def serve_mock(server: str, port: int) -> None:
    """Serve ``quiet_app()`` on 127.0.0.1:``port`` under ``server`` until SIGTERM."""
    limits = Settings().server
    bound = int(os.environ.get("M7_BENCH_MAX_CONNECTIONS", limits.max_connections))
    limits = dataclasses.replace(limits, max_connections=bound)
    if server == "uvicorn-bounded":
        from mock_server.server import serve

        serve(quiet_app(), host="127.0.0.1", port=port, log_level="warning", limits=limits)
    elif server == "uvicorn-plain":
        import uvicorn

        uvicorn.run(
            quiet_app(),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            server_header=False,
            timeout_keep_alive=int(limits.keep_alive_timeout),
            limit_concurrency=bound,
            timeout_graceful_shutdown=int(limits.shutdown_timeout),
        )
    elif server == "granian":
        granian = _module("granian")
        constants = _module("granian.constants")
        granian.Granian(
            "scripts.benchmarks.servers:quiet_app",
            address="127.0.0.1",
            port=port,
            interface=constants.Interfaces.ASGI,
            http=constants.HTTPModes.http1,
            workers=1,
            factory=True,
            websockets=False,
            log_level=_module("granian.log").LogLevels.warning,
            backpressure=bound,
            http1_settings=_module("granian.http").HTTP1Settings(
                header_read_timeout=int(limits.header_read_timeout * 1000)
            ),
            workers_kill_timeout=int(limits.shutdown_timeout),
        ).serve()
    elif server == "hypercorn":
        config = _module("hypercorn.config").Config()
        config.bind = [f"127.0.0.1:{port}"]
        config.loglevel = "WARNING"
        config.accesslog = None
        config.keep_alive_timeout = limits.keep_alive_timeout  # also its header-read bound
        config.read_timeout = int(limits.body_read_timeout)  # per read, not per body
        config.graceful_timeout = limits.shutdown_timeout
        asyncio.run(_module("hypercorn.asyncio").serve(quiet_app(), config))
    else:
        raise SystemExit(f"unknown server {server}; choose from {', '.join(SERVERS)}")
