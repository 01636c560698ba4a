"""The call-state rules table (``x-call-state-rules``) and the prose generated from it.

The table is the one statement of the rules; each operation's "Call-state rules" paragraph
must be exactly the one ``scripts/rules_prose.py`` generates from it (``make generate``), a
broken table is refused naming the entry at fault, and every code the table answers with is
documented where clients read about codes.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest

from mock_server.model.rules import EXTENSION, OPERATIONS, RulesError, RuleTable
from scripts.rules_prose import (
    GLUE,
    HEAD,
    WIDTH,
    normalized,
    paragraph,
    paragraph_of,
    paragraphs,
    rewrite,
    supervisor_field,
    wrap,
)
from tests.support import document as doc

SUPERVISOR_FIELDS = {
    "listen": "listenAgent",
    "hangupChannel": "hangupAgent",
    "lootCall": "lootCallAgent",
    "whisper": "whisperAgent",
    "pickupChannel": "pickupAgent",
}


def _table() -> RuleTable:
    return RuleTable.from_data(doc.load()[EXTENSION])


def _description(operation_id: str) -> str:
    for _, _, operation in doc.operations():
        if operation["operationId"] == operation_id:
            return str(operation["description"])
    raise AssertionError(f"no operation {operation_id}")


def test_the_table_parses_and_covers_the_five_operations() -> None:
    table = _table()
    assert set(table.effects) == set(OPERATIONS) == set(doc.OPERATIONS)
    for operation_id in OPERATIONS:
        assert table.of(operation_id), f"{operation_id} has no precondition"


@pytest.mark.parametrize("operation_id", doc.OPERATIONS)
def test_each_paragraph_is_the_one_the_table_generates(operation_id: str) -> None:
    field = supervisor_field(doc.load(), operation_id)
    assert field == SUPERVISOR_FIELDS[operation_id]
    expected = paragraph(_table(), operation_id, field)
    assert paragraph_of(_description(operation_id)) == normalized(expected), (
        "the paragraph is not the table's: run `make generate`"
    )
    assert expected.count(f"`{field}`") >= 1


def test_the_document_is_byte_identical_to_its_rewrite() -> None:
    """The paragraphs are wrapped as the generator wraps them, nothing else would change."""
    text = doc.CALL_MONITOR.read_bytes().decode("utf-8")
    assert rewrite(text) == text, "the document's paragraphs are stale: run `make generate`"


def test_the_listen_paragraph_lists_the_rules_in_order() -> None:
    text = paragraphs(doc.load())["listen"]
    assert text.startswith(
        f"{HEAD} ({EXTENSION}; checked in this order, the first unmet one answers): "
        "1. `listenAgent` and `agentNumber` are two different agents (400, `40001`); "
        "2. `listenAgent` is a known agent (404, `40401`); "
    )
    numbers = [int(n) for n in re.findall(r"(?:^|; |: )(\d+)\. ", text)]
    assert numbers == list(range(1, len(_table().of("listen")) + 1))
    assert text.endswith(f"When all hold: {_table().effects['listen'].says}.")


def _plant_edit(text: str) -> str:
    edited = text.replace("When all hold:", "When everything holds:", 1)
    assert edited != text
    return edited


def _plant_removal(text: str) -> str:
    """The whisper operation's paragraph deleted (with the blank line before it)."""
    lines = text.splitlines(keepends=True)
    start = next(
        i
        for i, line in enumerate(lines)
        if line.lstrip().startswith(HEAD) and "`whisperAgent`" in "".join(lines[i : i + 3])
    )
    indent = len(lines[start]) - len(lines[start].lstrip())
    stop = start
    while lines[stop].strip() and lines[stop].startswith(" " * indent):
        stop += 1
    assert not lines[start - 1].strip()
    del lines[start - 1 : stop]
    return "".join(lines)


def _plant_table_change(text: str) -> str:
    """call-ringing no longer refuses whisper: the whisper paragraph loses that rule."""
    old = "      operations: [listen, whisper, lootCall]\n      requires: the agent's call is"
    assert text.count(old) == 1
    return text.replace(old, old.replace("whisper, ", ""))


