"""Soak the mock: normal load, then normal and hostile load side by side (`make soak`).

    python scripts/soak.py                   # two phases of 60 s (about two minutes)
    python scripts/soak.py --phase-seconds 3 # the smoke that `make test` runs

Phase 1 sends a mixed load with a fresh signature per request (the vendor's listen and
hangupChannel examples, which the demo scenario answers 200 and 409). Phase 2 keeps that
load going as the probes and adds hostile clients next to it: 2 MiB and 64 MiB headers,
chunked bodies over the limit (in one part, in 8 KiB parts), 1,000 headers,
deeply nested bodies, over-limit bodies, exact replays of accepted requests, clients that
drip their headers or bodies a byte at a time, and connections that open and say nothing.

It prints, per phase, the resident memory of the mock at the start and the end, the
responses by status class, the 5xx count, the replays accepted and how many normal probes
were answered, and exits 1 when any 5xx was answered, a replay was accepted, a probe went
unanswered, a request sent whole got no answer in time (a hang) or the memory grew by 10 MB
or more over the hostile phase. Everything goes to
127.0.0.1 only, and every loop is bounded by the phase's deadline and by a count.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.append(str(Path(__file__).resolve().parent.parent))

from m7_call_monitor.signing import NonceSource, signed_headers
from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET

ROOT = Path(__file__).resolve().parent.parent
LISTEN = "/openapi/v1/call/listen"
HANGUP = "/openapi/v1/call/hangupChannel"
LISTEN_BODY = {"listenAgent": "2002", "agentNumber": "9527"}
HANGUP_BODY = {"hangupAgent": "2000", "agentNumber": "9530"}
#: No task sends more than this many requests in a phase, whatever the deadline.
MAX_REQUESTS_PER_TASK = 200_000
#: The memory growth over the hostile phase that fails the run.
MAX_GROWTH_MB = 10.0


@dataclass
class Tally:
    """What one phase saw."""

    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    probes_sent: int = 0
    probes_answered: int = 0
    replays_sent: int = 0
    replays_accepted: int = 0
    hostile_sent: int = 0
    hostile_unanswered: int = 0
    #: Exchanges sent whole that got no answer within their limit: a hang.
    hostile_hung: int = 0
    errors: collections.Counter[str] = field(default_factory=collections.Counter)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_mock(port: int, log: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "mock_server", "--port", str(port), "--log-level", "warning"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("M7_")}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=sink, stderr=sink, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the mock exited with status {process.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/__mock/state", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the mock did not answer within 60 s")


class Load:
    """The clients of one phase, all stopping at ``deadline``."""

    def __init__(self, port: int, deadline: float, tally: Tally, nonces: NonceSource) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.deadline = deadline
        self.tally = tally
        self.nonces = nonces

    def running(self, count: int) -> bool:
        return count < MAX_REQUESTS_PER_TASK and time.monotonic() < self.deadline

    def headers(self) -> dict[str, str]:
        return signed_headers(DEMO_APP_KEY, DEMO_SECRET, nonces=self.nonces)

    async def normal(self, client: httpx.AsyncClient, *, probe: bool) -> None:
        """Freshly signed listen and hangup requests; each must be answered."""
        count = 0
        while self.running(count):
            count += 1
            path, body = (LISTEN, LISTEN_BODY) if count % 2 else (HANGUP, HANGUP_BODY)
            if probe:
                self.tally.probes_sent += 1
            try:
                response = await client.post(path, json=body, headers=self.headers())
            except httpx.TransportError as exc:
                self.tally.errors[f"normal {type(exc).__name__}"] += 1
                continue
            self.tally.statuses[response.status_code] += 1
            if probe and response.status_code in (200, 409):
                self.tally.probes_answered += 1

    async def replays(self, client: httpx.AsyncClient) -> None:
        """Send a request, then the very same bytes again: the second must be refused."""
        count = 0
        while self.running(count):
            count += 1
            sent = self.headers()
            first = await client.post(LISTEN, json=LISTEN_BODY, headers=sent)
            self.tally.statuses[first.status_code] += 1
            again = await client.post(LISTEN, json=LISTEN_BODY, headers=sent)
            self.tally.statuses[again.status_code] += 1
            self.tally.replays_sent += 1
            if again.status_code != 401:
                self.tally.replays_accepted += 1

    async def raw(self, request: bytes, *, drip: bool = False, limit: float = 15.0) -> None:
        """One hostile exchange on its own connection; the answer's status is counted."""
        self.tally.hostile_sent += 1
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError as exc:
            self.tally.errors[f"connect {type(exc).__name__}"] += 1
            return
        try:
            if drip:  # a byte at a time, until the server gives up on us (or the deadline)
                for index in range(min(len(request), 200)):
                    if time.monotonic() > self.deadline or reader.at_eof():
                        break
                    writer.write(request[index : index + 1])
                    await writer.drain()
                    await asyncio.sleep(0.5)
            else:
                writer.write(request)
                await asyncio.wait_for(writer.drain(), limit)  # a server that stops reading
            head = await asyncio.wait_for(reader.read(4096), limit)
            if head.startswith(b"HTTP/1."):
                self.tally.statuses[int(head[9:12])] += 1
            else:
                self.tally.hostile_unanswered += 1
        except TimeoutError:
            if not drip:  # a dripping client may stop before the server's timeout ends it
                self.tally.hostile_hung += 1
            self.tally.errors["hostile TimeoutError"] += 1
        except OSError as exc:
            self.tally.errors[f"hostile {type(exc).__name__}"] += 1
        finally:
            writer.close()

    async def hostile(self, make: Callable[[], Awaitable[None]], pause: float) -> None:
        count = 0
        while self.running(count):
            count += 1
            await make()
            await asyncio.sleep(pause)

    def signed_head(self, path: str, length: int, *extra: str) -> bytes:
        lines = [
            f"POST {path} HTTP/1.1",
            "Host: 127.0.0.1",
            "Content-Type: application/json",
            f"Content-Length: {length}",
            *(f"{k}: {v}" for k, v in self.headers().items()),
            *extra,
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def attacks(self) -> list[tuple[Callable[[], Awaitable[None]], float]]:
        big = b"GET /nowhere HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (2 << 20) + b"\r\n\r\n"
        many = (
            b"GET /nowhere HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-H%d: v\r\n" % i for i in range(1000))
            + b"\r\n"
        )
        deep = b'{"listenAgent": "2002", "agentNumber": "9527", "x": ' + b"[" * 900
        deep += b"]" * 900 + b"}"
        huge = b'{"pad": "' + b"a" * (8 << 20) + b'"}'
        flood = b"GET /nowhere HTTP/1.1\r\nHost: x\r\nX-Flood: " + b"a" * (64 << 20) + b"\r\n\r\n"
        over = b'{"listenAgent": "2002", "agentNumber": "9527", "pad": "' + b"a" * 70_000 + b'"}'

        async def deep_body() -> None:
            await self.raw(self.signed_head(LISTEN, len(deep), "Connection: close") + deep)

        async def huge_body() -> None:
            await self.raw(self.signed_head(LISTEN, len(huge), "Connection: close") + huge)

        def chunked(body: bytes, size: int) -> bytes:
            """``body`` sent chunked in parts of ``size`` bytes, the last part included."""
            parts = [body[i : i + size] for i in range(0, len(body), size)]
            framed = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts)
            return framed + b"0\r\n\r\n"

        async def chunked_over() -> None:  # the part that passes the limit is the last
            head = self.signed_head(LISTEN, 0, "Transfer-Encoding: chunked")
            head = head.replace(b"Content-Length: 0\r\n", b"")
            await self.raw(head + chunked(over, len(over)), limit=5)

        async def chunked_pieces() -> None:
            head = self.signed_head(LISTEN, 0, "Transfer-Encoding: chunked")
            head = head.replace(b"Content-Length: 0\r\n", b"")
            await self.raw(head + chunked(over, 8192), limit=5)

        async def slow_head() -> None:
            await self.raw(b"GET /__mock/state HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefgh", drip=True)

        async def slow_body() -> None:
            await self.raw(self.signed_head(LISTEN, 200) + b"{" * 200, drip=True)

        async def silent() -> None:
            await self.raw(b"", limit=15)

        return [
            (lambda: self.raw(big), 0.05),
            (lambda: self.raw(many), 0.05),
            (deep_body, 0.02),
            (huge_body, 0.2),
            (lambda: self.raw(flood, limit=5), 0.5),
            (chunked_over, 0.05),
            (chunked_pieces, 0.05),
            *[(slow_head, 0.1)] * 10,
            *[(slow_body, 0.1)] * 10,
            *[(silent, 0.1)] * 20,
        ]


