"""The server's connection limits over a real socket (``python -m mock_server``).

Slow, silent and idle clients are cut off, oversized heads are refused with the envelope,
one connection over the bound is refused cleanly, and a shutdown ends in bounded time
whatever a client does. The limits are set low here so each test takes about a second.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from m7_call_monitor.signing import signed_headers
from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET
from tests.support.document import PATHS
from tests.support.processes import free_port, running

pytestmark = pytest.mark.socket

LIMITS = (
    "--header-read-timeout=1",
    "--body-read-timeout=1",
    "--keep-alive-timeout=1",
    "--max-connections=8",
    "--max-head-bytes=16KiB",
    "--max-headers=40",
    "--max-url-bytes=2KiB",
    "--log-level=warning",
)
LISTEN = PATHS["listen"]


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    port = free_port()
    argv = [sys.executable, "-m", "mock_server", "--port", str(port), *LIMITS]
    with running("mock", argv, ready_url=f"http://127.0.0.1:{port}/__mock/state"):
        yield port


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def read_until_closed(conn: socket.socket, limit: float = 5.0) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and how long that took."""
    started = time.monotonic()
    received = b""
    conn.settimeout(limit)
    try:
        while chunk := conn.recv(65536):
            received += chunk
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for {limit} s; got {received[:200]!r}")
    except ConnectionResetError:
        pass
    return received, time.monotonic() - started


def envelope(raw: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Status, JSON body and headers of one raw HTTP/1.1 response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    assert headers["content-type"] == "application/json", raw[:300]
    return int(lines[0].split()[1]), json.loads(body), headers


def signed_head(body_length: int, *extra: str) -> bytes:
    headers = signed_headers(DEMO_APP_KEY, DEMO_SECRET)
    lines = [
        f"POST {LISTEN} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {body_length}",
        *(f"{name}: {value}" for name, value in headers.items()),
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_client_that_drips_its_headers_gets_408_and_is_closed(port: int) -> None:
    with connect(port) as conn:
        conn.sendall(b"GET /__mock/state HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.monotonic()
        for _ in range(3):  # one byte every 0.4 s: the head never ends within 1 s
            time.sleep(0.4)
            try:
                conn.sendall(b"a")
            except OSError:
                break
        raw, _ = read_until_closed(conn)
    status, body, _ = envelope(raw)
    assert (status, body["code"]) == (408, "408")
    assert body["message"] == "request: headers not received within 1 s"
    assert time.monotonic() - started < 4


def test_a_silent_connection_is_closed(port: int) -> None:
    with connect(port) as conn:
        raw, took = read_until_closed(conn)
    assert envelope(raw)[0] == 408
    assert 0.8 < took < 4


def test_an_idle_keep_alive_connection_is_closed(port: int) -> None:
    with connect(port) as conn:
        conn.sendall(b"GET /__mock/state HTTP/1.1\r\nHost: x\r\n\r\n")
        first = conn.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        # TCP keeps no message boundaries: the body may come in a later segment than the head.
        head, _, body = first.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
        while len(body) < length:
            body += conn.recv(65536)
        rest, took = read_until_closed(conn)
    assert rest == b""  # closed without another response
    assert took < 4


def test_a_client_that_never_finishes_its_body_gets_408(port: int) -> None:
    with connect(port) as conn:
        conn.sendall(signed_head(100) + b'{"listenAgent": "20')
        raw, took = read_until_closed(conn)
    status, body, _ = envelope(raw)
    assert (status, body["message"]) == (408, "body: not received within 1 s")
    assert took < 4


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        (b"X-Big: " + b"a" * 2 * 1024 * 1024 + b"\r\n", 431, "headers: larger than 16384 bytes"),
        (b"".join(b"X-H%d: v\r\n" % i for i in range(60)), 431, "headers: more than 40"),
    ],
    ids=["2-MiB-header", "60-headers"],
)
def test_an_oversized_head_is_a_431_envelope(
    port: int, extra: bytes, status: int, message: str
) -> None:
    with connect(port) as conn:
        # The server may close before reading it all; its answer is sent by then.
        with contextlib.suppress(OSError):
            conn.sendall(b"GET /nope HTTP/1.1\r\nHost: x\r\n" + extra + b"\r\n")
        raw, _ = read_until_closed(conn)
    got, body, _ = envelope(raw)
    assert (got, body["code"], body["message"]) == (status, str(status), message)
    assert body["requestId"]


def test_a_long_url_is_a_414_envelope(port: int) -> None:
    with connect(port) as conn:
        conn.sendall(b"GET /" + b"a" * 4096 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        raw, _ = read_until_closed(conn)
    status, body, _ = envelope(raw)
    assert (status, body["message"]) == (414, "url: longer than 2048 bytes")


def test_a_malformed_request_is_a_400_envelope(port: int) -> None:
    with connect(port) as conn:
        conn.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        raw, _ = read_until_closed(conn)
    status, body, _ = envelope(raw)
    assert (status, body["message"]) == (400, "request: not a valid HTTP/1.1 request")


def test_a_connection_over_the_bound_is_refused_with_503(port: int) -> None:
    with ExitStack() as stack:
        held = [stack.enter_context(connect(port)) for _ in range(8)]
        for conn in held:  # in the middle of a head, so none is idle yet
            conn.sendall(b"GET /__mock/state HTTP/1.1\r\n")
        time.sleep(0.2)
        with connect(port) as extra:
            extra.sendall(b"GET /__mock/state HTTP/1.1\r\nHost: x\r\n\r\n")
            raw, _ = read_until_closed(extra)
    status, body, headers = envelope(raw)
    assert (status, body["message"]) == (503, "server: too many open connections")
    assert headers["retry-after"] == "1"
    time.sleep(0.2)  # the held connections are closed: the server answers again
    assert httpx.get(f"http://127.0.0.1:{port}/__mock/state").status_code == 200


@pytest.mark.parametrize("mib", [1, 5, 32])
def test_an_over_limit_body_without_100_continue_gets_the_413(port: int, mib: int) -> None:
    """urllib sends the whole body before reading, with ``Connection: close``."""
    body = b'{"pad": "' + b"a" * (mib * 1024 * 1024) + b'"}'
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{LISTEN}",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", **signed_headers(DEMO_APP_KEY, DEMO_SECRET)},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=20)  # noqa: S310 - a loopback URL
    assert caught.value.code == 413
    answer = json.loads(caught.value.read())
    assert answer["message"] == "body: larger than 65536 bytes"


def test_a_shutdown_ends_in_bounded_time_whatever_a_client_does() -> None:
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "mock_server",
        "--port",
        str(port),
        "--shutdown-timeout=2",
        "--body-read-timeout=60",
        "--log-level=warning",
    ]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/__mock/state", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the mock did not start"
                time.sleep(0.1)
        with connect(port) as stuck:
            stuck.sendall(signed_head(1000) + b'{"listenAgent"')  # never finished
            time.sleep(0.3)
            started = time.monotonic()
            os.kill(process.pid, signal.SIGTERM)
            output, _ = process.communicate(timeout=10)
            assert time.monotonic() - started < 5
        # The request cut short is one clean line, not a CancelledError's traceback.
        text = output.decode("utf-8", "replace")
        assert "Traceback" not in text, text[-3000:]
        assert "a request still in flight when --shutdown-timeout ran out was cancelled" in text
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