@pytest.mark.parametrize(
    "plant", [_plant_edit, _plant_removal], ids=["paragraph edited", "paragraph removed"]
)
def test_rewrite_restores_the_document_byte_for_byte(plant: Callable[[str], str]) -> None:
    text = doc.CALL_MONITOR.read_bytes().decode("utf-8")
    planted = plant(text)
    assert planted != text
    assert rewrite(planted) == text


def test_rewrite_follows_a_table_change_and_touches_only_that_paragraph() -> None:
    text = doc.CALL_MONITOR.read_bytes().decode("utf-8")
    planted = _plant_table_change(text)
    before, whisper, after = _split(planted, "operationId: whisper", "operationId: pickupChannel")
    new_before, new_whisper, new_after = _split(
        rewrite(planted), "operationId: whisper", "operationId: pickupChannel"
    )
    assert (new_before, new_after) == (before, after)
    assert "(409, `40904`)" in whisper
    assert "(409, `40904`)" not in new_whisper
    assert "9. no other supervisor monitors the call (409, `40905`)." in normalized(new_whisper)


def _split(text: str, start: str, stop: str) -> tuple[str, str, str]:
    head, rest = text.split(start)
    middle, tail = rest.split(stop)
    return head, middle, tail


_MARKDOWN_BLOCK = re.compile(r"\s*(?:[-+*>#]|\d+[.)])(?:\s|$)")


@pytest.mark.parametrize("operation_id", doc.OPERATIONS)
def test_the_wrapped_paragraph_fits_and_opens_no_markdown_block(operation_id: str) -> None:
    """At the document's width and at every other one, whichever words a line break falls
    between: a line starting "2. ..." would turn the paragraph into a list in a renderer."""
    text = paragraphs(doc.load(), glued=True)[operation_id]
    assert all(len(line) <= WIDTH for line in wrap(text, " " * 8))
    for width in range(40, 121):
        lines = wrap(text, " " * 8, width)
        assert normalized(" ".join(lines)) == normalized(text.replace(GLUE, " "))
        for line in lines:
            assert not _MARKDOWN_BLOCK.match(line), f"width {width}: {line!r}"
            assert len(line) <= width, line  # no word of these is longer than 32


def test_wrap_keeps_a_status_with_its_code() -> None:
    text = paragraphs(doc.load(), glued=True)["listen"]
    for width in range(40, 121):
        assert not any(
            line.endswith(("(400,", "(404,", "(403,", "(409,")) for line in wrap(text, "", width)
        )


# --- a broken table is refused, naming the entry ---

Mutation = Callable[[dict[str, Any]], None]


def _row(table: dict[str, Any], index: int) -> dict[str, Any]:
    row: dict[str, Any] = table["preconditions"][index]
    return row


