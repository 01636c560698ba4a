"""Benchmark the mock server against Prism, side by side in one run (`make bench`).

    python scripts/bench.py                  # measure, print the tables, write build/bench/
    python scripts/bench.py --write-docs     # ... and rewrite the results in docs/benchmarks.md
    python scripts/bench.py --before main    # ... and the per-request cost at main too

What one run measures, always as ratios of things measured in the same run (the machine is
small and shared, so absolute numbers from different runs are not comparable):

* load: the mock with its production settings (strict signatures, replay cache, request
  validation, the call-center model), Prism (`prism mock`) on the same document, and a bare
  Starlette app answering the same JSON (the ceiling of a Python ASGI server here), each
  driven by wrk with the same load in alternating rounds so that noise hits all of them.
  Every request is `listen` 2002 -> 9527 with its own valid, never reused signature;
* the per-request cost inside the mock's app (no server): our code against the framework's,
  here and, with ``--before REF``, at another revision (whose mock is then loaded too, side
  by side: the target ``mock-before``);
* the friendly client's cost per call, as a ratio to a raw httpx call, and one signature;
* the cold start of the mock (process start to the first answered request).

Exit status: 0 when every load request was answered 2xx, 2 when a server refused or dropped
requests (the numbers are then not a measurement of the intended work), 1 on a setup failure.
Targets are reported as PASS/MISS and never fail the run.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# This file runs as a script, so its own folder is on the path, not the repository root; the
# package is imported as `scripts.benchmarks`, the name mypy checks it under. The editable
# install already puts the root on the path; this keeps the script working without it.
sys.path.append(str(Path(__file__).resolve().parent.parent))

from scripts.benchmarks.ceiling import serve_ceiling
from scripts.benchmarks.common import ALL_TARGETS, DEFAULT_TARGETS, PARTS
from scripts.benchmarks.hostile import probe_servers
from scripts.benchmarks.report import DOCS
from scripts.benchmarks.runner import run
from scripts.benchmarks.servers import SERVERS, serve_mock


def _csv(allowed: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        items = [x.strip() for x in text.split(",") if x.strip()]
        bad = [x for x in items if x not in allowed]
        if bad:
            raise argparse.ArgumentTypeError(f"unknown {bad}; choose from {', '.join(allowed)}")
        return items

    return parse


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve-ceiling", help="(internal) serve the bare Starlette app")
    serve.add_argument("--port", type=int, required=True)
    probe = sub.add_parser("probe-servers", help="hostile clients against each server")
    probe.add_argument("--servers", default=",".join(SERVERS), help="comma-separated")
    serve_mock = sub.add_parser("serve-mock", help="(internal) serve the mock under a server")
    serve_mock.add_argument("--port", type=int, required=True)
    serve_mock.add_argument("--server", choices=SERVERS, required=True)
    parser.add_argument("--duration", type=int, default=5, help="seconds per round (5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per target (3)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per target (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections (20)")
    parser.add_argument(
        "--targets",
        type=_csv(ALL_TARGETS),
        default=list(DEFAULT_TARGETS),
        help=f"load targets, comma-separated, from {','.join(ALL_TARGETS)} "
        f"(default {','.join(DEFAULT_TARGETS)})",
    )
    parser.add_argument(
        "--skip", type=_csv(PARTS), default=[], help=f"parts to skip: {','.join(PARTS)}"
    )
    parser.add_argument("--cold-starts", type=int, default=5, help="cold starts per server (5)")
    parser.add_argument("--client-calls", type=int, default=4000, help="calls per client side")
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite results in {DOCS}")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--before",
        metavar="REF",
        help="also measure the per-request cost inside the app at this git revision",
    )
    parser.add_argument(
        "--cost-requests", type=int, default=5000, help="requests per per-request-cost run"
    )
    parser.add_argument(
        "--pool-cap",
        type=int,
        help="(for tests) at most N pre-signed requests per round, so signatures repeat "
        "and the strict mock must refuse the repeats",
    )
    args = parser.parse_args(argv)
    if args.command is None:
        if args.threads > args.connections:
            parser.error("--threads must not exceed --connections")
        if min(args.duration, args.rounds, args.threads) < 1 or args.warmup < 0:
            parser.error("--duration, --rounds and --threads must be >= 1, --warmup >= 0")
        if "mock-before" in args.targets and not args.before:
            parser.error("the target mock-before needs --before REF")
        if args.before and args.targets == list(DEFAULT_TARGETS):
            args.targets.insert(1, "mock-before")  # the earlier code, loaded side by side
    return args


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every `finally` stops the servers this run started."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "serve-ceiling":
        serve_ceiling(args.port)
        return 0
    if args.command == "probe-servers":
        return probe_servers([s.strip() for s in args.servers.split(",") if s.strip()])
    if args.command == "serve-mock":
        serve_mock(args.server, args.port)
        return 0
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("interrupted: the servers started by this run were stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
