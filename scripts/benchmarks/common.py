"""What every part of the benchmark shares: the request measured, the targets, the log.

Kept apart so that the other modules depend on it and not on each other for a constant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
#: The entry point, run again as ``bench.py serve-ceiling`` for the ceiling app.
BENCH_SCRIPT: Final = ROOT / "scripts" / "bench.py"
DOCUMENT: Final = ROOT / "openapi" / "call-monitor.yaml"

#: The mock's built-in demo account (see mock_server/settings.py).
APP_KEY: Final = "2100147"
SECRET: Final = "m7-demo-secret"  # noqa: S105 - the published demo secret
LISTEN_PATH: Final = "/openapi/v1/call/listen"
#: The vendor's listen example: supervisor 2002 listens to agent 9527. On the demo scenario
#: it succeeds every time (the second and later ones are a mode switch of the same supervisor).
BODY: Final = '{"listenAgent":"2002","agentNumber":"9527","actionId":"437783670040322048"}'
SUPERVISOR, AGENT, ACTION_ID = "2002", "9527", "437783670040322048"

TARGET_LABELS: Final = {
    "mock": "mock (strict auth, replay cache, validation, call-center model)",
    "prism": "Prism 5.16 (`prism mock`, same document)",
    "prism-quiet": "Prism 5.16, `--verboseLevel warn` (no per-request log)",
    "ceiling": "bare Starlette app, same JSON (ceiling)",
    "mock-quiet": "mock, `--log-level warning` (no access log)",
    "mock-before": "mock at `--before REF` (the same settings, the earlier code)",
    "mock-redis": "mock, `--state redis://...` (1 worker, state in Redis)",
    "mock-redis-2w": "mock, `--state redis://... --workers 2`",
    "mock-redis-2w-pinned": "mock, `--state redis://... --workers 2 --pin-workers on`",
    "mock-uvicorn-bounded": "mock, no access log, uvicorn + the bounded protocol (= m7-mock)",
    "mock-uvicorn-plain": "mock, no access log, uvicorn's own protocol (no limits)",
    "mock-granian": "mock, no access log, granian",
    "mock-hypercorn": "mock, no access log, hypercorn",
}
DEFAULT_TARGETS: Final = (
    "mock",
    "mock-redis",
    "mock-redis-2w",
    "mock-redis-2w-pinned",
    "prism",
    "prism-quiet",
    "ceiling",
)
#: The mock under each server (scripts/benchmarks/servers.py), only on request (--targets).
SERVER_TARGETS: Final = (
    "mock-uvicorn-bounded",
    "mock-uvicorn-plain",
    "mock-granian",
    "mock-hypercorn",
)
#: Every target, in table order; mock-before (with --before), mock-quiet and the server
#: targets only on request.
ALL_TARGETS: Final = (
    "mock",
    "mock-before",
    "mock-quiet",
    "mock-redis",
    "mock-redis-2w",
    "mock-redis-2w-pinned",
    *SERVER_TARGETS,
    "prism",
    "prism-quiet",
    "ceiling",
)
PARTS: Final = ("request-cost", "client", "signature", "cold-start", "round-trips")


def log(message: str) -> None:
    """Progress goes to stderr; the tables go to stdout."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)