async def run_phase(port: int, seconds: float, *, hostile: bool, nonces: NonceSource) -> Tally:
    tally = Tally()
    load = Load(port, time.monotonic() + seconds, tally, nonces)
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=20)
    async with httpx.AsyncClient(base_url=load.base, timeout=30, limits=limits) as client:
        tasks: list[Awaitable[None]] = [load.normal(client, probe=hostile) for _ in range(4)]
        if hostile:
            tasks += [load.replays(client) for _ in range(2)]
            tasks += [load.hostile(make, pause) for make, pause in load.attacks()]
        await asyncio.gather(*tasks)
    return tally


def report(name: str, tally: Tally, rss: tuple[float, float], *, hostile: bool) -> list[str]:
    by_class = collections.Counter(f"{status // 100}xx" for status in tally.statuses.elements())
    lines = [
        f"{name}: RSS {rss[0]:.1f} MB -> {rss[1]:.1f} MB ({rss[1] - rss[0]:+.1f} MB)",
        f"  responses {sum(tally.statuses.values())} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(by_class.items()))}); "
        f"statuses {dict(sorted(tally.statuses.items()))}",
        f"  5xx: {tally.server_errors}",
    ]
    if hostile:
        lines += [
            f"  replays accepted: {tally.replays_accepted} of {tally.replays_sent}",
            f"  normal probes answered: {tally.probes_answered} of {tally.probes_sent}",
            f"  hostile exchanges: {tally.hostile_sent}, unanswered {tally.hostile_unanswered}, "
            f"hung {tally.hostile_hung}",
        ]
    if tally.errors:
        lines.append(f"  client-side errors: {dict(tally.errors)}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--phase-seconds", type=float, default=60.0, help="seconds a phase")
    args = parser.parse_args(argv)
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="m7-soak-")) / "mock.log"
    process = start_mock(port, log)
    nonces = NonceSource()
    failures: list[str] = []
    try:
        before = rss_mb(process.pid)
        normal = asyncio.run(run_phase(port, args.phase_seconds, hostile=False, nonces=nonces))
        middle = rss_mb(process.pid)
        hostile = asyncio.run(run_phase(port, args.phase_seconds, hostile=True, nonces=nonces))
        after = rss_mb(process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            failures.append("the mock did not exit within 15 s of SIGTERM")
    print("\n".join(report("phase 1, normal load", normal, (before, middle), hostile=False)))
    print("\n".join(report("phase 2, normal + hostile", hostile, (middle, after), hostile=True)))
    total_5xx = normal.server_errors + hostile.server_errors
    growth = after - middle
    print(
        f"summary: 5xx {total_5xx}, RSS growth over phase 2 {growth:+.1f} MB, replays accepted "
        f"{hostile.replays_accepted}, probes answered {hostile.probes_answered}/"
        f"{hostile.probes_sent}"
    )
    if total_5xx:
        failures.append(f"{total_5xx} responses 5xx")
    if hostile.replays_accepted:
        failures.append(f"{hostile.replays_accepted} replays accepted")
    if hostile.probes_answered < hostile.probes_sent or not hostile.probes_sent:
        failures.append("normal probes went unanswered during the hostile phase")
    if hostile.hostile_hung:
        failures.append(f"{hostile.hostile_hung} hostile requests sent whole got no answer: a hang")
    if growth >= MAX_GROWTH_MB:
        failures.append(f"RSS grew {growth:.1f} MB over the hostile phase")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    output = log.read_text(encoding="utf-8", errors="replace").splitlines()
    if output and failures:
        print(f"the mock's output ({len(output)} lines, last 10):", *output[-10:], sep="\n  ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
