"""Hostile clients against one server, to compare what each ASGI server bounds.

    python scripts/bench.py probe-servers     # the mock under each installed server

Each probe opens its own connection to 127.0.0.1 and reports what the server did: a
client that drips its head, one that says nothing, an idle keep-alive connection, a body
that never ends, a 2 MiB header, 1,000 headers, one connection over the bound, and a
SIGTERM while a body is unfinished. Every probe gives up after ``CAP`` seconds.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Final

from .common import BENCH_SCRIPT, ROOT
from .processes import child_env, free_port

__all__ = ["probe_servers"]

CAP: Final = 35.0
#: The limits each server is given where it has a setting for them.
HELD_CONNECTIONS: Final = 60


async def _until_closed(
    reader: asyncio.StreamReader, cap: float = CAP
) -> tuple[float | None, bytes]:
    """Seconds until the server closed (None: still open after ``cap``) and what it sent."""
    started = time.monotonic()
    data = b""
    try:
        while chunk := await asyncio.wait_for(
            reader.read(65536), cap - (time.monotonic() - started)
        ):
            data += chunk
    except TimeoutError:
        return None, data
    except ConnectionError:
        pass
    return time.monotonic() - started, data


def _status(data: bytes) -> str:
    return data.split(b"\r\n", 1)[0][9:12].decode() if data.startswith(b"HTTP/") else "no answer"


def _outcome(took: float | None, data: bytes) -> str:
    if took is None:
        return f"still open after {CAP:.0f} s"
    return f"{_status(data)}, closed after {took:.1f} s"


async def _drip(port: int, head: bytes) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head)
    started = time.monotonic()

    async def drip() -> None:
        while time.monotonic() - started < CAP:
            writer.write(b"a")
            await writer.drain()
            await asyncio.sleep(0.5)

    dripping = asyncio.ensure_future(drip())
    try:
        return _outcome(*await _until_closed(reader))
    finally:
        dripping.cancel()
        writer.close()


async def slow_head(port: int) -> str:
    return await _drip(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")


async def slow_body(port: int) -> str:
    return await _drip(
        port, b"POST /__mock/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n"
    )


async def silent(port: int) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return _outcome(*await _until_closed(reader))
    finally:
        writer.close()


async def idle_keep_alive(port: int) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /__mock/state HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        first = await reader.read(65536)
        took, _ = await _until_closed(reader)
        closed = f"closed after {took:.1f} s" if took is not None else f"open after {CAP:.0f} s"
        return f"{_status(first)}, then {closed}"
    finally:
        writer.close()


async def _one_request(port: int, request: bytes) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
    except ConnectionError:
        pass
    try:
        return _status((await _until_closed(reader, 10))[1])
    finally:
        writer.close()


async def big_header(port: int) -> str:
    big = b"a" * (2 << 20)
    return await _one_request(
        port, b"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + big + b"\r\n\r\n"
    )


async def many_headers(port: int) -> str:
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(1000))
    return await _one_request(
        port, b"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + many + b"\r\n"
    )


async def over_the_bound(port: int) -> str:
    """HELD_CONNECTIONS connections mid-request, then one more asks for the state."""
    held = []
    for _ in range(HELD_CONNECTIONS):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /__mock/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        held.append(writer)
    await asyncio.sleep(0.3)
    started = time.monotonic()
    try:
        answer = await _one_request(
            port, b"GET /__mock/state HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        return f"{answer} after {time.monotonic() - started:.2f} s"
    finally:
        for writer in held:
            writer.close()


PROBES: Final[dict[str, Callable[[int], Awaitable[str]]]] = {
    "head dripped a byte per 0.5 s": slow_head,
    "connection that sends nothing": silent,
    "idle keep-alive connection": idle_keep_alive,
    "body dripped a byte per 0.5 s": slow_body,
    "one 2 MiB header": big_header,
    "1,000 headers": many_headers,
    f"request after {HELD_CONNECTIONS} held connections": over_the_bound,
}


def _start(server: str, port: int) -> subprocess.Popen[bytes]:
    argv = [
        sys.executable,
        str(BENCH_SCRIPT),
        "serve-mock",
        "--server",
        server,
        "--port",
        str(port),
    ]
    env = {**child_env(), "M7_BENCH_MAX_CONNECTIONS": str(HELD_CONNECTIONS)}
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{server} exited with status {process.returncode} (installed?)")
        try:
            with __import__("socket").create_connection(("127.0.0.1", port), 0.2):
                return process
        except OSError:
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit(f"{server} did not listen within 60 s")


async def _shutdown(server: str) -> str:
    port = free_port()
    process = _start(server, port)
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /__mock/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n{")
        await asyncio.sleep(0.5)
        started = time.monotonic()
        os.killpg(process.pid, signal.SIGTERM)
        while process.poll() is None and time.monotonic() - started < CAP:
            await asyncio.sleep(0.1)
        if process.poll() is None:
            return f"still running {CAP:.0f} s after SIGTERM"
        return f"exited {time.monotonic() - started:.1f} s after SIGTERM"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


async def _probe(server: str) -> dict[str, str]:
    port = free_port()
    process = _start(server, port)
    try:
        answers = await asyncio.gather(*(probe(port) for probe in PROBES.values()))
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    results = dict(zip(PROBES, answers, strict=True))
    results["SIGTERM with a body unfinished"] = await _shutdown(server)
    return results


def probe_servers(servers: list[str]) -> int:
    """Print one table: a row per probe, a column per server."""
    results = {server: asyncio.run(_probe(server)) for server in servers}
    rows = list(next(iter(results.values())))
    print("| probe | " + " | ".join(servers) + " |")
    print("| --- |" + " --- |" * len(servers))
    for row in rows:
        print(f"| {row} | " + " | ".join(results[s][row] for s in servers) + " |")
    return 0
