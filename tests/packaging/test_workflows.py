"""The GitHub workflows: CI runs ``make test`` on pushes and pull requests, and each job's
timeout leaves room for what it runs (so a slow run ends with its own summary, not with
GitHub cancelling the job)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from m7_contract.client import Limits
from tests.support.document import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
#: Checkout, the installs on a cold cache, Prism's start: what a job needs besides its run.
SETUP_SECONDS = 5 * 60
#: ``make test`` must stay under this on 2 cores (docs/testing.md).
MAKE_TEST_SECONDS = 10 * 60


def workflow(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return loaded


def triggers(loaded: dict[Any, Any]) -> dict[str, Any]:
    on = loaded["on"] if "on" in loaded else loaded[True]  # YAML 1.1 reads `on` as True
    assert isinstance(on, dict), on
    return on


def test_ci_runs_make_test_on_every_push_and_pull_request() -> None:
    ci = workflow("ci.yml")
    assert {"push", "pull_request"} <= set(triggers(ci))
    job = ci["jobs"]["test"]
    assert any(step.get("run") == ".ci/run" for step in job["steps"])
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert job["timeout-minutes"] * 60 >= MAKE_TEST_SECONDS + SETUP_SECONDS


def test_the_contract_job_outlasts_the_suite_budget() -> None:
    job = workflow("contract.yml")["jobs"]["contract"]
    (step,) = [s for s in job["steps"] if s.get("run") == "make contract"]
    env = step.get("env", {})
    defaults = Limits()
    budget = float(env.get("M7_CONTRACT_BUDGET", defaults.budget))
    timeout = float(env.get("M7_CONTRACT_TIMEOUT", defaults.timeout))
    # The budget may be overrun by the one request in flight when it is spent.
    needed = budget + timeout + SETUP_SECONDS
    assert job["timeout-minutes"] * 60 >= needed, (job["timeout-minutes"], needed)
    # ... and not by far: a hung job should not hold a runner for long after that.
    assert job["timeout-minutes"] * 60 <= needed + 10 * 60


def test_the_consumer_example_waits_on_the_health_endpoint() -> None:
    example = yaml.safe_load(
        Path(ROOT / "docs" / "examples" / "consumer-ci.yml").read_text(encoding="utf-8")
    )
    runs = "\n".join(str(step.get("run", "")) for step in example["jobs"]["test"]["steps"])
    assert "/__mock/health" in runs
    assert "m7-mock" in runs
