"""What one call, one signature and one cold start of the mock cost.

The measurements besides load: each is a small, self-contained timing, reported beside the
load tables (the client's cost as a ratio to a raw httpx call measured in the same run).
"""

from __future__ import annotations

import statistics
import time
import timeit
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from m7_call_monitor.signing import sign, signed_headers

from .common import ACTION_ID, AGENT, APP_KEY, BODY, LISTEN_PATH, SECRET, SUPERVISOR
from .processes import Service, running
from .signatures import SignaturePool


@dataclass
class ClientCost:
    server: str
    friendly_us: float
    raw_us: float
    ratio: float
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
    generated request model, parses the typed envelope.
    """
    friendly, raw, close = _pair(ceiling.url, httpx.HTTPTransport(), pool)
    try:
        friendly_us, raw_us = _interleaved(friendly, raw, calls)
    finally:
        close()

    return ClientCost(
        server="bare Starlette on uvicorn over 127.0.0.1 (keep-alive)",
        friendly_us=friendly_us,
        raw_us=raw_us,
        ratio=friendly_us / raw_us,
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
