"""``make mock`` passes its Make variables on, and a variable it does not know stops make.

The issue this guards: ``make mock AUTH_MODE=off`` used to start a strict mock, silently.
"""

from __future__ import annotations

import os
import subprocess

import httpx
import pytest

from tests.support.document import ROOT
from tests.support.processes import free_port, running

pytestmark = pytest.mark.socket


def test_an_unknown_variable_stops_make_before_anything_runs() -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "mock", "AUTHMODE=off"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "unknown variable(s) AUTHMODE" in done.stderr
    assert "AUTH_MODE" in done.stderr  # the list of those it knows
    assert done.stdout == ""


@pytest.mark.parametrize("where", ["make variable", "environment variable"])
def test_make_mock_runs_with_the_options_given(where: str) -> None:
    port = free_port()
    if where == "make variable":
        argv, env = ["make", "--no-print-directory", "mock", f"PORT={port}", "AUTH_MODE=off"], {}
    else:
        argv = ["make", "--no-print-directory", "mock"]
        env = {"M7_MOCK_PORT": str(port), "M7_MOCK_AUTH_MODE": "off"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("M7_")}
    base = f"http://127.0.0.1:{port}"
    with running("make-mock", argv, ready_url=f"{base}/__mock/health", env={**clean, **env}):
        body = {"listenAgent": "2002", "agentNumber": "9527"}
        response = httpx.post(f"{base}/openapi/v1/call/listen", json=body, timeout=10)
    assert response.status_code == 200  # no m7-* headers: the auth mode is off
    assert response.headers["x-m7-mock-auth-mode"] == "off"
