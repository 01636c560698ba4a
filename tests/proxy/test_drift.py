"""What the vendor answers, checked against the document: each planted disagreement of the
fake vendor is found when it is answered (journal entry, counters) and named by
``m7-drift`` over the recording."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mock_server.upstream.config import MockMode
from mock_server.upstream.drift import Disagreement, DriftCheck
from tests.proxy.conftest import Proxy, proxy_mode
from tests.proxy.servers import PLANTED
from tests.support.document import ROOT


def drift_command(*args: str) -> subprocess.CompletedProcess[str]:
    """``m7-drift`` (its module: the script entry of pyproject.toml)."""
    return subprocess.run(
        [sys.executable, "-m", "mock_server.upstream.drift_cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


async def record_planted(
    make_proxy: Callable[[MockMode], Proxy], vendor_url: str, har: Path, agents: list[str]
) -> Proxy:
    proxy = make_proxy(proxy_mode(vendor_url, record=har))
    for agent in agents:
        await proxy.call("listen", {"listenAgent": "2002", "agentNumber": agent})
    return proxy


async def test_every_planted_disagreement_is_journaled_counted_and_reported(
    vendor_url: str, make_proxy: Callable[[MockMode], Proxy], har: Path
) -> None:
    agents = [*PLANTED, "fine"]
    proxy = await record_planted(make_proxy, vendor_url, har, agents)
    entries = (await proxy.client.get("/__mock/journal")).json()["entries"]
    by_agent = {e["body"]["agentNumber"]: e for e in entries}
    for agent, planted in PLANTED.items():
        shown = by_agent[agent].get("drift", [])
        for operation, status, kind, where in planted:
            assert any(f"{operation} {status} {kind} {where}:" in line for line in shown), (
                agent,
                kind,
                shown,
            )
    assert "drift" not in by_agent["fine"]  # shown only when there is one
    mode = (await proxy.client.get("/__mock/config")).json()["mode"]
    planted_count = sum(len(p) for p in PLANTED.values())
    assert mode["drift"]["answers"] == len(agents)
    assert mode["drift"]["disagreeing"] == len(PLANTED)
    assert mode["drift"]["disagreements"] == planted_count
    assert mode["recorded"] == len(agents)
    assert proxy.app.elsewhere is not None
    proxy.app.elsewhere.close()

    report = drift_command(str(har))
    assert report.returncode == 1, report.stderr
    lines = report.stdout.splitlines()
    assert len(lines) == planted_count
    for planted in PLANTED.values():
        for operation, status, kind, where in planted:
            assert any(f"{operation} {status} {kind} {where}:" in line for line in lines), kind
    assert f"{planted_count} disagreement(s) in {len(PLANTED)} of {len(agents)}" in report.stderr

    as_json = [json.loads(line) for line in drift_command("--json", str(har)).stdout.splitlines()]
    assert {(d["operation"], d["status"], d["kind"], d["where"]) for d in as_json} == set().union(
        *PLANTED.values()
    )


async def test_a_recording_that_agrees_reports_nothing(
    vendor_url: str, make_proxy: Callable[[MockMode], Proxy], har: Path
) -> None:
    proxy = await record_planted(make_proxy, vendor_url, har, ["fine", "9527"])
    assert proxy.app.elsewhere is not None
    proxy.app.elsewhere.close()
    report = drift_command(str(har))
    assert (report.returncode, report.stdout) == (0, "")
    assert "0 disagreement(s) in 0 of 2" in report.stderr


@pytest.mark.parametrize("text", ["{", '{"log": {"entries": []}}', ""])
def test_a_bad_or_empty_recording_is_exit_status_2(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.har"
    path.write_text(text, encoding="utf-8")
    report = drift_command(str(path))
    assert report.returncode == 2
    assert report.stderr.startswith("m7-drift: ")
    assert drift_command(str(tmp_path / "missing.har")).returncode == 2


def test_the_command_is_installed_as_m7_drift() -> None:
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["m7-drift"] == "mock_server.upstream.drift_cli:main"


def test_the_document_s_own_examples_agree_with_it() -> None:
    """The referee's referee: the success example the vendor published, and a refusal the
    rules declare, are no drift."""
    check = DriftCheck()
    document = check._document
    example = document["components"]["examples"]["ListenSuccess"]["value"]
    example = {**example, "requestInfo": {**example["requestInfo"]}}
    assert check.check("listen", 200, "application/json", json.dumps(example).encode()) == []
    refusal = {"success": False, "code": "40903", "message": "m", "requestId": "r1"}
    body = json.dumps(refusal).encode()
    assert check.check("listen", 409, "application/json; charset=utf-8", body) == []
    assert check.check("listen", 409, "text/html", b"<html>") == [
        Disagreement(
            "content-type",
            "listen",
            409,
            "content-type",
            "text/html; the document declares application/json",
        )
    ]
    assert [d.kind for d in check.check("listen", 200, "application/json", b"{")] == ["not-json"]
