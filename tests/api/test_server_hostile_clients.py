"""Hostile and unlucky clients over a real socket: never a hang, never one client's mock.

A body over the limit gets its 413 however it arrives (chunked in pieces of any size, in one
write or many); a body dripping slowly is cut off by the body timeout; a huge header is
refused once the head limit is passed, not read to its end; one address holding many
sockets leaves connections for the others; and the access log has a status on every line.
"""

from __future__ import annotations

import contextlib
import json
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from m7_call_monitor.signing import signed_headers
from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET
from tests.support.document import PATHS
from tests.support.processes import free_port, running

pytestmark = pytest.mark.socket

LISTEN = PATHS["listen"]
LIMIT = 64 * 1024  # the vendor API's body limit
ARGS = (
    "--body-read-timeout=1",
    "--header-read-timeout=2",
    "--max-connections=64",
    "--max-connections-per-client=16",
)
#: Another address of the loopback range, for "another client".
OTHER_ADDRESS = "127.0.0.2"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """A mock with low limits and its access log on stdout (the process log)."""
    port = free_port()
    argv = [sys.executable, "-m", "mock_server", "--port", str(port), *ARGS]
    with running("mock", argv, ready_url=f"http://127.0.0.1:{port}/__mock/health") as log:
        yield port, log


@pytest.fixture
def port(served: tuple[int, Path]) -> int:
    return served[0]


def connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))


