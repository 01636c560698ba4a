"""What the vendor answers, checked against the document: each planted disagreement of the
fake vendor is found when it is answered (journal entry, counters) and named by
``m7-drift`` over the recording."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mock_server.upstream.config import MockMode
from mock_server.upstream.drift import MAX_LISTED, Disagreement, DriftCheck
from mock_server.upstream.har import har_entry
from tests.proxy.conftest import Proxy, proxy_mode
from tests.proxy.recordings import exchange
from tests.proxy.servers import DEEP_ANSWER, MANY_FIELDS, PLANTED
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


def test_an_answer_nested_too_deeply_is_not_json_to_the_check() -> None:
    found = DriftCheck().check("listen", 200, "application/json", DEEP_ANSWER)
    assert [(d.kind, d.where) for d in found] == [("not-json", "body")]


async def test_every_disagreement_is_counted_and_the_first_are_listed(
    vendor_url: str, make_proxy: Callable[[MockMode], Proxy], har: Path
) -> None:
    """A wholly different answer: each of its disagreements counts, the journal and the
    report list the first ``MAX_LISTED`` and say how many more there are."""
    proxy = await record_planted(make_proxy, vendor_url, har, ["many"])
    (entry,) = (await proxy.client.get("/__mock/journal")).json()["entries"]
    more = MANY_FIELDS - MAX_LISTED
    assert len(entry["drift"]) == MAX_LISTED + 1
    assert entry["drift"][-1] == f"… and {more} more"
    mode = (await proxy.client.get("/__mock/config")).json()["mode"]
    assert mode["drift"]["disagreements"] == MANY_FIELDS
    assert mode["drift"]["byKind"] == {"undeclared-field": MANY_FIELDS}
    assert proxy.app.elsewhere is not None
    proxy.app.elsewhere.close()

    report = drift_command(str(har))
    assert report.returncode == 1
    lines = report.stdout.splitlines()
    assert len(lines) == MAX_LISTED + 1
    assert lines[-1] == f"entry 0: … and {more} more"
    assert f"{MANY_FIELDS} disagreement(s) in 1 of 1 answer(s)" in report.stderr
    as_json = drift_command("--json", str(har)).stdout.splitlines()
    assert len(as_json) == MANY_FIELDS


def _recording(tmp_path: Path, body: bytes) -> Path:
    answered = dataclasses.replace(exchange(9527), response_body=body, drift=())
    path = tmp_path / "r.har"
    path.write_text(json.dumps({"log": {"entries": [har_entry(answered)]}}), encoding="utf-8")
    return path


def test_the_report_over_an_answer_nested_too_deeply_names_it(tmp_path: Path) -> None:
    report = drift_command(str(_recording(tmp_path, DEEP_ANSWER)))
    assert report.returncode == 1, report.stderr
    assert report.stdout.startswith("entry 0: listen 200 not-json body:")
    assert "Traceback" not in report.stderr


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        pytest.param(lambda e: e["response"].update(headers=5), "response.headers", id="headers"),
        pytest.param(
            lambda e: e["response"].update(content={"text": None, "encoding": 5}),
            "response.content.encoding",
            id="content",
        ),
        pytest.param(lambda e: e["request"].update(postData="oops"), "postData", id="post-data"),
    ],
)
def test_an_entry_the_report_cannot_use_is_exit_status_2(
    tmp_path: Path, spoil: Callable[[dict[str, Any]], None], says: str
) -> None:
    path = _recording(tmp_path, b"{}")
    data = json.loads(path.read_text(encoding="utf-8"))
    spoil(data["log"]["entries"][0])
    path.write_text(json.dumps(data), encoding="utf-8")
    report = drift_command(str(path))
    assert report.returncode == 2, report.stderr
    assert report.stderr.startswith(f"m7-drift: {path}: log.entries[0]")
    assert says in report.stderr
    assert "Traceback" not in report.stderr


def test_a_device_or_a_har_nested_too_deeply_is_exit_status_2(tmp_path: Path) -> None:
    nested = tmp_path / "nested.har"
    nested.write_text('{"log": {"entries": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    for path in ("/dev/zero", str(nested)):
        report = drift_command(path)
        assert report.returncode == 2, (path, report.stderr)
        assert report.stderr.startswith(f"m7-drift: {path}: ")
        assert "Traceback" not in report.stderr
