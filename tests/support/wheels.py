"""The wheels of ``make dist`` in a fresh virtualenv, as a user installs them: for the
packaging tests and the pytest plugin's (which adds pytest and pytest-xdist)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.support.document import ROOT

__all__ = ["clean_environment", "installed_wheels", "run"]


def clean_environment() -> dict[str, str]:
    """This process's environment without anything pointing at the repository or its venv."""
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("M7_")}
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return env


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    return done.stdout


def installed_wheels(root: Path, *, lock: Path, extra: Sequence[str] = ()) -> Path:
    """Build both wheels into ``root/dist`` and install them, and ``extra`` requirements,
    pinned by ``lock``, into a fresh virtualenv in ``root/venv``; its ``bin/``."""
    env = clean_environment()
    run(["make", "--no-print-directory", "dist", f"DIST={root / 'dist'}"], ROOT, env)
    wheels = sorted(str(w) for w in (root / "dist").glob("*.whl"))
    assert [Path(w).name.split("-")[0] for w in wheels] == ["m7_call_monitor", "m7_mock_server"]
    venv = root / "venv"
    # Without pip of its own (seconds faster); this virtualenv's pip installs into it.
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, env)
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    # --no-compile: no .pyc written ahead (Python writes them on first import), seconds faster
    run([*pip, "install", "--quiet", "--no-compile", "-c", str(lock), *wheels, *extra], root, env)
    run([*pip, "check"], root, env)
    return venv / "bin"
