"""``make mock`` passes its Make variables on, and a variable it does not know stops make.

The issues this guards: ``make mock AUTH_MODE=off`` used to start a strict mock, silently;
``make mock`` refused options of m7-mock (``STATE``, ``ADMIN_ORIGINS``, ...) that its list
did not name.
"""

from __future__ import annotations

import argparse
import os
import subprocess

import httpx
import pytest

from mock_server.cli import _parser
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


def test_a_shell_variable_of_the_same_name_is_not_an_option() -> None:
    """make turns the environment into variables: a shell's own ``AUTH_MODE`` or ``HOST``
    (common names) must not reach the mock; only the command line and ``M7_MOCK_*`` do."""
    port = free_port()
    argv = ["make", "--no-print-directory", "mock"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("M7_")}
    env = {**clean, "M7_MOCK_PORT": str(port), "AUTH_MODE": "off", "LOG_LEVEL": "DEBUG"}
    base = f"http://127.0.0.1:{port}"
    with running("make-mock", argv, ready_url=f"{base}/__mock/health", env=env):
        body = {"listenAgent": "2002", "agentNumber": "9527"}
        response = httpx.post(f"{base}/openapi/v1/call/listen", json=body, timeout=10)
    assert response.status_code == 401
    assert response.headers["x-m7-mock-auth-mode"] == "strict"


#: Values that are visible from outside the mock, for the options whose every value is valid
#: (so a value m7-mock did not get cannot make it fail): (given to make, in the environment).
VISIBLE = {
    "ADMIN_TOKEN": ("make-token", "poison-token"),
    "CORS_ORIGINS": ("http://make.example", "http://poison.example"),
    "ADMIN_ORIGINS": ("http://localhost:3000", "http://poison.example"),
    "HOST": ("127.0.0.1", "192.0.2.1"),  # TEST-NET-1: nothing here can listen on it
    "SCENARIO": (str(ROOT / "mock_server" / "model" / "demo-scenario.yaml"), "poison"),
    "CREDENTIALS": ("2100147:m7-demo-secret", "poison"),
}


def test_every_option_of_m7_mock_is_a_make_variable_make_mock_hands_on() -> None:
    """Every option of m7-mock's parser, set as a Make variable, reaches m7-mock: each one's
    environment variable holds a value m7-mock would refuse (or one it shows), which only the
    Make variable can have overridden. An option added to the parser is tried here at once:
    make stops on it unless it is a Make variable too."""
    options = [
        action
        for action in _parser({})._actions
        if action.option_strings and not isinstance(action, argparse._HelpAction)
    ]
    port = free_port()
    given, poison = {}, {}
    for action in options:
        name = action.dest.upper()
        value, refused = VISIBLE.get(name, (str(action.default), "poison"))
        given[name] = str(port) if name == "PORT" else value
        poison[f"M7_MOCK_{name}"] = refused
    assert {"STATE", "WORKERS", "ADMIN_ORIGINS", "PAGE_SIGNING", "MAX_HEAD_BYTES"} <= set(given)
    argv = ["make", "--no-print-directory", "mock", *(f"{k}={v}" for k, v in given.items())]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("M7_")}
    base = f"http://127.0.0.1:{port}"
    with running("make-mock", argv, ready_url=f"{base}/__mock/health", env={**clean, **poison}):
        assert httpx.get(f"{base}/__mock/state", timeout=10).status_code == 401
        token = {"authorization": "Bearer make-token"}
        assert httpx.get(f"{base}/__mock/state", headers=token, timeout=10).status_code == 200
        admin = httpx.get(
            f"{base}/__mock/health", headers={"origin": "http://localhost:3000"}, timeout=10
        )
        assert admin.headers.get("access-control-allow-origin") == "http://localhost:3000"
        preflight = httpx.options(
            f"{base}/openapi/v1/call/listen",
            headers={"origin": "http://make.example", "access-control-request-method": "POST"},
            timeout=10,
        )
        assert preflight.headers.get("access-control-allow-origin") == "http://make.example"
