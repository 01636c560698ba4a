"""``m7-mock --upstream URL --record FILE`` as a real process, to a second mock process: the
banner says the mode, the recording is complete once the process is stopped, and no secret
of either side is in anything the mock wrote (its output, the recording, its pages)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.api.helpers import signed
from tests.proxy.conftest import UP_KEY, UP_SECRET
from tests.support.document import ROOT
from tests.support.processes import free_port

pytestmark = pytest.mark.socket

TEAM_KEY, TEAM_SECRET = "4400551", "team-secret-Hk27"


@contextmanager
def mock_server(tmp_path: Path, name: str, args: list[str], env: dict[str, str]) -> Iterator[str]:
    """``python -m mock_server`` on a free port, its output in ``tmp_path``; stopped with
    SIGTERM (as a user stops it) and waited for."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / f"{name}.out").open("wb") as out, (tmp_path / f"{name}.err").open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "mock_server", "--port", str(port), *args],
            cwd=ROOT,
            stdout=out,
            stderr=err,
            env={**os.environ, "NO_COLOR": "1", **env},
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, (tmp_path / f"{name}.err").read_text()
                try:
                    httpx.get(f"{url}/__mock/health", timeout=1)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, f"{name} did not start"
                    time.sleep(0.1)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_no_secret_of_either_side_is_in_anything_the_mock_wrote(tmp_path: Path) -> None:
    har = tmp_path / "vendor.har"
    sent_signatures = []
    with mock_server(
        tmp_path, "upstream", [], {"M7_MOCK_CREDENTIALS": f"{UP_KEY}:{UP_SECRET}"}
    ) as upstream:
        proxy_env = {
            "M7_MOCK_CREDENTIALS": f"{TEAM_KEY}:{TEAM_SECRET}",
            "M7_UPSTREAM_APP_KEY": UP_KEY,
            "M7_UPSTREAM_SECRET_KEY": UP_SECRET,
        }
        with mock_server(
            tmp_path,
            "proxy",
            # (on loopback the pages would get the callers' secret to sign in the browser)
            ["--upstream", upstream, "--record", str(har), "--page-signing", "off"],
            proxy_env,
        ) as proxy:
            for agent in ("9527", "9530"):
                headers = signed(time.time, app_key=TEAM_KEY, secret=TEAM_SECRET)
                sent_signatures.append(headers["m7-sign"])
                response = httpx.post(
                    f"{proxy}/openapi/v1/call/listen",
                    json={"listenAgent": "2002", "agentNumber": agent},
                    headers={**headers, "authorization": "Bearer caller-token-Pq"},
                )
                assert response.status_code in (200, 409), response.text
            pages = [
                httpx.get(f"{proxy}/__mock/{page}").text for page in ("config", "journal", "state")
            ]
            upstream_journal = httpx.get(f"{upstream}/__mock/journal").json()["entries"]
    assert [e["appKey"] for e in upstream_journal] == [UP_KEY, UP_KEY]
    banner = (tmp_path / "proxy.out").read_text(encoding="utf-8")
    assert f"Mode        proxy to {upstream}" in banner
    assert f"recording to {har}" in banner
    recording = json.loads(har.read_text(encoding="utf-8"))  # complete after SIGTERM
    assert len(recording["log"]["entries"]) == 2
    written = {
        "the recording": har.read_text(encoding="utf-8"),
        "stdout": banner,
        "stderr": (tmp_path / "proxy.err").read_text(encoding="utf-8"),
        **{f"page {n}": page for n, page in enumerate(pages)},
    }
    secrets = [UP_SECRET, TEAM_SECRET, "caller-token-Pq", *sent_signatures]
    for where, text in written.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} in {where}"
    assert UP_KEY not in written["the recording"]  # the upstream account's key, removed too
    for entry in recording["log"]["entries"]:
        signed_headers = {h["name"]: h["value"] for h in entry["request"]["headers"]}
        assert signed_headers["m7-sign"] == "<removed>"
