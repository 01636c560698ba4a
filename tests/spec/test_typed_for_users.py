"""A user's ``mypy --strict`` sees the real types of the installed client, not ``Any``.

The distribution is built as a wheel and installed into a fresh virtualenv; the project's
mypy then checks two user scripts against that virtualenv's site-packages
(``--python-executable``), from a folder outside the repository, so neither the source tree
nor the project's mypy settings can help. Without ``py.typed`` in ``m7_openapi`` every
generated model is ``Any`` and a wrong attribute passes.

The wheel is installed with ``--no-deps``: the types checked are the distribution's own, and
leaving httpx and attrs out halves the time (pip's index lookups and mypy's analysis of
them). That the wheel's declared dependencies are complete is the packaging tests' job.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTION = ROOT / "generated_client"
MYPY = Path(sys.executable).parent / "mypy"

GOOD = """\
from m7_call_monitor import CallMonitor, CallStateError

with CallMonitor("http://127.0.0.1:4010", "2100147", "m7-demo-secret") as monitor:
    envelope = monitor.listen(supervisor="2002", agent="9527")
    reveal_type(envelope)
    reveal_type(envelope.request_info.request_id)
    reveal_type(envelope.data.response.data)
    try:
        monitor.hangup(supervisor="2002", agent="9527")
    except CallStateError as error:
        reveal_type(error.code)
"""

BAD = """\
from m7_call_monitor import CallMonitor

with CallMonitor("http://127.0.0.1:4010", "2100147", "m7-demo-secret") as monitor:
    print(monitor.listen(supervisor="2002", agent="9527").request_info.no_such_field)
    monitor.barge(supervisor="2002", agent="9527", silent_mode=True)
"""


def _run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, check=False, timeout=300, cwd=cwd
    )


@pytest.fixture(scope="module")
def user_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh virtualenv holding only the client's wheel."""
    scratch = tmp_path_factory.mktemp("user-venv")
    wheels = scratch / "wheels"
    built = _run(
        sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--wheel-dir", wheels, DISTRIBUTION,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("m7_call_monitor-*.whl")
    venv.create(scratch / "venv", with_pip=False)  # the project's pip installs into it
    python = scratch / "venv" / "bin" / "python"
    installed = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
        "--disable-pip-version-check", "--no-deps", wheel,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    return python


def test_mypy_strict_in_a_users_venv_sees_real_types_and_catches_a_wrong_attribute(
    user_python: Path, tmp_path: Path
) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    result = _run(
        MYPY, "--strict", "--python-executable", user_python, "--cache-dir", tmp_path / "cache",
        "--no-error-summary", "good.py", "bad.py", cwd=tmp_path,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert (
        lines
        == textwrap.dedent(
            """\
        bad.py:4: error: "RequestInfo" has no attribute "no_such_field"  [attr-defined]
        bad.py:5: error: Unexpected keyword argument "silent_mode" for "barge" of "CallMonitor"  [call-arg]
        bad.py:5: note: "barge" defined in "m7_call_monitor._client"
        good.py:5: note: Revealed type is "m7_openapi.models.success_envelope.SuccessEnvelope"
        good.py:6: note: Revealed type is "str"
        good.py:7: note: Revealed type is "m7_openapi.models.media_info.MediaInfo | m7_openapi.types.Unset"
        good.py:11: note: Revealed type is "str"
        """
        ).splitlines()
    ), result.stdout + result.stderr
    assert result.returncode == 1
