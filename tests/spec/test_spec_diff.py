"""`make spec-diff` and the version gate on planted changes to copies of the document.

Each planted change is one edit a backend developer could make; the report must class it
(breaking or not), name the operation and the field, and exit 1 exactly when it breaks.
The call-state rules are planted in the document's table (``x-call-state-rules``), which the
report compares rule by rule; the paragraphs generated from it are not compared.
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

from mock_server.model.rules import EXTENSION
from scripts.spec_diff import compare_many, main
from tests.support import document as doc

LISTEN = "POST /openapi/v1/call/listen"
WHISPER = "POST /openapi/v1/call/whisper"
HANGUP = "POST /openapi/v1/call/hangupChannel"
CALL_RINGING = "call-state rule call-ringing (409 40904)"

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


def _row(d: dict[str, Any], refuses: str) -> dict[str, Any]:
    """The table's precondition refusing ``refuses``."""
    rows: list[dict[str, Any]] = d[EXTENSION]["preconditions"]
    return next(row for row in rows if row["refuses"] == refuses)


def _effect(d: dict[str, Any], operation_id: str) -> dict[str, Any]:
    effect: dict[str, Any] = d[EXTENSION]["effects"][operation_id]
    return effect


def add_rule_to_operation(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["operations"].append("hangupChannel")


def remove_rule_from_operation(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["operations"].remove("whisper")


def change_rule_status(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["status"] = 422


def change_rule_code(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["code"] = "40906"


def change_rule_field(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["field"] = "supervisor"


def move_rule_later(d: dict[str, Any]) -> None:
    """no-live-call checked last instead of before call-ringing and monitored-by-another."""
    rows: list[dict[str, Any]] = d[EXTENSION]["preconditions"]
    rows.append(rows.pop(rows.index(_row(d, "no-live-call"))))


def change_rule_message(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["message"] = "agentNumber: call {call} of agent {agent} rings"


def change_rule_requires(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["requires"] = "the agent's call has been answered"


def change_effect(d: dict[str, Any]) -> None:
    _effect(d, "hangupChannel").update(effect="take-over")


def change_mode(d: dict[str, Any]) -> None:
    _effect(d, "listen").update(mode="barge")


def change_says(d: dict[str, Any]) -> None:
    _effect(d, "whisper").update(says="the supervisor whispers to the agent")


def edit_rules_paragraph(d: dict[str, Any]) -> None:
    """A hand edit of the generated paragraph (make check-generated catches it, not spec-diff)."""
    listen = d["paths"]["/openapi/v1/call/listen"]["post"]
    assert "When all hold:" in listen["description"]
    listen["description"] = listen["description"].replace(
        "When all hold:", "When all hold and the call is older than 5 s:"
    )


def drop_table(d: dict[str, Any]) -> None:
    del d[EXTENSION]


def break_table(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["refuses"] = "call-on-hold"


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
    "call-state rule added to an operation": (
        add_rule_to_operation,
        True,
        (HANGUP, CALL_RINGING, "added"),
    ),
    "call-state rule removed from an operation": (
        remove_rule_from_operation,
        True,
        (WHISPER, CALL_RINGING, "removed"),
    ),
    "call-state rule's status changed": (
        change_rule_status,
        True,
        (LISTEN, CALL_RINGING, "status changed from 409 to 422"),
    ),
    "call-state rule's code changed": (
        change_rule_code,
        True,
        (LISTEN, CALL_RINGING, 'code changed from "40904" to "40906"'),
    ),
    "call-state rule's field changed": (
        change_rule_field,
        True,
        (LISTEN, CALL_RINGING, 'field changed from "agentNumber" to "supervisor"'),
    ),
    "call-state rule checked later": (
        move_rule_later,
        True,
        (
            LISTEN,
            "call-state rule no-live-call (409 40903)",
            "moved: checked 10th of the operation's rules, was 8th",
        ),
    ),
    "call-state rule's message changed": (
        change_rule_message,
        False,
        (LISTEN, CALL_RINGING, 'message changed from "agentNumber: call {call} of agent'),
    ),
    "call-state rule's requires changed": (
        change_rule_requires,
        False,
        (LISTEN, CALL_RINGING, 'requires changed from "the agent\'s call is answered (talking)"'),
    ),
    "call-state effect changed": (
        change_effect,
        True,
        (HANGUP, "call-state effect", "changed from end-call to take-over"),
    ),
    "call-state mode changed": (
        change_mode,
        True,
        (LISTEN, "call-state effect", "changed from monitor (mode listen) to monitor (mode barge)"),
    ),
    "call-state effect's words changed": (
        change_says,
        False,
        (WHISPER, "call-state effect", 'says changed from "the supervisor monitors the call'),
    ),
    "call-state paragraph edited (not compared)": (
        edit_rules_paragraph,
        False,
        (LISTEN, "description", "changed from"),
    ),
    "base without a table": (
        remove_rule_from_operation,  # not compared: the base has no table to compare it with
        False,
        ("document", "call-state rules", "now a table (x-call-state-rules)"),
    ),
    "table removed": (drop_table, True, ("document", "call-state rules", f"{EXTENSION} removed")),
    "table no longer valid": (
        break_table,
        True,
        ("document", "call-state rules", f"head: {EXTENSION}.preconditions[8].refuses"),
    ),
}

#: The cases that plant the base document too (the others compare with the document as is).
BASE_PLANTS: dict[str, Plant] = {"base without a table": drop_table}

#: What the report must not contain for a case: (operation, where) pairs.
ABSENT: dict[str, list[tuple[str, str]]] = {
    # each rule of an operation is named once: the rules the moved one passes did not move
    "call-state rule checked later": [
        (LISTEN, CALL_RINGING),
        (LISTEN, "call-state rule monitored-by-another (409 40905)"),
        (HANGUP, "call-state rule no-live-call (409 40903)"),  # last for hangup before too
    ],
    "call-state paragraph edited (not compared)": [(LISTEN, "call-state rules")],
    "base without a table": [(WHISPER, CALL_RINGING)],
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
        base = copy.deepcopy(doc.load())
        if case in BASE_PLANTS:
            BASE_PLANTS[case](base)
        planted[case] = (base, changed)
    results = compare_many(list(planted.values()))
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
    for operation, where in ABSENT.get(case, []):
        assert not [
            c for c in changes if c["operation"] == operation and c["where"].startswith(where)
        ], f"{operation} {where} should not be in {changes}"


def test_a_rule_of_several_operations_is_named_at_each(
    planted_reports: dict[str, list[dict[str, Any]]],
) -> None:
    """call-ringing refuses listen, whisper and lootCall: its status changed at all three,
    and only there."""
    named = {
        c["operation"]
        for c in planted_reports["call-state rule's status changed"]
        if c["where"] == CALL_RINGING
    }
    assert named == {LISTEN, WHISPER, "POST /openapi/v1/call/lootCall"}


def test_the_base_without_a_table_gives_exactly_one_rule_change(
    planted_reports: dict[str, list[dict[str, Any]]],
) -> None:
    rules = [c for c in planted_reports["base without a table"] if c["kind"] == "rule"]
    assert [(c["operation"], c["where"], c["what"]) for c in rules] == [
        ("document", "call-state rules", "now a table (x-call-state-rules)")
    ]


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

#: The current document's version, and the next minor and major ones.
VERSION = str(doc.load()["info"]["version"])
_MAJOR, _MINOR, _ = (int(part) for part in VERSION.split("."))
NEXT_MINOR = f"{_MAJOR}.{_MINOR + 1}.0"
NEXT_MAJOR = f"{_MAJOR + 1}.0.0"


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
    _change(scratch_repo, add_required_field, NEXT_MINOR, changelog=True)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert f"need a major version ({VERSION} -> {NEXT_MAJOR}, not {NEXT_MINOR})" in result.stdout
    assert f"{LISTEN}  request body silentMode: made required" in result.stdout


def test_gate_passes_the_breaking_change_with_a_major_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_required_field, NEXT_MAJOR, changelog=True)
    result = version_gate()
    assert result.returncode == 0, result.stdout
    assert "version gate: passed" in result.stdout


def test_gate_fails_any_change_without_a_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_optional_field, None, changelog=False)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert f"info.version is still {VERSION}" in result.stdout
    assert f"bump it to {NEXT_MINOR}" in result.stdout


def test_gate_passes_a_compatible_change_with_a_minor_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_optional_field, NEXT_MINOR, changelog=True)
    assert version_gate().returncode == 0


def test_gate_fails_a_call_state_rule_removed_without_a_major_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, remove_rule_from_operation, NEXT_MINOR, changelog=True)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert f"need a major version ({VERSION} -> {NEXT_MAJOR}, not {NEXT_MINOR})" in result.stdout
    assert f"{WHISPER}  {CALL_RINGING}: removed" in result.stdout


def test_gate_passes_a_call_state_message_changed_with_a_minor_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, change_rule_message, NEXT_MINOR, changelog=True)
    result = version_gate()
    assert result.returncode == 0, result.stdout
    assert f"{LISTEN}  {CALL_RINGING}: message changed" in result.stdout


def test_gate_fails_a_version_without_a_changelog_entry(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_optional_field, NEXT_MINOR, changelog=False)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert f"CHANGELOG.md has no entry for {NEXT_MINOR}" in result.stdout
