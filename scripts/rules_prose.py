"""Each operation's "Call-state rules" paragraph, generated from the ``x-call-state-rules`` table.

    from scripts.rules_prose import rewrite
    new_text = rewrite(document_text)   # the document with every paragraph regenerated

The table (``mock_server.model.rules``) is the single statement of the call-state rules;
the paragraph in each operation's ``description`` says the same thing in words, so that
a reader of the document (and of the generated clients, whose docstrings are the
descriptions) sees the rules where the operation is described. ``make generate`` rewrites
the paragraphs (``scripts/generate_client.py``), ``make check-generated`` fails when one
disagrees with the table.

The rewrite works on the document's text, not on a re-dumped YAML: the lines of each
paragraph (from the line that starts "Call-state rules" to the next blank line or the end of
the description) are replaced, every other byte of the file stays as it was. An operation
whose description has no such paragraph gets one at the end of its description.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import yaml

from mock_server.documents.facts import resolve
from mock_server.model.rules import EXTENSION, OPERATIONS, RuleTable

__all__ = [
    "GLUE",
    "HEAD",
    "WIDTH",
    "ProseError",
    "normalized",
    "paragraph",
    "paragraph_of",
    "paragraphs",
    "rewrite",
    "supervisor_field",
    "wrap",
]

#: The first words of the paragraph in a description: where it starts.
HEAD: Final = "Call-state rules"
#: The document's line width (indentation included).
WIDTH: Final = 92
_INTRO: Final = f"{HEAD} ({EXTENSION}; checked in this order, the first unmet one answers):"
_METHODS: Final = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
#: A word that, at the start of a line, would open a Markdown block (a list item, a heading,
#: a quote, a thematic break or setext underline): never left to start a line.
_BLOCK_MARKER: Final = re.compile(r"(?:[-+*>]|#{1,6}|\d{1,9}[.)]|-{2,}|={2,})")
#: A literal block's header after the key: ``|`` with optional chomping, maybe a comment.
_LITERAL_HEADER: Final = re.compile(r"\|[-+]?[ \t]*(?:#.*)?")
_Loader: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Joins two words that :func:`wrap` keeps on one line (it writes a space).
GLUE: Final = "\x00"


class ProseError(ValueError):
    """The document cannot be given its paragraphs; the message names the operation."""


def _operations(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every operation by operationId."""
    found: dict[str, Mapping[str, Any]] = {}
    for item in (document.get("paths") or {}).values():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, Mapping) else None
            if isinstance(operation, Mapping) and "operationId" in operation:
                found[str(operation["operationId"])] = operation
    return found


def supervisor_field(document: Mapping[str, Any], operation_id: str) -> str:
    """The operation's supervisor field: its request schema's required field other than
    ``agentNumber``."""
    operation = _operations(document).get(operation_id)
    if operation is None:
        raise ProseError(f"{operation_id}: no operation with this operationId in the document")
    body = resolve(document, operation.get("requestBody"))
    schema = resolve(
        document,
        ((body or {}).get("content") or {}).get("application/json", {}).get("schema"),
    )
    required = [str(name) for name in (schema or {}).get("required", [])]
    others = [name for name in required if name != "agentNumber"]
    if "agentNumber" not in required or len(others) != 1:
        raise ProseError(
            f"{operation_id}: the request schema must require agentNumber and one supervisor "
            f"field, not {required}"
        )
    return others[0]


def _requires(text: str, field: str) -> str:
    """``requires`` with its placeholders said in words (``{field}`` is the field's name)."""
    words = {
        "field": field,
        "supervisor": "the supervisor",
        "agent": "the agent",
        "call": "the agent's call",
        "own": "the supervisor's own call",
        "monitored": "the call the supervisor monitors",
        "monitor": "the supervisor monitoring the agent's call",
    }
    return text.format_map(words)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def paragraph(table: RuleTable, operation_id: str, field: str, *, glued: bool = False) -> str:
    """The paragraph of ``operation_id`` (whose supervisor field is ``field``), unwrapped;
    ``glued``: with ``GLUE`` between the words :func:`wrap` keeps together."""
    rules = table.of(operation_id)
    effect = table.effects[operation_id]
    if not rules:
        text = f"{HEAD} ({EXTENSION}): none refuses this operation; {_sentence(effect.says)}"
    else:
        items = "; ".join(
            f"{number}. {_requires(rule.requires, field)} ({rule.status},{GLUE}`{rule.code}`)"
            for number, rule in enumerate(rules, start=1)
        )
        text = f"{_INTRO} {items}. When all hold: {_sentence(effect.says)}"
    return text if glued else text.replace(GLUE, " ")


