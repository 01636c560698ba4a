"""``examples/node/``: its session hooks are bounded, whatever the mock process does.

``make test-node`` runs the example against the real mock; here its session hooks meet a mock
that misbehaves: one that accepts connections and never answers (the wait for
``/__mock/health`` must end at its deadline) and one that ignores SIGTERM (``after`` must not
wait for it without end). The example runs as it stands, copied beside a stand-in for the
``m7-call-monitor`` package (the hooks do not use it), its time limits shortened so the
test takes seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.document import ROOT

pytestmark = pytest.mark.socket

EXAMPLE = ROOT / "examples" / "node" / "mock.test.js"
#: The example's limits, shortened: (name, milliseconds).
LIMITS = {"START_TIMEOUT_MS": 3000, "PROBE_TIMEOUT_MS": 500, "STOP_TIMEOUT_MS": 2000}
#: Seconds a node run may take here; the example's hooks unbounded would take minutes.
RUN_TIMEOUT = 45

FAKE_MOCK = """#!{python}
# A stand-in for m7-mock that misbehaves: FAKE_MOCK_MODE=silent accepts connections and
# never answers; stubborn answers the hooks' admin requests and ignores SIGTERM.
import json, os, signal, socket, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(sys.argv[sys.argv.index("--port") + 1])
with open(os.environ["FAKE_MOCK_PIDFILE"], "w") as f:
    f.write(str(os.getpid()))

if os.environ["FAKE_MOCK_MODE"] == "silent":
    server = socket.create_server(("127.0.0.1", port))
    held = []
    while True:
        held.append(server.accept()[0])

signal.signal(signal.SIGTERM, signal.SIG_IGN)


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer(200, {{"status": "ready"}})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.answer(201, {{"appKey": "t-fake", "secret": "fake-secret"}})

    def do_DELETE(self):
        self.answer(204)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""

STAND_IN = """
export class CallMonitor {
  constructor() {}
  async listen() { throw new Error("a stand-in: the hooks are under test here"); }
}
export function m7Auth() { return {}; }
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Example:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pidfile = folder / "fake.pid"

    def run(self, mode: str) -> tuple[subprocess.CompletedProcess[str], float]:
        env = {
            **os.environ,
            "M7_MOCK_COMMAND": str(self.folder / "fake-m7-mock"),
            "FAKE_MOCK_MODE": mode,
            "FAKE_MOCK_PIDFILE": str(self.pidfile),
        }
        started = time.monotonic()
        done = subprocess.run(
            ["node", "--test", "mock.test.js"],
            cwd=self.folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        return done, time.monotonic() - started

    def fake_pid(self) -> int:
        return int(self.pidfile.read_text())


@pytest.fixture
def example(tmp_path: Path) -> Iterator[Example]:
    if shutil.which("node") is None:
        pytest.fail("node is not on the PATH (make setup installs the Node tools)")
    source = EXAMPLE.read_text(encoding="utf-8")
    for name, value in LIMITS.items():
        source, found = re.subn(
            rf"^const {name} = [0-9_]+;$", f"const {name} = {value};", source, flags=re.M
        )
        assert found == 1, f"{name} is no longer a constant of {EXAMPLE.name}"
    (tmp_path / "mock.test.js").write_text(source, encoding="utf-8")
    shutil.copy(EXAMPLE.parent / "package.json", tmp_path / "package.json")
    modules = tmp_path / "node_modules"
    stand_in = modules / "m7-call-monitor"
    stand_in.mkdir(parents=True)
    (stand_in / "package.json").write_text(
        '{"name": "m7-call-monitor", "type": "module", "exports": {".": "./index.js"}}'
    )
    (stand_in / "index.js").write_text(STAND_IN)
    (modules / "openapi-fetch").symlink_to(ROOT / "node_modules" / "openapi-fetch")
    fake = tmp_path / "fake-m7-mock"
    fake.write_text(FAKE_MOCK.format(python=sys.executable))
    fake.chmod(0o755)
    ran = Example(tmp_path)
    try:
        yield ran
    finally:  # the fake this test started, should the example have left it running
        if ran.pidfile.exists() and _alive(pid := ran.fake_pid()):
            os.kill(pid, signal.SIGKILL)


def test_a_mock_that_never_answers_fails_the_session_at_the_deadline(example: Example) -> None:
    done, took = example.run("silent")
    assert done.returncode != 0
    assert "not ready within 3 s" in done.stdout + done.stderr, done.stdout
    assert took < RUN_TIMEOUT
    time.sleep(0.5)
    assert not _alive(example.fake_pid())  # stopped by `after` (SIGTERM)


def test_a_mock_that_ignores_sigterm_is_killed_and_the_run_ends(example: Example) -> None:
    done, took = example.run("stubborn")
    assert done.returncode != 0  # the tests meet the stand-in client and fail
    assert took < RUN_TIMEOUT
    time.sleep(0.5)
    assert not _alive(example.fake_pid())  # SIGKILL after STOP_TIMEOUT_MS
