"""Benchmark the mock server against Prism, side by side in one run (`make bench`).

    python scripts/bench.py                  # measure and print the tables
    python scripts/bench.py --write-docs     # ... and rewrite the results in docs/benchmarks.md
    python scripts/bench.py --profile DIR    # ... and profile the mock under load with py-spy

What one run measures, always as ratios of things measured in the same run (the machine is
small and shared, so absolute numbers from different runs are not comparable):

* load: the mock with its production settings (strict signatures, replay cache, request
  validation, the call-center model), Prism (`prism mock`) on the same document, and a bare
  Starlette app answering the same JSON (the ceiling of a Python ASGI server here), each
  driven by wrk with the same load in alternating rounds so that noise hits all of them.
  Every request is `listen` 2002 -> 9527 with its own valid, never reused signature;
* the friendly client's cost per call, as a ratio to a raw httpx call, and one signature;
* the cold start of the mock and of Prism (process start to the first answered request);
* `make generate` (the generator run into a temporary copy of the committed package).

Exit status: 0 when every load request was answered 2xx, 2 when a server refused or dropped
requests (the numbers are then not a measurement of the intended work), 1 on a setup failure.
Targets are reported as PASS/MISS and never fail the run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import httpx

from m7_call_monitor.signing import sign, signed_headers

ROOT: Final = Path(__file__).resolve().parent.parent
HELPERS: Final = ROOT / "scripts" / "bench"
LUA_SCRIPT: Final = HELPERS / "signed_requests.lua"
DOCUMENT: Final = ROOT / "openapi" / "call-monitor.yaml"
DOCS: Final = ROOT / "docs" / "benchmarks.md"
PRISM: Final = ROOT / "node_modules" / ".bin" / "prism"
GENERATOR: Final = ROOT / "scripts" / "generate_client.py"
COMMITTED_PACKAGE: Final = ROOT / "generated_client" / "m7_openapi"

#: The mock's built-in demo account (see mock_server/settings.py).
APP_KEY: Final = "2100147"
SECRET: Final = "m7-demo-secret"  # noqa: S105 - the published demo secret
LISTEN_PATH: Final = "/openapi/v1/call/listen"
#: The vendor's listen example: supervisor 2002 listens to agent 9527. On the demo scenario
#: it succeeds every time (the second and later ones are a mode switch of the same supervisor).
BODY: Final = '{"listenAgent":"2002","agentNumber":"9527","actionId":"437783670040322048"}'
SUPERVISOR, AGENT, ACTION_ID = "2002", "9527", "437783670040322048"

#: Timestamps of pre-signed requests are spread over this many seconds before "now", well
#: inside the 300 s window even after the longest round.
TIMESTAMP_SPREAD: Final = 120
#: Requests per second assumed before a target has been measured (sizes the first pool).
INITIAL_RATE_GUESS: Final = 25_000
#: Targets that refuse a replayed signature; the others get a smaller pool that may wrap.
REPLAY_CHECKED: Final = frozenset({"mock", "mock-quiet"})
#: Pool size for targets that do not check replays (wrapping there is harmless).
UNCHECKED_POOL: Final = 50_000

MARK_BEGIN: Final = "<!-- bench:begin (written by scripts/bench.py --write-docs) -->"
MARK_END: Final = "<!-- bench:end -->"

TARGET_LABELS: Final = {
    "mock": "mock (strict auth, replay cache, validation, call-center model)",
    "prism": "Prism 5.16 (`prism mock`, same document)",
    "prism-quiet": "Prism 5.16, `--verboseLevel warn` (no per-request log)",
    "ceiling": "bare Starlette app, same JSON (ceiling)",
    "mock-quiet": "mock, `--log-level warning` (no access log)",
}
DEFAULT_TARGETS: Final = ("mock", "prism", "prism-quiet", "ceiling")
#: Every target, in table order; mock-quiet only on request (--targets).
ALL_TARGETS: Final = ("mock", "mock-quiet", "prism", "prism-quiet", "ceiling")
PARTS: Final = ("client", "signature", "cold-start", "generate")


def log(message: str) -> None:
    """Progress goes to stderr; the tables go to stdout."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the ceiling app


