"""A short run of `make soak` (scripts/soak.py): the script works and its verdicts hold."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.document import ROOT

pytestmark = pytest.mark.socket


def test_a_short_soak_sees_no_5xx_no_accepted_replay_and_every_probe_answered() -> None:
    run = subprocess.run(
        [sys.executable, "scripts/soak.py", "--phase-seconds", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    summary = run.stdout.splitlines()[-1]
    assert summary.startswith("summary: 5xx 0, ")
    assert "replays accepted 0," in summary
    answered = summary.rsplit("probes answered ", 1)[1]
    got, sent = answered.split("/")
    assert int(sent) > 0
    assert got == sent
    assert "hostile exchanges: " in run.stdout
