"""A quick run of `make bench` (scripts/bench.py) with tiny durations.

Not a measurement: it checks that the benchmark still runs end to end (the mock, Prism and
the ceiling app start, wrk drives them with pre-signed requests, every part reports), that
the table has every row, and that the strict mock accepted every request, i.e. that the
pre-signed pool really never repeats a ``sign + nonce`` pair. The second test makes the pool
repeat on purpose and checks the benchmark then reports the mock's refusals and fails, so the
first test's "no refusal" assertion can fail too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "scripts" / "bench.py"

pytestmark = [pytest.mark.socket, pytest.mark.prism]


@pytest.fixture(autouse=True)
def _wrk_is_installed() -> None:
    """The benchmark never installs wrk; without it this test fails and says how to."""
    if shutil.which("wrk") is None:
        pytest.fail(
            "wrk is missing: install it with `apt-get install -y wrk` (make system-packages does)"
        )


LOAD_ROWS = (
    "| mock (strict auth, replay cache, validation, call-center model) |",
    "| Prism 5.16 (`prism mock`, same document) |",
    "| Prism 5.16, `--verboseLevel warn` (no per-request log) |",
    "| bare Starlette app, same JSON (ceiling) |",
)
MEASUREMENT_ROWS = (
    "| mock / Prism req/s |",
    "| mock p99 / Prism p99 |",
    "| friendly client / raw httpx, per call over loopback |",
    "| one signature, sign() |",
    "| cold start mock (median",
    "| per request inside the app, after (this checkout): our code / framework / rest |",
)
TINY = ("--duration", "1", "--rounds", "1", "--warmup", "1")


def run_bench(tmp_path: Path, *options: str) -> tuple[subprocess.CompletedProcess[str], Any]:
    report = tmp_path / "bench.json"
    argv = [sys.executable, str(BENCH), *TINY, "--json", str(report), *options]
    with subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            process.terminate()  # on SIGTERM the bench stops the servers it started
            stdout, stderr = process.communicate(timeout=60)
            pytest.fail(f"the bench did not finish in 180 s\n{stdout}\n{stderr}")
    result = subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else None
    return result, data


def test_bench_prints_every_row_and_the_mock_refuses_nothing(tmp_path: Path) -> None:
    result, data = run_bench(
        tmp_path, "--cold-starts", "1", "--client-calls", "200", "--cost-requests", "300"
    )
    output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, output
    for row in LOAD_ROWS + MEASUREMENT_ROWS:
        assert row in result.stdout, f"missing row {row!r}\n{output}"
    assert data is not None, output
    mock = data["load"]["mock"]
    assert mock["statuses"].get("200", 0) > 0, output
    assert set(mock["statuses"]) == {"200"}, f"the mock refused requests: {mock['statuses']}"
    assert set(mock["warmup_statuses"]) == {"200"}, mock["warmup_statuses"]
    assert mock["errors"] == mock["warmup_errors"] == mock["socket_errors"] == 0, mock
    assert mock["wrapped"] == 0, mock
    for name in ("prism", "prism-quiet", "ceiling"):
        assert data["load"][name]["errors"] == 0, (name, data["load"][name])


def test_bench_fails_when_the_mock_refuses_replayed_signatures(tmp_path: Path) -> None:
    result, data = run_bench(
        tmp_path,
        "--targets",
        "mock",
        "--skip",
        "request-cost,client,signature,cold-start",
        "--pool-cap",
        "50",
    )
    output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 2, output
    assert "INVALID: mock" in result.stderr, output
    assert data is not None, output
    statuses = data["load"]["mock"]["statuses"]
    assert statuses.get("401", 0) > 0, statuses
    assert statuses.get("200", 0) <= 50, statuses  # each of the 50 pairs is accepted once


def test_bench_loads_the_mock_at_another_revision_side_by_side(tmp_path: Path) -> None:
    result, data = run_bench(
        tmp_path,
        "--targets",
        "mock,mock-before",
        "--before",
        "HEAD",
        "--skip",
        "request-cost,client,signature,cold-start,round-trips",
    )
    output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, output
    assert "| mock at `--before REF` (the same settings, the earlier code) |" in result.stdout
    assert "| mock / mock at `HEAD` req/s (side by side) |" in result.stdout, output
    assert data is not None, output
    assert set(data["load"]["mock-before"]["statuses"]) == {"200"}, data["load"]["mock-before"]


def test_the_earlier_revision_runs_its_own_code(tmp_path: Path) -> None:
    """``mock-before`` runs in the exported tree and imports its packages, not this
    checkout's (installed editable, so first on the path unless told otherwise)."""
    sys.path.insert(0, str(ROOT))
    try:
        from scripts.benchmarks.processes import Service
    finally:
        sys.path.remove(str(ROOT))
    tree = tmp_path / "tree"
    for package in ("mock_server", "generated_client/m7_call_monitor"):
        (tree / package).mkdir(parents=True)
        (tree / package / "__init__.py").write_text("", encoding="utf-8")
    probe = (
        "import os, mock_server, m7_call_monitor; print(os.getcwd()); "
        "print(mock_server.__file__); print(m7_call_monitor.__file__)"
    )
    service = Service("probe", [sys.executable, "-c", probe], 0, tmp_path / "probe.log", tree=tree)
    service.start()
    assert service.process is not None
    service.process.wait(timeout=30)
    cwd, *imported = service.log_path.read_text(encoding="utf-8").split()
    assert Path(cwd) == tree
    for path in imported:
        assert Path(path).is_relative_to(tree), imported
