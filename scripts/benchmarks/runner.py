"""One run of the benchmark, from starting the servers to the exit status.

The order matters: every server is started and checked first, load runs while they are all up,
then they are stopped to free the cores before the cold start.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shlex
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .common import ALL_TARGETS, APP_KEY, ROOT, SECRET, log
from .costs import measure_client, measure_cold_starts, measure_signature
from .load import TargetSummary, measure_load, preflight
from .processes import REDIS_TARGETS, Service, find_wrk, redis_server, running
from .report import DOCS, docs_section, jsonable, machine, render, write_docs
from .request_cost import export_tree, measure_request_cost
from .round_trips import measure_round_trips
from .signatures import SignaturePool

#: Where every run writes its results (``docs/benchmarks.md`` only with ``--write-docs``).
RESULTS = ROOT / "build" / "bench"


def run(args: argparse.Namespace) -> int:
    wrk = find_wrk() if args.targets else ""
    pool = SignaturePool(APP_KEY, SECRET)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": shlex.join(["python", "scripts/bench.py", *sys.argv[1:]]),
        "machine": machine(),
        "settings": {
            k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if k != "command"
        },
    }
    with tempfile.TemporaryDirectory(prefix="m7-bench-") as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        services: dict[str, Service] = {}
        needs_ceiling = bool(args.targets) or "client" not in args.skip
        names = [t for t in ALL_TARGETS if t in args.targets or (t == "ceiling" and needs_ceiling)]
        redis = None
        if REDIS_TARGETS & set(names) or "round-trips" not in args.skip:
            redis = stack.enter_context(redis_server(workdir))
        redis_url = redis.url if redis is not None else None
        before = None
        if "mock-before" in names and args.before:
            before = export_tree(ROOT, args.before, workdir / "before")
        for name in names:
            services[name] = stack.enter_context(running(name, workdir, redis_url, before))
            services[name].start()
        for name, service in services.items():
            status = service.wait_answering(pool)
            log(f"{name} answering on {service.url} (first status {status})")
            preflight(service, pool)
        if args.targets:
            load_services = {name: services[name] for name in args.targets}
            results["load"] = measure_load(args, load_services, pool, workdir, wrk, redis)
        else:
            results["load"] = {}
        if "round-trips" not in args.skip and redis_url is not None:
            log("Redis round trips per request")
            results["round_trips"] = measure_round_trips(f"{redis_url}/3")
        if "client" not in args.skip:
            log("client cost per call")
            results["client"] = measure_client(services["ceiling"], pool, args.client_calls)
        stack.close()  # free the cores before the cold starts

        if "request-cost" not in args.skip:
            log(
                "per-request cost inside the app"
                + (f" (and at {args.before})" if args.before else "")
            )
            results["request_cost"] = measure_request_cost(ROOT, args.before, args.cost_requests)
        if "signature" not in args.skip:
            log("signature cost")
            results["signature"] = measure_signature()
        if "cold-start" not in args.skip and args.cold_starts:
            log("cold starts")
            results["cold_start"] = measure_cold_starts(("mock",), args.cold_starts, pool, workdir)

    tables = render(results, args)
    print(tables, flush=True)
    summaries: dict[str, TargetSummary] = results["load"]
    failed = {name: s for name, s in summaries.items() if s.errors or s.warmup_errors}
    if args.write_docs and failed:
        log(f"not rewriting {DOCS.relative_to(ROOT)}: this run is invalid (see below)")
    elif args.write_docs:
        write_docs(docs_section(results, args, tables))
        log(f"wrote {DOCS.relative_to(ROOT)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tables.md").write_text(tables + "\n", encoding="utf-8")
    (RESULTS / "results.json").write_text(json.dumps(jsonable(results), indent=2), encoding="utf-8")
    log(f"results in {RESULTS.relative_to(ROOT)}/ (tables.md, results.json)")
    if args.json:
        args.json.write_text(json.dumps(jsonable(results), indent=2), encoding="utf-8")

    for name, s in failed.items():
        wrapped = (
            f"; the pre-signed pool ran out {s.wrapped}x, so signatures were reused"
            if s.wrapped
            else ""
        )
        print(
            f"INVALID: {name} answered {s.errors} timed and {s.warmup_errors} warm-up requests "
            f"with errors (statuses {s.statuses}, warm-up {s.warmup_statuses}, socket errors "
            f"{s.socket_errors}){wrapped}",
            file=sys.stderr,
        )
    return 2 if failed else 0