def listen_example() -> dict[str, Any]:
    """The vendor's listen success example, from the document (what Prism answers too)."""
    import yaml

    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    example: dict[str, Any] = document["components"]["examples"]["ListenSuccess"]["value"]
    return example


def serve_ceiling(port: int) -> None:
    """A bare Starlette app answering every listen with the example's bytes, on uvicorn.

    Served like the mock (uvicorn, uvloop, httptools, one process, no access log), so the
    difference between the two rows is what the mock does per request.
    """
    import orjson
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    payload = orjson.dumps(listen_example())

    async def listen(request: Request) -> Response:
        await request.body()
        return Response(payload, media_type="application/json")

    app = Starlette(routes=[Route(LISTEN_PATH, listen, methods=["POST"])])
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
    )


# --------------------------------------------------------------------------- signatures


class SignaturePool:
    """Hands out signed (timestamp, nonce, sign) triples, never the same pair twice in a run.

    Nonces are 6 digits, so with one app key and one timestamp there are only 10**6 pairs.
    The nonce is a run-wide counter (unique for the first million requests) and the
    timestamp cycles over the last ``TIMESTAMP_SPREAD`` seconds; a set of every pair handed
    out makes uniqueness hold however long the run is.
    """

    def __init__(self, app_key: str, secret: str, *, clock: Callable[[], float] = time.time):
        self._app_key = app_key
        self._secret = secret
        self._clock = clock
        self._counter = 0
        self._used: set[tuple[str, str]] = set()

    @property
    def issued(self) -> int:
        return len(self._used)

    def take(self, count: int) -> list[tuple[str, str, str]]:
        now = int(self._clock())
        triples: list[tuple[str, str, str]] = []
        while len(triples) < count:
            counter = self._counter
            self._counter += 1
            timestamp = str(now - counter % TIMESTAMP_SPREAD)
            nonce = f"{counter % 1_000_000:06d}"
            if (timestamp, nonce) in self._used:
                continue
            self._used.add((timestamp, nonce))
            triples.append((timestamp, nonce, sign(self._app_key, self._secret, timestamp, nonce)))
        return triples

    def headers(self) -> dict[str, str]:
        """The four m7-* headers of one fresh request (plus content-type)."""
        ((timestamp, nonce, signature),) = self.take(1)
        return {
            "content-type": "application/json",
            "m7-appkey": self._app_key,
            "m7-nonce": nonce,
            "m7-timestamp": timestamp,
            "m7-sign": signature,
        }

    def write(self, prefix: Path, count: int, threads: int) -> None:
        """Write ``count`` fresh requests as ``prefix.0`` .. ``prefix.<threads-1>``."""
        triples = self.take(count)
        for index in range(threads):
            lines = (f"{t} {n} {s}\n" for t, n, s in triples[index::threads])
            Path(f"{prefix}.{index}").write_text("".join(lines), encoding="ascii")