def paragraphs(document: Mapping[str, Any], *, glued: bool = False) -> dict[str, str]:
    """Every operation's paragraph (unwrapped) from the document's own table."""
    if EXTENSION not in document:
        raise ProseError(f"the document has no {EXTENSION} table")
    table = RuleTable.from_data(document[EXTENSION])
    return {
        operation_id: paragraph(
            table, operation_id, supervisor_field(document, operation_id), glued=glued
        )
        for operation_id in OPERATIONS
    }


def wrap(text: str, indent: str, width: int = WIDTH) -> list[str]:
    """``text`` as lines of at most ``width`` columns (a longer word stands alone), each
    starting with ``indent``. No line starts with a word that would open a Markdown block
    (such as ``2.``): it stays at the end of the line before. Words joined by ``GLUE`` stay
    on one line, joined by a space."""
    units: list[str] = []
    for word in text.split():
        if units and _BLOCK_MARKER.fullmatch(word):
            units[-1] += f" {word}"
        else:
            units.append(word)
    lines: list[str] = []
    line = ""
    for unit in (u.replace(GLUE, " ") for u in units):
        if line and len(indent) + len(line) + 1 + len(unit) > width:
            lines.append(indent + line)
            line = unit
        else:
            line = f"{line} {unit}" if line else unit
    if line:
        lines.append(indent + line)
    return lines


def normalized(text: str) -> str:
    """``text`` with every run of whitespace one space: a paragraph however it is wrapped."""
    return " ".join(text.split())


def paragraph_of(description: str) -> str | None:
    """The "Call-state rules" paragraph of a (parsed) description, whitespace normalized."""
    lines = description.splitlines()
    for start, line in enumerate(lines):
        if line.lstrip().startswith(HEAD):
            end = start
            while end < len(lines) and lines[end].strip():
                end += 1
            return normalized(" ".join(lines[start:end]))
    return None


def _description_nodes(root: yaml.Node | None) -> dict[str, yaml.ScalarNode]:
    """Each operation's ``description`` node (with its position in the text) by operationId."""
    found: dict[str, yaml.ScalarNode] = {}

    def value(mapping: yaml.Node | None, key: str) -> yaml.Node | None:
        if isinstance(mapping, yaml.MappingNode):
            for key_node, value_node in mapping.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                    return value_node if isinstance(value_node, yaml.Node) else None
        return None

    paths = value(root, "paths")
    if not isinstance(paths, yaml.MappingNode):
        return found
    for _, item in paths.value:
        for method in _METHODS:
            operation = value(item, method)
            operation_id = value(operation, "operationId")
            description = value(operation, "description")
            if isinstance(operation_id, yaml.ScalarNode) and isinstance(
                description, yaml.ScalarNode
            ):
                found[str(operation_id.value)] = description
    return found


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _replacement(
    lines: list[str], node: yaml.ScalarNode, operation_id: str, text: str, newline: str
) -> tuple[int, int, list[str]]:
    """(first line, line after the last, new lines) of the paragraph in ``node``'s block."""
    header_line = node.start_mark.line
    header = lines[header_line][node.start_mark.column :].rstrip("\r\n")
    if node.style != "|" or not _LITERAL_HEADER.fullmatch(header):
        raise ProseError(
            f"{operation_id}: its description must be a literal block (`description: |`) "
            f"for its {HEAD} paragraph to be generated"
        )
    first = header_line + 1
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first >= len(lines) or _indentation(lines[first]) <= _indentation(lines[header_line]):
        raise ProseError(f"{operation_id}: its description is empty")
    indent = lines[first][: _indentation(lines[first])]
    end = first  # one past the block's last non-blank line
    for number in range(first, len(lines)):
        if lines[number].strip():
            if _indentation(lines[number]) < len(indent):
                break
            end = number + 1
    new = [line + newline for line in wrap(text, indent)]
    for start in range(first, end):
        if lines[start].strip() and lines[start][len(indent) :].startswith(HEAD):
            stop = start
            while stop < end and lines[stop].strip():
                stop += 1
            return start, stop, new
    return end, end, [newline, *new]


def rewrite(text: str) -> str:
    """``text`` (the document) with every operation's paragraph generated from its table."""
    document = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    if not isinstance(document, Mapping):
        raise ProseError("the document is not a mapping")
    wanted = paragraphs(document, glued=True)
    nodes = _description_nodes(yaml.compose(text, Loader=_Loader))
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    edits = []
    for operation_id, wanted_text in wanted.items():
        node = nodes.get(operation_id)
        if node is None:
            raise ProseError(f"{operation_id}: the operation has no description")
        edits.append(_replacement(lines, node, operation_id, wanted_text, newline))
    for start, stop, new in sorted(edits, reverse=True):
        lines[start:stop] = new
    return "".join(lines)