def chunked_head() -> bytes:
    lines = [
        f"POST {LISTEN} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
        *(f"{name}: {value}" for name, value in signed_headers(DEMO_APP_KEY, DEMO_SECRET).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunks(body: bytes, size: int) -> list[bytes]:
    """``body`` as chunks of ``size`` bytes, the last chunk (0) included."""
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return [b"%x\r\n%s\r\n" % (len(part), part) for part in parts] + [b"0\r\n\r\n"]


def status_of(raw: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


def read_answer(conn: socket.socket, within: float) -> tuple[bytes, float]:
    """What the server answers until it closes (or ``within`` seconds pass), and when."""
    started = time.monotonic()
    conn.settimeout(within)
    received = b""
    try:
        while chunk := conn.recv(65536):
            received += chunk
    except TimeoutError:
        pass
    except ConnectionResetError:
        pass
    return received, time.monotonic() - started


BODY = b'{"listenAgent": "2002", "agentNumber": "9527", "pad": "' + b"a" * 70_000 + b'"}'


@pytest.mark.parametrize(
    ("size", "writes"),
    [
        (len(BODY), "one"),  # the chunk that crosses the limit is the last one
        (64 * 1024, "one"),
        (8 * 1024, "one"),
        (8 * 1024, "each"),
        (LIMIT + 1, "each"),
    ],
    ids=[
        "one-chunk",
        "64KiB-chunks-one-write",
        "8KiB-chunks-one-write",
        "8KiB-chunk-a-write",
        "a-chunk-over",
    ],
)
def test_a_chunked_body_over_the_limit_gets_its_413_within_2_s(
    port: int, size: int, writes: str
) -> None:
    with connect(port) as conn:
        started = time.monotonic()
        parts = chunks(BODY, size)
        if writes == "one":
            conn.sendall(chunked_head() + b"".join(parts))
        else:
            conn.sendall(chunked_head())
            for part in parts:
                try:
                    conn.sendall(part)
                except (BrokenPipeError, ConnectionResetError):
                    break  # answered and closed before the rest: fine
        raw, _ = read_answer(conn, within=3)
        took = time.monotonic() - started
    assert raw, f"no answer within {took:.1f} s"
    status, body = status_of(raw)
    assert (status, body["message"]) == (413, f"body: larger than {LIMIT} bytes")
    assert took < 2


def test_a_chunked_body_sent_one_byte_a_second_is_cut_off_by_the_body_timeout(port: int) -> None:
    with connect(port) as conn:
        conn.sendall(chunked_head() + b"40\r\n")
        started = time.monotonic()
        for byte in b'{"listenAgent": "2002"':
            try:
                conn.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            conn.settimeout(0.5)
            try:
                if conn.recv(65536, socket.MSG_PEEK):
                    break  # the answer came
            except TimeoutError:
                continue
        raw, _ = read_answer(conn, within=3)
        took = time.monotonic() - started
    status, body = status_of(raw)
    assert (status, body["message"]) == (408, "body: not received within 1 s")
    assert took < 3


def _resident_kib(port: int) -> int:
    """The resident memory of the process serving ``port`` (from /proc)."""
    wanted = f"--port\0{port}\0".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if wanted in (proc / "cmdline").read_bytes():
                status = (proc / "status").read_text()
                return int(status.split("VmRSS:")[1].split()[0])
        except OSError:
            continue
    raise LookupError(f"no process serves port {port}")


def test_a_64_mib_header_is_refused_within_1_s_and_others_are_served_meanwhile(port: int) -> None:
    before = _resident_kib(port)
    latencies: list[float] = []
    flooding = threading.Event()

    def other_client() -> None:
        flooding.wait(5)
        with httpx.Client(transport=httpx.HTTPTransport(local_address=OTHER_ADDRESS)) as client:
            for _ in range(5):
                started = time.monotonic()
                assert client.get(f"http://127.0.0.1:{port}/__mock/health").status_code == 200
                latencies.append(time.monotonic() - started)

    other = threading.Thread(target=other_client)
    other.start()
    with connect(port) as conn:
        started = time.monotonic()
        flooding.set()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # refused before its end
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (64 << 20) + b"\r\n\r\n")
        raw, _ = read_answer(conn, within=3)
        took = time.monotonic() - started
    other.join()
    grown = _resident_kib(port) - before
    status, body = status_of(raw)
    assert (status, body["message"]) == (431, "headers: larger than 65536 bytes")
    assert took < 1, f"answered after {took:.2f} s"
    assert grown < 10 * 1024, f"{grown} KiB more resident"
    assert len(latencies) == 5
    assert statistics.median(latencies) < 0.2, latencies


def test_one_address_holding_sockets_leaves_connections_for_the_others(port: int) -> None:
    """80 silent sockets from one address (its share: 16, the bound: 64): every request
    from another address is answered, and the sockets over the share are refused at once."""
    held: list[socket.socket] = []
    try:
        for _ in range(80):
            held.append(connect(port))
        time.sleep(0.2)
        refused = 0
        for conn in held:
            conn.settimeout(0.05)
            try:
                if conn.recv(65536, socket.MSG_PEEK).startswith(b"HTTP/1.1 503"):
                    refused += 1
            except (TimeoutError, ConnectionResetError):
                pass
        with httpx.Client(transport=httpx.HTTPTransport(local_address=OTHER_ADDRESS)) as client:
            statuses = [
                client.get(f"http://127.0.0.1:{port}/__mock/health").status_code for _ in range(30)
            ]
    finally:
        for conn in held:
            conn.close()
    assert statuses == [200] * 30
    assert refused == 80 - 16


def test_every_access_log_line_has_a_status(served: tuple[int, Path]) -> None:
    """A slow body's 408 (answered by the server), a client gone mid-body (499), a drop
    fault (444) and a plain answer."""
    port, log = served
    with connect(port) as conn:  # 408
        conn.sendall(chunked_head() + b"40\r\n{")
        read_answer(conn, within=3)
    with connect(port) as conn:  # the client leaves
        conn.sendall(chunked_head() + b"40\r\n{")
        time.sleep(0.2)
    time.sleep(1.5)  # past the body timeout of the one that left
    base = f"http://127.0.0.1:{port}"
    assert httpx.put(f"{base}/__mock/faults", json={"drop": {"count": 1}}).status_code == 200
    with pytest.raises(httpx.TransportError):
        httpx.post(f"{base}{LISTEN}", json={}, headers=signed_headers(DEMO_APP_KEY, DEMO_SECRET))
    assert httpx.get(f"{base}/__mock/health").status_code == 200
    time.sleep(0.3)  # the access log is written within 50 ms
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if "durationMs" in line]
    assert access, log.read_text()[-2000:]
    assert all(isinstance(line["status"], int) for line in access), [
        line for line in access if not isinstance(line["status"], int)
    ]
    statuses = {(line["status"], line["outcome"]) for line in access}
    assert (408, "408") in statuses
    assert (444, "fault:drop") in statuses
    assert 499 in {status for status, _ in statuses}
