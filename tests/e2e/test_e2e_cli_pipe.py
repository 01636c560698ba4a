"""``m7`` as a real process whose reader has gone away (``m7 listen ... | head -1``).

The write end of a pipe whose read end is already closed fails every write with EPIPE, the
situation of ``head -1`` having exited: the command must end quietly with the exit status of
the API call (0 when it succeeded: a script must not retry a hangup that happened), never a
``BrokenPipeError`` traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

pytestmark = pytest.mark.socket

DEMO = {"M7_APP_KEY": "2100147", "M7_SECRET_KEY": "m7-demo-secret"}


@pytest.fixture
def closed_pipe() -> Iterator[int]:
    """The write end of a pipe nobody reads any more."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    yield write_end
    os.close(write_end)


def _m7(base_url: str, stdout: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "m7_call_monitor", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **DEMO, "M7_BASE_URL": base_url},
        timeout=60,
        check=False,
    )


def test_a_successful_call_into_a_closed_pipe_exits_0_quietly(
    mock_url: str, reset_mock: Callable[[], None], closed_pipe: int
) -> None:
    reset_mock()
    result = _m7(mock_url, closed_pipe, "listen", "--supervisor", "2002", "--agent", "9527")
    assert (result.returncode, result.stderr) == (0, "")


def test_a_refused_call_into_a_closed_pipe_exits_1_with_its_error(
    mock_url: str, reset_mock: Callable[[], None], closed_pipe: int
) -> None:
    reset_mock()
    result = _m7(mock_url, closed_pipe, "listen", "--supervisor", "2002", "--agent", "9530")
    assert result.returncode == 1
    assert result.stderr.startswith("error 40903: ")
    assert "Traceback" not in result.stderr


def test_sign_into_a_closed_pipe_exits_0_quietly(mock_url: str, closed_pipe: int) -> None:
    for args in (["sign"], ["sign", "--json"]):
        result = _m7(mock_url, closed_pipe, *args)
        assert (result.returncode, result.stderr) == (0, ""), args
