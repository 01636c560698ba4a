"""The contract suite ends in bounded time with a summary, whatever the target does.

Each test runs the suite as ``make contract`` does, with the ``m7-contract`` command
(``python -m m7_contract``) in a subprocess, against ``prism mock``: a target that accepts any
signature and never answers malformed JSON. Small limits keep the runs short; the defaults
are the same code with larger numbers.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from tests.support.document import ROOT

pytestmark = [pytest.mark.prism, pytest.mark.socket]

DEMO = {"M7_APP_KEY": "2100147", "M7_SECRET_KEY": "m7-demo-secret"}


def run_suite(env: dict[str, str], *args: str) -> tuple[int, str, float]:
    """``m7-contract`` with ``env``; its exit status, output and duration."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("M7_")}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "m7_contract", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def test_a_hanging_target_stops_the_suite_with_a_summary_of_its_faults(
    prism_mock_url: str,
) -> None:
    status, output, seconds = run_suite(
        {
            **DEMO,
            "M7_CONTRACT_BASE_URL": prism_mock_url,
            "M7_CONTRACT_TIMEOUT": "1",
            "M7_CONTRACT_MAX_TIMEOUTS": "2",
        },
        "-k",
        "bad_header_is_refused or bad_body_is_refused",
    )
    assert status == pytest.ExitCode.INTERRUPTED, output
    assert seconds < 60, output
    summary = output[output.index("contract summary") :]
    assert "rules the target broke (2):" in summary, summary
    assert "- a bad header is refused: 8 of 16 failed; e.g. [m7-appkey-malformed]" in summary
    assert "expected 401, got 200" in summary
    assert "- a bad body is refused with 400: 2 of " in summary
    stopped = f"stopped early: the target at {prism_mock_url} left 2 requests unanswered"
    assert stopped in summary, summary
    assert summary.count("with malformed JSON b'") >= 2
    assert "no answer within 1 s (M7_CONTRACT_TIMEOUT)" in summary
    assert "not run" in summary


@contextlib.contextmanager
def silent_target() -> Iterator[str]:
    """A target that takes connections and requests and never answers; its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                held.append(listener.accept()[0])

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        acceptor.join()
        for conn in held:
            conn.close()
        listener.close()


def test_each_request_waits_its_timeout_and_no_longer() -> None:
    """Against a target that never answers, two runs that differ only in the per-request
    timeout (1 s and 6 s), each stopped after 2 unanswered requests: the longer run takes
    about 2 x 5 s more (3 s either way for the two runs' start-ups differing on a loaded
    machine). The whole run's bound alone could not show the timeout acting."""
    took: dict[int, float] = {}
    for timeout in (1, 6):
        with silent_target() as base_url:
            env = {
                **DEMO,
                "M7_CONTRACT_BASE_URL": base_url,
                "M7_CONTRACT_TIMEOUT": str(timeout),
                "M7_CONTRACT_MAX_TIMEOUTS": "2",
            }
            status, output, seconds = run_suite(env, "-k", "bad_header_is_refused")
        assert status == pytest.ExitCode.INTERRUPTED, output
        assert f"no answer within {timeout} s (M7_CONTRACT_TIMEOUT)" in output, output
        took[timeout] = seconds
    waited = took[6] - took[1]
    assert 7 < waited < 13, took


def test_a_spent_budget_stops_the_suite_before_the_next_request(prism_mock_url: str) -> None:
    env = {**DEMO, "M7_CONTRACT_BASE_URL": prism_mock_url, "M7_CONTRACT_BUDGET": "0.001"}
    status, output, _ = run_suite(env)
    assert status == pytest.ExitCode.INTERRUPTED, output
    assert "stopped early: the time budget of 0.001 s (M7_CONTRACT_BUDGET) is spent" in output


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"M7_CONTRACT_BASE_URL": "http://127.0.0.1:9"},
            "ERROR: contract suite: the target is http://127.0.0.1:9 but M7_APP_KEY and "
            "M7_SECRET_KEY are not set",
        ),
        (
            {**DEMO, "M7_CONTRACT_BASE_URL": "http://127.0.0.1:9", "M7_CONTRACT_TIMEOUT": "0"},
            "ERROR: contract suite: M7_CONTRACT_TIMEOUT='0': must be a number of seconds above 0",
        ),
    ],
    ids=["no-credentials", "bad-timeout"],
)
def test_a_configuration_error_is_one_message_and_no_test(
    env: dict[str, str], message: str
) -> None:
    status, output, _ = run_suite(env)
    assert status == pytest.ExitCode.USAGE_ERROR, output
    assert output.count(message) == 1, output
    assert "passed" not in output
    assert "failed" not in output