def raw_request(pool: SignaturePool, port: int) -> bytes:
    """One signed listen request as bytes, for the socket-level probes."""
    headers = pool.headers()
    lines = [f"POST {LISTEN_PATH} HTTP/1.1", f"host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"content-length: {len(BODY)}", "connection: close", "", BODY]
    return "\r\n".join(lines).encode()


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def answer_status(port: int, request: bytes, timeout: float = 2.0) -> int | None:
    """Send one request on a fresh connection; the status it got, None if nobody answered."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
            conn.sendall(request)
            data = b""
            while b"\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return None
                data += chunk
    except OSError:
        return None
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(match.group(1)) if match else None


@dataclass
class Service:
    """A server process this script starts, in its own process group, and always stops."""

    name: str
    argv: list[str]
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as sink:
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=child_env(),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_answering(self, pool: SignaturePool, timeout: float = 60.0) -> int:
        """Poll with signed listen requests until one is answered; return its status."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise SystemExit(
                    f"{self.name} exited with status {self.process.returncode} before "
                    f"answering; its output:\n{self.tail()}"
                )
            status = answer_status(self.port, raw_request(pool, self.port))
            if status is not None:
                return status
            time.sleep(0.005)
        raise SystemExit(f"{self.name} did not answer within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no output)"
        return "\n".join(text.splitlines()[-lines:]) or "(no output)"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def child_env() -> dict[str, str]:
    """Our environment without the mock's and the client's M7_* settings.

    The mock reads M7_MOCK_* (auth mode, credentials, scenario, log level, ...): the bench
    measures its defaults, whatever the caller's shell has exported.
    """
    return {k: v for k, v in os.environ.items() if not k.startswith("M7_")}


def mock_argv(port: int) -> list[str]:
    """The mock exactly as `make mock` runs it: no options beyond host and port."""
    return [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", str(port)]


def mock_quiet_argv(port: int) -> list[str]:
    """The mock without its access log (one JSON line per request at the default level)."""
    return [*mock_argv(port), "--log-level", "warning"]


def prism_argv(port: int) -> list[str]:
    """Prism as `make prism` runs it (its default log level included)."""
    if not PRISM.exists():
        raise SystemExit(f"{PRISM} is missing: run `make setup` (npm ci) first")
    return [str(PRISM), "mock", "--host", "127.0.0.1", "--port", str(port), str(DOCUMENT)]


def prism_quiet_argv(port: int) -> list[str]:
    """Prism without its per-request log lines (its default level, info, logs ~5 a request)."""
    return [*prism_argv(port), "--verboseLevel", "warn"]


def ceiling_argv(port: int) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "serve-ceiling", "--port", str(port)]


ARGV: Final[dict[str, Callable[[int], list[str]]]] = {
    "mock": mock_argv,
    "mock-quiet": mock_quiet_argv,
    "prism": prism_argv,
    "prism-quiet": prism_quiet_argv,
    "ceiling": ceiling_argv,
}


@contextlib.contextmanager
def running(name: str, workdir: Path) -> Iterator[Service]:
    port = free_port()
    service = Service(name, ARGV[name](port), port, workdir / f"{name}.log")
    try:
        yield service
    finally:
        service.stop()


def ensure_wrk() -> str:
    """wrk's path; installs the Debian package when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing: installing it with apt-get (Debian package wrk)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
        if subprocess.run(install, env=env, check=False).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, check=False)
            subprocess.run(install, env=env, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit(
        "wrk is not installed and could not be installed here (needs root and apt-get): "
        "install it with `sudo apt-get install wrk` and run the benchmark again"
    )


# --------------------------------------------------------------------------- load


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
    )


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
) -> dict[str, TargetSummary]:
    best: dict[str, float] = {}
    rounds: dict[str, list[Round]] = {name: [] for name in services}
    warmups: dict[str, list[Round]] = {name: [] for name in services}

    def one(name: str, seconds: int) -> Round:
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


# --------------------------------------------------------------------------- client cost


@dataclass
class ClientCost:
    server: str
    friendly_us: float
    raw_us: float
    ratio: float
    inprocess_friendly_us: float
    inprocess_raw_us: float
    calls_per_side: int


def _per_call_us(run: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        run()
    return (time.perf_counter() - start) / calls * 1e6


def _interleaved(
    friendly: Callable[[], object], raw: Callable[[], object], calls: int, blocks: int = 16
) -> tuple[float, float]:
    """Median per-call µs of each, measured in alternating blocks (order swapped each time)."""
    per_block = max(calls // blocks, 1)
    for _ in range(min(per_block, 50)):  # warm both paths and the connection
        friendly()
        raw()
    f_times: list[float] = []
    r_times: list[float] = []
    for block in range(blocks):
        if block % 2 == 0:
            f_times.append(_per_call_us(friendly, per_block))
            r_times.append(_per_call_us(raw, per_block))
        else:
            r_times.append(_per_call_us(raw, per_block))
            f_times.append(_per_call_us(friendly, per_block))
    return statistics.median(f_times), statistics.median(r_times)


def _pair(
    base_url: str, transport: httpx.BaseTransport, pool: SignaturePool
) -> tuple[Callable[[], object], Callable[[], object], Callable[[], None]]:
    """The friendly call and the raw call, sharing one transport (one connection pool)."""
    from m7_call_monitor import CallMonitor

    monitor = CallMonitor(base_url, APP_KEY, SECRET, transport=transport, retries=0)
    raw_client = httpx.Client(base_url=base_url, transport=transport)
    headers = pool.headers()  # pre-built once: the trivial server does not check them
    content = BODY.encode()

    def friendly() -> object:
        return monitor.listen(supervisor=SUPERVISOR, agent=AGENT, action_id=ACTION_ID)

    def raw() -> object:
        response = raw_client.post(LISTEN_PATH, content=content, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"raw call answered {response.status_code}")
        return response.json()

    def close() -> None:
        raw_client.close()
        monitor.close()

    return friendly, raw, close


def measure_client(ceiling: Service, pool: SignaturePool, calls: int) -> ClientCost:
    """Friendly CallMonitor.listen vs a raw httpx POST with pre-built headers.

    Main figure: against the bare Starlette server over loopback (a real HTTP exchange, the
    server doing nothing), both through the same httpx transport and keep-alive connection;
    the raw call checks the status and decodes the JSON, the friendly call signs, builds the
    generated request model, parses the typed envelope. Secondary figure: both against an
    in-process ``httpx.MockTransport`` answering the same bytes, i.e. the client's own cost
    without any network or server.
    """
    import orjson

    friendly, raw, close = _pair(ceiling.url, httpx.HTTPTransport(), pool)
    try:
        friendly_us, raw_us = _interleaved(friendly, raw, calls)
    finally:
        close()

    payload = orjson.dumps(listen_example())

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=payload, headers={"content-type": "application/json"})

    friendly_mem, raw_mem, close_mem = _pair("http://m7.test", httpx.MockTransport(answer), pool)
    try:
        mem_friendly_us, mem_raw_us = _interleaved(friendly_mem, raw_mem, calls)
    finally:
        close_mem()
    return ClientCost(
        server="bare Starlette on uvicorn over 127.0.0.1 (keep-alive)",
        friendly_us=friendly_us,
        raw_us=raw_us,
        ratio=friendly_us / raw_us,
        inprocess_friendly_us=mem_friendly_us,
        inprocess_raw_us=mem_raw_us,
        calls_per_side=calls,
    )


@dataclass
class SignatureCost:
    sign_us: float
    signed_headers_us: float


def measure_signature() -> SignatureCost:
    """µs for one m7-sign (HMAC-SHA256 + base64), and for the four headers of a request."""
    number = 20_000
    t_sign = timeit.Timer(lambda: sign(APP_KEY, SECRET, "1608119594", "123221"))
    t_headers = timeit.Timer(lambda: signed_headers(APP_KEY, SECRET))
    return SignatureCost(
        sign_us=min(t_sign.repeat(repeat=5, number=number)) / number * 1e6,
        signed_headers_us=min(t_headers.repeat(repeat=5, number=number)) / number * 1e6,
    )


# --------------------------------------------------------------------------- cold start, generate


@dataclass
class ColdStart:
    target: str
    seconds: list[float]
    first_status: list[int]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure_cold_starts(
    targets: Sequence[str], runs: int, pool: SignaturePool, workdir: Path
) -> dict[str, ColdStart]:
    """Process start to the first answered (signed listen) request, alternating targets."""
    results = {name: ColdStart(name, [], []) for name in targets}
    for _ in range(runs):
        for name in targets:
            with running(name, workdir) as service:
                start = time.perf_counter()
                service.start()
                status = service.wait_answering(pool)
                results[name].seconds.append(time.perf_counter() - start)
                results[name].first_status.append(status)
    return results


@dataclass
class GenerateCost:
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure_generate(runs: int, workdir: Path) -> GenerateCost:
    """`make generate` = scripts/generate_client.py, here into a copy of the committed package."""
    times: list[float] = []
    for index in range(runs):
        target = workdir / f"generate-{index}" / "m7_openapi"
        shutil.copytree(COMMITTED_PACKAGE, target)
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(GENERATOR), "--package", str(target)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"scripts/generate_client.py failed:\n{result.stdout}{result.stderr}")
    return GenerateCost(times)


# --------------------------------------------------------------------------- profile


def ensure_py_spy() -> str:
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if found:
        return found
    log("py-spy is missing: installing py-spy==0.4.3 into this environment")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "py-spy==0.4.3"], check=True)
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit("py-spy could not be installed: pip install py-spy==0.4.3")
    return found


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


_FRAME: Final = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?):\d+\)$")


def layer_of(frame: str) -> str:
    """Where a py-spy frame's code lives: a mock_server file, a package, or a stdlib module."""
    match = _FRAME.match(frame)
    if not match:
        return frame
    file = match.group("file")
    parts = file.split("/")
    if "mock_server" in parts:
        return "mock_server/" + parts[-1]
    if "m7_call_monitor" in parts:
        return "m7_call_monitor/" + parts[-1]
    if len(parts) > 1:
        return parts[-2] if parts[-2] in {"site-packages", "lib"} else parts[0]
    return parts[0].removesuffix(".py")


#: Layers grouped by what they do, for the per-request budget (first match wins).
GROUPS: Final = (
    ("HTTP server: uvicorn, httptools, asyncio (incl. the socket writes)", ("uvicorn", "asyncio")),
    ("framework: starlette + connexion routing and middleware", ("starlette", "connexion")),
    ("access log: mock_server/access_log.py + logging", ("mock_server/access_log.py", "logging")),
    (
        "response: envelope, ids, uuid, JSON",
        ("mock_server/envelope.py", "mock_server/ids.py", "uuid", "json"),
    ),
    (
        "authentication: signature, replay cache",
        ("mock_server/auth.py", "hmac", "m7_call_monitor/", "base64", "mock_server/replay.py"),
    ),
    (
        "call-center model + handlers",
        ("mock_server/callcenter.py", "mock_server/handlers.py", "mock_server/dispatch.py"),
    ),
    ("body validation", ("mock_server/validation.py", "jsonschema")),
    ("other mock layers (transport, guards, CORS, faults, journal, ...)", ("mock_server/",)),
)


def group_of(layer: str) -> str:
    for name, keys in GROUPS:
        if any(layer == key or (key.endswith("/") and layer.startswith(key)) for key in keys):
            return name
    return "other (stdlib, dataclass __init__, ...)"


def summarise_profile(raw_path: Path, cpu_us_per_request: float) -> str:
    """Self time per layer (file or package) and per function, from py-spy's collapsed stacks.

    Shares are of the samples in which the mock's thread was busy; µs are those shares of
    the mock's measured CPU time per request.
    """
    self_time: dict[str, int] = {}
    layer_time: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in raw_path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        leaf = frames[-1]
        self_time[leaf] = self_time.get(leaf, 0) + count
        layer = layer_of(leaf)
        layer_time[layer] = layer_time.get(layer, 0) + count
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + count
    if not total:
        return "py-spy recorded no samples"

    def row(count: int, name: str) -> str:
        share = count / total
        return f"  {share:6.1%}  {share * cpu_us_per_request:7.1f} µs  {name}"

    groups: dict[str, int] = {}
    for layer, count in layer_time.items():
        groups[group_of(layer)] = groups.get(group_of(layer), 0) + count
    out = [f"{total} samples; µs are shares of {cpu_us_per_request:.0f} µs of CPU per request"]
    out.append("\nself time by group:")
    out += [row(c, n) for n, c in sorted(groups.items(), key=lambda kv: -kv[1])]
    out.append("\nself time by layer (file of mock_server, package, or stdlib module):")
    out += [row(c, n) for n, c in sorted(layer_time.items(), key=lambda kv: -kv[1])[:25]]
    out.append("\ntop functions by self time:")
    out += [row(c, n) for n, c in sorted(self_time.items(), key=lambda kv: -kv[1])[:25]]
    out.append("\ntop functions by inclusive time:")
    out += [row(c, n) for n, c in sorted(inclusive.items(), key=lambda kv: -kv[1])[:45]]
    return "\n".join(out)


def profile_mock(
    args: argparse.Namespace, mock: Service, pool: SignaturePool, workdir: Path, wrk: str
) -> str:
    """Where the mock's CPU goes per request: py-spy shares scaled by unprofiled CPU time.

    First a plain round measures the mock's CPU time per request (from /proc, no profiler
    attached); then a round under py-spy (blocking sampling, 250 Hz, idle excluded) gives
    the shares of that time. The collapsed stacks are kept (speedscope.app opens them).
    """
    py_spy = ensure_py_spy()
    out_dir: Path = args.profile
    out_dir.mkdir(parents=True, exist_ok=True)
    if mock.process is None:
        raise SystemExit("the mock is not running")
    pid = mock.process.pid
    seconds = max(args.duration, 5)
    raw_path = out_dir / "mock-profile.txt"

    def load() -> Round:
        return run_wrk(
            wrk,
            mock,
            pool,
            workdir / "pool-profile",
            seconds=seconds,
            threads=args.threads,
            connections=args.connections,
            pool_size=pool_size_for(None, seconds, None),
        )

    cpu_before = _cpu_seconds(pid)
    plain = load()
    cpu_per_request = (_cpu_seconds(pid) - cpu_before) / max(plain.requests, 1) * 1e6
    spy_argv = [py_spy, "record", "--pid", str(pid), "--rate", "250", "--function"]
    spy_argv += ["--duration", str(seconds + 1), "--format", "raw", "--output", str(raw_path)]
    recorder = subprocess.Popen(spy_argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        profiled = load()
    finally:
        try:
            recorder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            recorder.terminate()
            recorder.wait(timeout=10)
    summary = summarise_profile(raw_path, cpu_per_request)
    header = (
        f"unprofiled round: {plain.rps:,.0f} req/s, {cpu_per_request:.0f} µs of mock CPU per "
        f"request, statuses {plain.statuses}; profiled round: {profiled.rps:,.0f} req/s, "
        f"statuses {profiled.statuses}; collapsed stacks in {raw_path}"
    )
    (out_dir / "mock-profile-summary.txt").write_text(f"{header}\n{summary}\n", encoding="utf-8")
    return f"{header}\n{summary}"


# --------------------------------------------------------------------------- report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def machine() -> dict[str, str]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    wrk_version = (wrk.stdout + wrk.stderr).split("Copyright")[0].strip() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cores": str(usable),
        "cpu": model,
        "python": platform.python_version(),
        "node": node.stdout.strip() or "unknown",
        "wrk": wrk_version,
        "os": f"{platform.system()} {platform.release()}",
    }


def _fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def render(results: dict[str, Any], args: argparse.Namespace) -> str:
    """The tables, as Markdown (printed as is, and written to docs/benchmarks.md)."""
    lines: list[str] = []
    load: dict[str, TargetSummary] = results["load"]
    prism = load.get("prism")
    lines.append(
        f"Load: wrk -t{args.threads} -c{args.connections}, {args.rounds} alternating rounds of "
        f"{args.duration} s per target (after a {args.warmup} s warm-up each), POST {LISTEN_PATH} "
        f"listen {SUPERVISOR} -> {AGENT}, every request with its own valid signature."
    )
    lines.append("")
    lines.append(
        "| target | req/s | p50 ms | p99 ms | errors | req/s vs Prism | p99 vs Prism | req/s per round |"
    )
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name in ALL_TARGETS:
        s = load.get(name)
        if s is None:
            continue
        rps_ratio = s.rps / prism.rps if prism else None
        p99_ratio = s.p99_ms / prism.p99_ms if prism and prism.p99_ms else None
        per_round = ", ".join(f"{x:,.0f}" for x in s.round_rps)
        lines.append(
            f"| {s.label} | {s.rps:,.0f} | {s.p50_ms:.2f} | {s.p99_ms:.2f} | {s.errors} | "
            f"{_fmt_ratio(rps_ratio)} | {_fmt_ratio(p99_ratio)} | {per_round} |"
        )
    lines.append("")
    lines.append("errors = non-2xx answers + socket errors (connect, read, write, timeout).")
    lines.append("")

    rows: list[tuple[str, str, str, str]] = []
    mock = load.get("mock")
    if mock and prism:
        rps_ratio = mock.rps / prism.rps
        p99_ratio = mock.p99_ms / prism.p99_ms
        rows.append(
            ("mock / Prism req/s", f"{rps_ratio:.2f}x", ">= 2.00x", verdict(rps_ratio >= 2.0))
        )
        rows.append(
            ("mock p99 / Prism p99", f"{p99_ratio:.2f}", "<= 0.50", verdict(p99_ratio <= 0.5))
        )
    quiet = load.get("prism-quiet")
    if mock and quiet:
        rows.append(
            (
                "mock / quiet Prism: req/s, p99 (context)",
                f"{mock.rps / quiet.rps:.2f}x, {mock.p99_ms / quiet.p99_ms:.2f}",
                "—",
                "",
            )
        )
    mock_quiet = load.get("mock-quiet")
    if mock_quiet and quiet:
        rows.append(
            (
                "quiet mock / quiet Prism: req/s, p99 (context)",
                f"{mock_quiet.rps / quiet.rps:.2f}x, {mock_quiet.p99_ms / quiet.p99_ms:.2f}",
                "—",
                "",
            )
        )
    ceiling = load.get("ceiling")
    if mock and ceiling:
        rows.append(("mock / bare Starlette req/s", f"{mock.rps / ceiling.rps:.2f}x", "—", ""))
    client: ClientCost | None = results.get("client")
    if client:
        rows.append(
            (
                "friendly client / raw httpx, per call over loopback",
                f"{client.ratio:.3f} ({client.friendly_us:.0f} vs {client.raw_us:.0f} µs)",
                "<= 1.15",
                verdict(client.ratio <= 1.15),
            )
        )
        rows.append(
            (
                "same, in-process MockTransport (client cost alone)",
                f"{client.inprocess_friendly_us / client.inprocess_raw_us:.2f} "
                f"({client.inprocess_friendly_us:.0f} vs {client.inprocess_raw_us:.0f} µs)",
                "—",
                "",
            )
        )
    signature: SignatureCost | None = results.get("signature")
    if signature:
        rows.append(
            (
                "one signature, sign()",
                f"{signature.sign_us:.2f} µs",
                "<= 10 µs",
                verdict(signature.sign_us <= 10),
            )
        )
        rows.append(
            (
                "signed_headers() (nonce + timestamp + sign)",
                f"{signature.signed_headers_us:.2f} µs",
                "<= 10 µs",
                verdict(signature.signed_headers_us <= 10),
            )
        )
    cold: dict[str, ColdStart] | None = results.get("cold_start")
    if cold:
        for name, c in cold.items():
            spread = ", ".join(f"{x:.2f}" for x in c.seconds)
            target, mark = ("<= 1.00 s", verdict(c.median <= 1.0)) if name == "mock" else ("—", "")
            rows.append(
                (f"cold start {name} (median; runs: {spread} s)", f"{c.median:.2f} s", target, mark)
            )
        if "mock" in cold and "prism" in cold:
            ratio = cold["mock"].median / cold["prism"].median
            rows.append(("cold start mock / Prism", f"{ratio:.2f}x", "—", ""))
    generate: GenerateCost | None = results.get("generate")
    if generate:
        spread = ", ".join(f"{x:.2f}" for x in generate.seconds)
        rows.append(
            (f"make generate (median; runs: {spread} s)", f"{generate.median:.2f} s", "—", "")
        )
    if rows:
        lines.append("| measurement | value | target | verdict |")
        lines.append("| --- | ---: | --- | --- |")
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def docs_section(results: dict[str, Any], args: argparse.Namespace, tables: str) -> str:
    info: dict[str, str] = results["machine"]
    return "\n".join(
        [
            MARK_BEGIN,
            "",
            f"Run on {results['date']} with `{results['command']}` "
            "(`make bench` runs `.venv/bin/python scripts/bench.py --write-docs`).",
            "",
            f"Machine: {info['cores']} cores ({info['cpu']}), {info['os']}; "
            f"Python {info['python']}, Node {info['node']}, {info['wrk']}.",
            "",
            tables,
            "",
            MARK_END,
        ]
    )


DOCS_TEMPLATE: Final = """# Benchmarks

Reproduce with `make bench` (or `.venv/bin/python scripts/bench.py --write-docs`).

{section}
"""


def write_docs(section: str) -> None:
    if DOCS.exists():
        text = DOCS.read_text(encoding="utf-8")
        if MARK_BEGIN in text and MARK_END in text:
            head, rest = text.split(MARK_BEGIN, 1)
            tail = rest.split(MARK_END, 1)[1]
            DOCS.write_text(head + section + tail, encoding="utf-8")
            return
        DOCS.write_text(text.rstrip() + "\n\n" + section + "\n", encoding="utf-8")
        return
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(DOCS_TEMPLATE.format(section=section), encoding="utf-8")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- main


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
    parser.add_argument("--generate-runs", type=int, default=3, help="make generate runs (3)")
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite results in {DOCS}")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--profile", type=Path, help="profile the mock with py-spy into DIR")
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
    return args


