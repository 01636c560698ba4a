"""The servers under test: how each is started, when it answers, and that it always stops.

Each runs in its own process group with the caller's M7_* settings removed, so a run
measures the defaults and leaves no server behind, whatever happens to the run.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .common import BENCH_SCRIPT, DOCUMENT, ROOT
from .servers import SERVERS
from .signatures import SignaturePool, raw_request

PRISM: Final = ROOT / "node_modules" / ".bin" / "prism"


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
    #: Where it runs and what it imports first (``mock-before``: another revision's tree).
    tree: Path = ROOT

    def start(self) -> None:
        env = child_env()
        if self.tree != ROOT:  # its own packages before the checkout's (editable) ones
            env["PYTHONPATH"] = os.pathsep.join(
                [str(self.tree), str(self.tree / "generated_client")]
            )
        with self.log_path.open("ab") as sink:
            self.process = subprocess.Popen(
                self.argv,
                cwd=self.tree,
                env=env,
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

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) used so far by this service's live processes, its
        workers included (its process group), from ``/proc``; ``None`` where there is none."""
        if self.process is None:
            return None
        return group_cpu_seconds(self.process.pid)

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
    return [sys.executable, str(BENCH_SCRIPT), "serve-ceiling", "--port", str(port)]


def mock_redis_argv(port: int, redis_url: str, workers: int = 1) -> list[str]:
    """The mock with its state in Redis (``--workers`` > 1: several processes on one port)."""
    return [*mock_argv(port), "--state", redis_url, "--workers", str(workers)]


def server_argv(server: str) -> Callable[[int], list[str]]:
    """The mock without its access log under ``server`` (see servers.py)."""

    def argv(port: int) -> list[str]:
        return [
            sys.executable,
            str(BENCH_SCRIPT),
            "serve-mock",
            "--server",
            server,
            "--port",
            str(port),
        ]

    return argv


ARGV: Final[dict[str, Callable[[int], list[str]]]] = {
    **{f"mock-{server}": server_argv(server) for server in SERVERS},
    "mock": mock_argv,
    "mock-quiet": mock_quiet_argv,
    "prism": prism_argv,
    "prism-quiet": prism_quiet_argv,
    "ceiling": ceiling_argv,
}


#: The targets on Redis: their database, workers and further options.
REDIS_ARGV: Final[dict[str, tuple[int, int, tuple[str, ...]]]] = {
    "mock-redis": (1, 1, ()),
    "mock-redis-2w": (2, 2, ()),
    "mock-redis-2w-pinned": (4, 2, ("--pin-workers", "on")),  # 3: the round trips'
}
#: The targets that keep their state in Redis (the run starts a redis-server for them).
REDIS_TARGETS: Final = frozenset(REDIS_ARGV)


@contextlib.contextmanager
def running(
    name: str, workdir: Path, redis_url: str | None = None, before: Path | None = None
) -> Iterator[Service]:
    """``name`` on a free port; ``before`` is the tree ``mock-before`` runs."""
    port = free_port()
    tree = ROOT
    if name == "mock-before":
        if before is None:
            raise SystemExit("mock-before needs --before REF (the revision to compare with)")
        argv, tree = mock_argv(port), before
    elif name in REDIS_ARGV:
        if redis_url is None:
            raise SystemExit(f"{name} needs a Redis (none was started)")
        db, workers, extra = REDIS_ARGV[name]  # a database each: they never share a state
        argv = [*mock_redis_argv(port, f"{redis_url}/{db}", workers), *extra]
    else:
        argv = ARGV[name](port)
    service = Service(name, argv, port, workdir / f"{name}.log", tree=tree)
    try:
        yield service
    finally:
        service.stop()


def group_cpu_seconds(group: int) -> float | None:
    """User + system CPU seconds of the live processes in process group ``group`` (Linux)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, ...
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class RedisServer:
    """The benchmark's redis-server: its URL, and its process (for its CPU time)."""

    url: str
    service: Service


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[RedisServer]:
    """A redis-server on a free loopback port, no persistence (``url``: redis://127.0.0.1:P)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit(
            "redis-server is not installed: run `make system-packages` "
            "(or `sudo apt-get install redis-server`)"
        )
    port = free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    service = Service("redis", argv, port, workdir / "redis.log")
    service.start()
    try:
        deadline = time.perf_counter() + 20
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn,
            ):
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    break
            if time.perf_counter() > deadline:
                raise SystemExit(f"redis-server did not start:\n{service.tail()}")
            time.sleep(0.02)
        yield RedisServer(f"redis://127.0.0.1:{port}", service)
    finally:
        service.stop()


#: The command that installs wrk on this project's machines (Debian), for the message.
WRK_INSTALL: Final = "apt-get install -y wrk"


def find_wrk() -> str:
    """wrk's path; when it is missing, stop and say how to install it (never install it)."""
    found = shutil.which("wrk")
    if found:
        return found
    raise SystemExit(
        f"wrk is not installed; install it with `{WRK_INSTALL}` (as root, or with sudo) and "
        "run the benchmark again"
    )
