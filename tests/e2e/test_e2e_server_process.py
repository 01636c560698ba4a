"""The mock as a real process (``python -m mock_server``) over a real socket: the banner, a
signed call, and a dropped connection that uvicorn must not turn into a 500."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from m7_call_monitor.signing import signed_headers
from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET
from tests.support.document import PATHS
from tests.support.processes import free_port, running

pytestmark = pytest.mark.socket

LISTEN_BODY = {"listenAgent": "2002", "agentNumber": "9527", "actionId": "socket"}


def wait_for(log: Path, text: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        content = log.read_text(encoding="utf-8", errors="replace")
        if text in content or time.monotonic() > deadline:
            return content
        time.sleep(0.05)


def raw_exchange(port: int, request: bytes) -> bytes:
    """Send raw bytes, return everything the server sends until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def test_the_server_starts_prints_its_banner_and_answers() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "mock_server", "--port", str(port)]
    with running("mock", argv, ready_url=f"{base}/__mock/state") as log:
        headers = signed_headers(DEMO_APP_KEY, DEMO_SECRET)
        response = httpx.post(base + PATHS["listen"], json=LISTEN_BODY, headers=headers)
        assert response.status_code == 200
        assert response.json()["actionId"] == "socket"
        assert response.headers["x-m7-mock-auth-mode"] == "strict"

        output = wait_for(log, '"outcome":"ok"')
    assert f"API         {base}" in output
    assert f"Swagger UI  {base}/ui/" in output
    assert "Auth mode   strict" in output
    assert f"DEMO app key {DEMO_APP_KEY}, secret key {DEMO_SECRET}" in output
    assert "open (loopback only)" in output
    access = [json.loads(line) for line in output.splitlines() if line.startswith('{"time"')]
    assert any(line["outcome"] == "ok" and line["status"] == 200 for line in access)
    assert headers["m7-sign"] not in output
    assert "StarletteDeprecationWarning" not in output


def test_a_drop_closes_the_socket_without_a_response(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({"2000103": "file-secret-value"}))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [
        sys.executable,
        "-m",
        "mock_server",
        "--port",
        str(port),
        "--credentials",
        str(credentials),
        "--log-level",
        "warning",
    ]
    with running("mock", argv, ready_url=f"{base}/__mock/state") as log:
        assert httpx.put(f"{base}/__mock/faults", json={"drop": {"count": 1}}).status_code == 200
        headers = signed_headers("2000103", "file-secret-value")
        request = (
            f"POST {PATHS['listen']} HTTP/1.1\r\nhost: 127.0.0.1\r\n"
            "content-type: application/json\r\ncontent-length: 2\r\n"
            + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            + "\r\n{}"
        ).encode()
        try:
            received = raw_exchange(port, request)
        except ConnectionResetError:
            received = b""
        assert received == b""  # closed without a single byte: no 500, no headers

        after = httpx.post(
            base + PATHS["listen"],
            json=LISTEN_BODY,
            headers=signed_headers("2000103", "file-secret-value"),
        )
        assert after.status_code == 200  # the server carries on
        journal = httpx.get(f"{base}/__mock/journal").json()["entries"]
        assert [(e["status"], e["outcome"]) for e in journal] == [(None, "fault:drop"), (200, "ok")]
        output = log.read_text(encoding="utf-8", errors="replace")
    assert "file-secret-value" not in output
    assert "1 app key(s) from" in output
    assert "(secrets not shown)" in output
    assert "Exception in ASGI application" not in output
    assert "Internal Server Error" not in output


def test_a_taken_port_is_one_line_and_exit_status_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "mock_server", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stdout == ""  # no banner for a server that never listened
    assert done.stderr.splitlines() == [
        f"m7-mock: cannot listen on http://127.0.0.1:{port}: Address already in use"
    ]


@pytest.mark.parametrize("port", ["free", "0"])
def test_the_banner_comes_once_the_port_answers(port: str) -> None:
    """The banner names the port bound (port 0: the system's choice), which answers at once."""
    chosen = str(free_port()) if port == "free" else port
    argv = [sys.executable, "-m", "mock_server", "--port", chosen, "--log-level", "warning"]
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline()  # blocks until the banner is printed
            assert first.startswith("m7 mock server:"), first
            api = process.stdout.readline()
            assert api.startswith("  API         http://127.0.0.1:"), api
            base = api.split()[-1]
            assert not base.endswith(":0")
            if port == "free":
                assert base == f"http://127.0.0.1:{chosen}"
            # No retry: when the banner is out, the server is listening and the app is up.
            response = httpx.get(f"{base}/__mock/health", timeout=5)
            assert response.json() == {"status": "ready"}
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_every_access_line_is_written_when_the_server_stops_at_once() -> None:
    """Access lines wait up to 50 ms to be written together; a server stopped right after the
    last answer still writes every one (when its app shuts down: uvicorn re-raises SIGTERM
    after the shutdown, so no atexit handler would run)."""
    argv = [sys.executable, "-m", "mock_server", "--port", "0"]
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            banner = [process.stdout.readline(), process.stdout.readline()]
            base = banner[1].split()[-1]
            with httpx.Client(base_url=base, timeout=5) as client:
                for _ in range(20):
                    assert client.get("/__mock/health").status_code == 200
            process.terminate()
            rest = process.stdout.read()
        finally:
            process.kill()
            process.wait(timeout=10)
    lines = [json.loads(line) for line in rest.splitlines() if line.startswith("{")]
    assert [line["path"] for line in lines] == ["/__mock/health"] * 20