def run(args: argparse.Namespace) -> int:
    wrk = ensure_wrk() if args.targets else ""
    pool = SignaturePool(APP_KEY, SECRET)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": shlex.join(["python", "scripts/bench.py", *sys.argv[1:]]),
        "machine": machine(),
        "settings": {
            k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if k != "command"
        },
    }
    profile_text = ""
    with tempfile.TemporaryDirectory(prefix="m7-bench-") as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        services: dict[str, Service] = {}
        needs_ceiling = bool(args.targets) or "client" not in args.skip
        names = [t for t in ALL_TARGETS if t in args.targets or (t == "ceiling" and needs_ceiling)]
        for name in names:
            services[name] = stack.enter_context(running(name, workdir))
            services[name].start()
        for name, service in services.items():
            status = service.wait_answering(pool)
            log(f"{name} answering on {service.url} (first status {status})")
            preflight(service, pool)
        if args.targets:
            load_services = {name: services[name] for name in args.targets}
            results["load"] = measure_load(args, load_services, pool, workdir, wrk)
        else:
            results["load"] = {}
        if args.profile and "mock" in services:
            profile_text = profile_mock(args, services["mock"], pool, workdir, wrk)
        if "client" not in args.skip:
            log("client cost per call")
            results["client"] = measure_client(services["ceiling"], pool, args.client_calls)
        stack.close()  # free the cores before the cold starts

        if "signature" not in args.skip:
            log("signature cost")
            results["signature"] = measure_signature()
        if "cold-start" not in args.skip and args.cold_starts:
            log("cold starts")
            results["cold_start"] = measure_cold_starts(
                ("mock", "prism"), args.cold_starts, pool, workdir
            )
        if "generate" not in args.skip and args.generate_runs:
            log("make generate")
            results["generate"] = measure_generate(args.generate_runs, workdir)

    tables = render(results, args)
    print(tables, flush=True)
    if profile_text:
        print("\nProfile of the mock under load:\n" + profile_text, flush=True)
    summaries: dict[str, TargetSummary] = results["load"]
    failed = {name: s for name, s in summaries.items() if s.errors or s.warmup_errors}
    if args.write_docs and failed:
        log(f"not rewriting {DOCS.relative_to(ROOT)}: this run is invalid (see below)")
    elif args.write_docs:
        write_docs(docs_section(results, args, tables))
        log(f"wrote {DOCS.relative_to(ROOT)}")
    if args.json:
        args.json.write_text(json.dumps(_jsonable(results), indent=2), encoding="utf-8")

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


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every `finally` stops the servers this run started."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "serve-ceiling":
        serve_ceiling(args.port)
        return 0
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("interrupted: the servers started by this run were stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
