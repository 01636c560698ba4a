"""``examples/pytest/`` as a user runs it: copied out of the clone, against the installed wheels.

A fresh virtualenv holds only the two wheels of ``make dist``, pytest and pytest-xdist (the
versions of the locks, so that pip's cache serves them); the examples, copied to a folder
outside the repository, run with nothing to configure: the plugin comes with the mock's
wheel (its ``pytest11`` entry point), starts the mock, and gives each test an account. Once
in one process, once on two pytest-xdist workers.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.document import ROOT
from tests.support.wheels import clean_environment, installed_wheels

pytestmark = pytest.mark.socket

EXAMPLES = ROOT / "examples" / "pytest"


@pytest.fixture(scope="module")
def user_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin/`` of a fresh virtualenv: the two wheels, pytest and pytest-xdist."""
    root = tmp_path_factory.mktemp("testkit-wheels")
    # requirements.lock includes the runtime lock, and pytest-xdist's pin too
    return installed_wheels(root, lock=ROOT / "requirements.lock", extra=("pytest", "pytest-xdist"))


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist-2"])
def test_the_examples_pass_copied_out_of_the_clone_against_the_wheels(
    user_venv: Path, tmp_path: Path, workers: list[str]
) -> None:
    folder = tmp_path / "my-tests"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [str(user_venv / "pytest"), "-p", "no:cacheprovider", *workers],
        cwd=folder,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    passed = re.search(r"(\d+) passed", output)
    assert passed is not None, output
    assert int(passed[1]) >= 8, output  # every example ran, none skipped
    assert f"rootdir: {folder}" in output  # nothing of the clone's configuration
    if workers:
        assert "2 workers" in output, output
    plugin = subprocess.run(
        [str(user_venv / "python"), "-c", "import m7_mock_pytest; print(m7_mock_pytest.__file__)"],
        cwd=folder,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert Path(plugin.stdout.strip()).is_relative_to(user_venv.parent), plugin.stdout