BROKEN: dict[str, tuple[Mutation, str]] = {
    "unknown condition": (
        lambda t: _row(t, 8).update(refuses="call-on-hold"),
        "x-call-state-rules.preconditions[8].refuses: 'call-on-hold' is none of",
    ),
    "unknown placeholder in a message": (
        lambda t: _row(t, 2).update(message="agentNumber: no agent {caller}"),
        "x-call-state-rules.preconditions[2].message: unknown placeholder(s) caller",
    ),
    "unknown placeholder in requires": (
        lambda t: _row(t, 0).update(requires="`{field}` is not `{agentField}`"),
        "x-call-state-rules.preconditions[0].requires: unknown placeholder(s) agentField",
    ),
    "unknown field": (
        lambda t: _row(t, 7).update(field="customer"),
        "x-call-state-rules.preconditions[7].field: must be supervisor or agentNumber",
    ),
    "unknown operation": (
        lambda t: _row(t, 1)["operations"].append("transfer"),
        "x-call-state-rules.preconditions[1].operations: must list some of",
    ),
    "a format field in a message": (
        lambda t: _row(t, 2).update(message="agentNumber: no agent {agent!r}"),
        "x-call-state-rules.preconditions[2].message: braces only around a placeholder's bare",
    ),
    "doubled braces in a message": (
        lambda t: _row(t, 2).update(message="agentNumber: {{agent}} {agent}"),
        "x-call-state-rules.preconditions[2].message: braces only around a placeholder's bare",
    ),
    "an empty placeholder in requires": (
        lambda t: _row(t, 0).update(requires="`{}` differs"),
        "x-call-state-rules.preconditions[0].requires: braces only around a placeholder's bare",
    ),
    "an operation without the rule that its call exists": (
        lambda t: _row(t, 7)["operations"].remove("hangupChannel"),
        "x-call-state-rules.preconditions: no no-live-call rule for hangupChannel",
    ),
    "a code the journal has no outcome for": (
        lambda t: _row(t, 7).update(code="41003"),
        "x-call-state-rules.preconditions[7].code: 41003 is not an outcome the journal knows",
    ),
    "missing effect": (
        lambda t: t["effects"].pop("whisper"),
        "x-call-state-rules.effects: must name exactly listen, whisper",
    ),
    "effect without its mode": (
        lambda t: t["effects"]["lootCall"].pop("mode"),
        "x-call-state-rules.effects.lootCall.mode:",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_table_is_refused_naming_the_entry(case: str) -> None:
    mutate, message = BROKEN[case]
    table = copy.deepcopy(doc.load()[EXTENSION])
    mutate(table)
    with pytest.raises(RulesError) as refused:
        RuleTable.from_data(table)
    assert message in str(refused.value)


def test_the_generator_refuses_a_broken_table_naming_the_entry() -> None:
    text = doc.CALL_MONITOR.read_bytes().decode("utf-8")
    assert text.count("  - refuses: call-ringing\n") == 1
    broken = text.replace("  - refuses: call-ringing\n", "  - refuses: call-on-hold\n")
    with pytest.raises(RulesError, match=r"preconditions\[8\]\.refuses: 'call-on-hold'"):
        rewrite(broken)


# --- every code the table answers with is documented ---


def _undocumented_codes(document: dict[str, Any]) -> list[str]:
    """The table's codes that ``ErrorEnvelope.code``'s description does not list."""
    schema = document["components"]["schemas"]["ErrorEnvelope"]["properties"]["code"]
    listed = set(re.findall(r"\b\d{5}\b", schema["description"]))
    table = RuleTable.from_data(document[EXTENSION])
    return sorted({rule.code for rule in table.preconditions} - listed)


def _undeclared_rules(document: dict[str, Any]) -> list[str]:
    """The (operation, status, code) of each rule whose operation's response for the status
    does not name the code (backticked, as `make spec-diff` reads error codes)."""
    operations = {
        operation["operationId"]: operation
        for item in document["paths"].values()
        for operation in item.values()
    }
    undeclared = []
    for rule in RuleTable.from_data(document[EXTENSION]).preconditions:
        for operation_id in rule.operations:
            response = operations[operation_id]["responses"].get(str(rule.status), {})
            if "$ref" in response:
                name = response["$ref"].rsplit("/", 1)[-1]
                response = document["components"]["responses"][name]
            if f"`{rule.code}`" not in str(response.get("description", "")):
                undeclared.append(f"{operation_id} {rule.status} {rule.code} ({rule.refuses})")
    return undeclared


def _with_new_rule(status: int, code: str) -> dict[str, Any]:
    """The document with one more precondition answering ``status`` and ``code``."""
    document = copy.deepcopy(doc.load())
    row = {
        **document[EXTENSION]["preconditions"][-1],
        "refuses": "call-ringing",
        "operations": ["hangupChannel"],
        "status": status,
        "code": code,
    }
    document[EXTENSION]["preconditions"].append(row)
    return document


def test_every_code_of_the_table_is_in_the_error_envelopes_code_description() -> None:
    """A new rule cannot be left out of the list of five-digit codes clients read."""
    assert _undocumented_codes(doc.load()) == []
    assert _undocumented_codes(_with_new_rule(409, "40906")) == ["40906"]


def test_every_rule_is_declared_by_its_operations_response_for_its_status() -> None:
    """Each operation a rule refuses names the rule's code in its response for the status."""
    assert _undeclared_rules(doc.load()) == []
    assert _undeclared_rules(_with_new_rule(409, "40906")) == [
        "hangupChannel 409 40906 (call-ringing)"
    ]
    assert _undeclared_rules(_with_new_rule(403, "40904")) == [
        "hangupChannel 403 40904 (call-ringing)"
    ]
