"""`make spec-diff` and the version gate on planted changes to copies of the document.

Each planted change is one edit a backend developer could make; the report must class it
(breaking or not), name the operation and the field, and exit 1 exactly when it breaks.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scripts.spec_diff import compare_many, main
from tests.support import document as doc

LISTEN = "POST /openapi/v1/call/listen"
WHISPER = "POST /openapi/v1/call/whisper"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")

Plant = Callable[[dict[str, Any]], None]


def _schemas(document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def remove_operation(d: dict[str, Any]) -> None:
    del d["paths"]["/openapi/v1/call/whisper"]


def remove_field(d: dict[str, Any]) -> None:
    del _schemas(d)["ListenRequest"]["properties"]["actionId"]


def narrow_type(d: dict[str, Any]) -> None:
    _schemas(d)["ActionId"]["maxLength"] = 20


def add_required_field(d: dict[str, Any]) -> None:
    _schemas(d)["ListenRequest"]["properties"]["silentMode"] = {"type": "boolean"}
    _schemas(d)["ListenRequest"]["required"].append("silentMode")


def add_optional_field(d: dict[str, Any]) -> None:
    _schemas(d)["ListenRequest"]["properties"]["silentMode"] = {"type": "boolean"}


def add_response_field(d: dict[str, Any]) -> None:
    _schemas(d)["SuccessEnvelope"]["properties"]["traceId"] = {"type": "string", "maxLength": 64}


def add_error_code(d: dict[str, Any]) -> None:
    d["components"]["responses"]["Conflict"]["description"] += " Or the call is on hold (`40906`)."


def remove_error_code(d: dict[str, Any]) -> None:
    conflict = d["components"]["responses"]["Conflict"]
    conflict["description"] = conflict["description"].replace("(`40904`)", "")


def tighten_call_state_rule(d: dict[str, Any]) -> None:
    listen = d["paths"]["/openapi/v1/call/listen"]["post"]
    listen["description"] = listen["description"].replace(
        "agent's call is answered (talking).", "agent's call has been answered for 5 s."
    )


# plant, breaking?, (operation, where, what) that the report must contain
CASES: dict[str, tuple[Plant, bool, tuple[str, str, str]]] = {
    "operation removed": (remove_operation, True, (WHISPER, "operation", "removed")),
    "field removed": (remove_field, True, (LISTEN, "request body actionId", "removed")),
    "type narrowed": (
        narrow_type,
        True,
        (LISTEN, "request body actionId.maxLength", "changed from 40 to 20"),
    ),
    "new required request field": (
        add_required_field,
        True,
        (LISTEN, "request body silentMode", "made required"),
    ),
    "new optional request field": (
        add_optional_field,
        False,
        (LISTEN, "request body silentMode", "added"),
    ),
    "new response field": (add_response_field, False, (LISTEN, "response 200 traceId", "added")),
    "new error code": (add_error_code, True, (LISTEN, "response 409 error codes", "40906 added")),
    "error code removed": (
        remove_error_code,
        False,
        (LISTEN, "response 409 error codes", "40904 removed"),
    ),
    "call-state rule tightened": (
        tighten_call_state_rule,
        True,
        (LISTEN, "call-state rules", ""),
    ),
}


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")  # JSON is YAML
    return path


class Ran:
    """What one in-process run of scripts/spec_diff.py printed and returned."""

    def __init__(self, returncode: int, stdout: str) -> None:
        self.returncode, self.stdout = returncode, stdout


@pytest.fixture
def spec_diff(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """``scripts/spec_diff.py`` run in this process (it still starts node for the diff)."""

    def run(*args: str) -> Ran:
        capsys.readouterr()
        returncode = main(list(args))
        return Ran(returncode, capsys.readouterr().out)

    return run


@pytest.fixture(scope="module")
def planted_reports() -> dict[str, list[dict[str, Any]]]:
    """The changes of every planted case, from one run of api-smart-diff for all of them."""
    planted = {}
    for case, (plant, _, _) in CASES.items():
        changed = copy.deepcopy(doc.load())
        plant(changed)
        assert changed != doc.load(), f"the plant of {case!r} changed nothing"
        planted[case] = changed
    results = compare_many([(doc.load(), changed) for changed in planted.values()])
    return {
        case: [vars(change) for change in changes]
        for case, changes in zip(planted, results, strict=True)
    }


@pytest.mark.parametrize("case", CASES)
def test_each_planted_change_is_classed_and_named(
    case: str, planted_reports: dict[str, list[dict[str, Any]]]
) -> None:
    _, breaking, (operation, where, what) = CASES[case]
    changes = planted_reports[case]
    named = [
        c
        for c in changes
        if c["operation"] == operation and c["where"] == where and what in c["what"]
    ]
    assert named, f"no change {operation} {where}: {what} in {changes}"
    assert all(c["breaking"] is breaking for c in named)
    assert any(c["breaking"] for c in changes) is breaking


@pytest.mark.parametrize("case", ["new required request field", "new optional request field"])
def test_the_command_exits_1_exactly_when_a_change_breaks(
    case: str, tmp_path: Path, spec_diff: Callable[..., Ran]
) -> None:
    plant, breaking, (operation, where, what) = CASES[case]
    changed = copy.deepcopy(doc.load())
    plant(changed)
    base = _write(tmp_path / "base.yaml", doc.load())
    head = _write(tmp_path / "head.yaml", changed)
    result = spec_diff("--base-file", str(base), "--head-file", str(head))
    assert result.returncode == (1 if breaking else 0), result.stdout
    assert f"{operation}  {where}: {what}" in result.stdout


def test_the_same_document_has_no_changes(tmp_path: Path, spec_diff: Callable[..., Ran]) -> None:
    base = _write(tmp_path / "base.yaml", doc.load())
    result = spec_diff("--base-file", str(base), "--head-file", str(doc.CALL_MONITOR))
    assert result.returncode == 0, result.stdout
    assert "0 change(s), 0 breaking" in result.stdout


# --- the version gate, in a scratch repository whose main holds the current document ---


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    (tmp_path / "openapi").mkdir()
    shutil.copy(doc.CALL_MONITOR, tmp_path / "openapi" / "call-monitor.yaml")
    shutil.copy(doc.ROOT / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(
        tmp_path,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.invalid",
        "commit",
        "-q",
        "-m",
        "base",
    )
    _git(tmp_path, "checkout", "-q", "-b", "feature")
    return tmp_path


def _change(repo: Path, plant: Plant | None, version: str | None, changelog: bool) -> None:
    document = copy.deepcopy(doc.load())
    if plant is not None:
        plant(document)
    if version is not None:
        document["info"]["version"] = version
    _write(repo / "openapi" / "call-monitor.yaml", document)
    if changelog and version is not None:
        with (repo / "CHANGELOG.md").open("a", encoding="utf-8") as handle:
            handle.write(f"\n## {version}\n\n- a planted change\n")


@pytest.fixture
def version_gate(scratch_repo: Path, spec_diff: Callable[..., Ran]) -> Callable[[], Ran]:
    return lambda: spec_diff("--gate", "--root", str(scratch_repo))


def test_gate_passes_an_unchanged_document(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    result = version_gate()
    assert result.returncode == 0, result.stdout
    assert "version gate: passed" in result.stdout


def test_gate_fails_a_breaking_change_without_a_major_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_required_field, "1.1.0", changelog=True)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert "need a major version (1.0.0 -> 2.0.0, not 1.1.0)" in result.stdout
    assert f"{LISTEN}  request body silentMode: made required" in result.stdout


def test_gate_passes_the_breaking_change_with_a_major_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_required_field, "2.0.0", changelog=True)
    result = version_gate()
    assert result.returncode == 0, result.stdout
    assert "version gate: passed" in result.stdout


def test_gate_fails_any_change_without_a_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_optional_field, None, changelog=False)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert "info.version is still 1.0.0" in result.stdout
    assert "bump it to 1.1.0" in result.stdout


def test_gate_passes_a_compatible_change_with_a_minor_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_optional_field, "1.1.0", changelog=True)
    assert version_gate().returncode == 0


def test_gate_fails_a_version_without_a_changelog_entry(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_optional_field, "1.1.0", changelog=False)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert "CHANGELOG.md has no entry for 1.1.0" in result.stdout
