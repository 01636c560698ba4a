"""Load: wrk drives each target with the same pre-signed requests, in alternating rounds.

Rounds alternate between targets (forwards, then backwards) so that the noise of a small,
shared machine hits all of them alike; the results are meant as ratios within one run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import httpx

from .common import (
    AGENT,
    APP_KEY,
    BODY,
    LISTEN_PATH,
    SUPERVISOR,
    TARGET_LABELS,
    log,
)
from .processes import REDIS_TARGETS, RedisServer, Service
from .signatures import SignaturePool

#: wrk's request script, beside this module.
LUA_SCRIPT: Final = Path(__file__).with_name("signed_requests.lua")

#: Requests per second assumed before a target has been measured (sizes the first pool).
INITIAL_RATE_GUESS: Final = 25_000
#: Targets that refuse a replayed signature; the others get a smaller pool that may wrap.
REPLAY_CHECKED: Final = frozenset(
    {
        "mock",
        "mock-before",
        "mock-quiet",
        "mock-redis",
        "mock-redis-2w",
        "mock-redis-2w-pinned",
        "mock-uvicorn-bounded",
        "mock-uvicorn-plain",
        "mock-granian",
        "mock-hypercorn",
    }
)
#: Pool size for targets that do not check replays (wrapping there is harmless).
UNCHECKED_POOL: Final = 50_000


@dataclass
class Round:
    """One wrk run against one target."""

    target: str
    seconds: float
    requests: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    statuses: dict[str, int]
    wrapped: int
    pool: int
    #: CPU seconds the target's processes used during the round (``None``: not measured),
    #: and Redis's for a target on Redis.
    cpu_seconds: float | None = None
    redis_cpu_seconds: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(count for status, count in self.statuses.items() if not status.startswith("2"))

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


def run_wrk(
    wrk: str,
    service: Service,
    pool: SignaturePool,
    prefix: Path,
    *,
    seconds: int,
    threads: int,
    connections: int,
    pool_size: int,
) -> Round:
    pool.write(prefix, pool_size, threads)
    argv = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA_SCRIPT),
        service.url,
        "--",
        str(prefix),
        LISTEN_PATH,
        BODY,
        APP_KEY,
    ]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    for index in range(threads):
        Path(f"{prefix}.{index}").unlink(missing_ok=True)
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK_RESULT ")), None)
    if result.returncode != 0 or line is None:
        raise SystemExit(
            f"wrk failed against {service.name} (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    data = json.loads(line.removeprefix("WRK_RESULT "))
    return Round(
        target=service.name,
        seconds=data["duration_us"] / 1e6,
        requests=data["requests"],
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        socket_errors=sum(
            data[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
        ),
        statuses={str(k): int(v) for k, v in data["statuses"].items()},
        wrapped=data["wrapped"],
        pool=pool_size,
    )


def _used(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def preflight(service: Service, pool: SignaturePool) -> None:
    """One signed listen first: the load is only meaningful if it succeeds."""
    try:
        response = httpx.post(
            service.url + LISTEN_PATH, content=BODY, headers=pool.headers(), timeout=30
        )
    except httpx.HTTPError as exc:
        raise SystemExit(f"{service.name}: the first listen request failed: {exc!r}") from exc
    ok = response.status_code == 200
    with contextlib.suppress(ValueError):
        ok = ok and response.json().get("success") is True
    if not ok:
        hint = {
            401: "the signature was refused: is the mock running with other credentials or "
            "another auth mode than its defaults (demo account 2100147)?",
            409: "the call-center model refused listen 2002 -> 9527: the bench needs the demo "
            "scenario (supervisor 2002 idle or already monitoring 9527, 9527 talking)",
        }.get(response.status_code, "unexpected answer")
        raise SystemExit(
            f"{service.name}: listen {SUPERVISOR} -> {AGENT} answered HTTP "
            f"{response.status_code}, not a success ({hint}); body: {response.text[:500]}"
        )


@dataclass
class TargetSummary:
    target: str
    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict[str, int]
    socket_errors: int
    wrapped: int
    round_rps: list[float]
    round_p99_ms: list[float]
    #: CPU µs per request of the target's processes, and of Redis (``None``: not measured).
    cpu_us: float | None = None
    redis_cpu_us: float | None = None
    warmup_errors: int = 0
    warmup_statuses: dict[str, int] = field(default_factory=dict)


def summarise(target: str, rounds: Sequence[Round]) -> TargetSummary:
    statuses: dict[str, int] = {}
    for r in rounds:
        for status, count in r.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    return TargetSummary(
        target=target,
        label=TARGET_LABELS[target],
        rps=sum(r.requests for r in rounds) / sum(r.seconds for r in rounds),
        p50_ms=statistics.median(r.p50_ms for r in rounds),
        p99_ms=statistics.median(r.p99_ms for r in rounds),
        errors=sum(r.errors for r in rounds),
        statuses=statuses,
        socket_errors=sum(r.socket_errors for r in rounds),
        wrapped=sum(r.wrapped for r in rounds),
        round_rps=[round(r.rps, 1) for r in rounds],
        round_p99_ms=[round(r.p99_ms, 2) for r in rounds],
        cpu_us=_per_request_us([r.cpu_seconds for r in rounds], rounds),
        redis_cpu_us=_per_request_us([r.redis_cpu_seconds for r in rounds], rounds),
    )


def _per_request_us(seconds: Sequence[float | None], rounds: Sequence[Round]) -> float | None:
    if any(value is None for value in seconds):
        return None
    requests = sum(r.requests for r in rounds)
    return sum(value or 0.0 for value in seconds) / requests * 1e6 if requests else None


def pool_size_for(
    best_rps: float | None, seconds: int, cap: int | None, replay_checked: bool = True
) -> int:
    """Enough fresh requests for a round (3x the best rate seen), unless capped for a test.

    A target without a replay check gets at most ``UNCHECKED_POOL`` (its wrap is harmless).
    """
    rate = INITIAL_RATE_GUESS if best_rps is None else max(3 * best_rps, 2_000)
    size = int(rate * seconds) + 1_000
    if not replay_checked:
        size = min(size, UNCHECKED_POOL)
    return min(size, cap) if cap else size


def serpentine(targets: Sequence[str], rounds: int) -> list[tuple[int, str]]:
    """Round r runs the targets forwards when r is even and backwards when odd."""
    order: list[tuple[int, str]] = []
    for r in range(rounds):
        seq = list(targets) if r % 2 == 0 else list(reversed(targets))
        order += [(r, t) for t in seq]
    return order


def measure_load(
    args: argparse.Namespace,
    services: dict[str, Service],
    pool: SignaturePool,
    workdir: Path,
    wrk: str,
    redis: RedisServer | None = None,
) -> dict[str, TargetSummary]:
    best: dict[str, float] = {}
    rounds: dict[str, list[Round]] = {name: [] for name in services}
    warmups: dict[str, list[Round]] = {name: [] for name in services}

    def one(name: str, seconds: int) -> Round:
        service = services[name]
        shared = redis.service if redis is not None and name in REDIS_TARGETS else None
        cpu_before = service.cpu_seconds()
        redis_before = shared.cpu_seconds() if shared is not None else None
        result = run_wrk(
            wrk,
            services[name],
            pool,
            workdir / f"pool-{name}",
            seconds=seconds,
            threads=args.threads,
            connections=args.connections,
            pool_size=pool_size_for(best.get(name), seconds, args.pool_cap, name in REPLAY_CHECKED),
        )
        result.cpu_seconds = _used(cpu_before, service.cpu_seconds())
        if shared is not None:
            result.redis_cpu_seconds = _used(redis_before, shared.cpu_seconds())
        best[name] = max(best.get(name, 0.0), result.rps)
        return result

    if args.warmup:
        for name in services:
            warm = one(name, args.warmup)
            warmups[name].append(warm)
            log(f"warm-up {name}: {warm.rps:,.0f} req/s, statuses {warm.statuses}")
    for index, name in serpentine(list(services), args.rounds):
        result = one(name, args.duration)
        rounds[name].append(result)
        wrapped = ""
        if result.wrapped:
            wrapped = (
                f", POOL WRAPPED {result.wrapped}x (signatures reused)"
                if name in REPLAY_CHECKED
                else f", pool reused {result.wrapped}x (harmless: no replay check here)"
            )
        log(
            f"round {index + 1}/{args.rounds} {name}: {result.rps:,.0f} req/s, "
            f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, "
            f"statuses {result.statuses}, socket errors {result.socket_errors}{wrapped}"
        )
    summaries = {}
    for name, timed in rounds.items():
        summary = summarise(name, timed)
        # a warm-up's speed is not reported, but a refusal during it is
        summary.warmup_errors = sum(r.errors for r in warmups[name])
        for r in warmups[name]:
            summary.warmup_statuses = {
                k: summary.warmup_statuses.get(k, 0) + v for k, v in r.statuses.items()
            }
        summaries[name] = summary
    return summaries
