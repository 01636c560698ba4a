"""What changed in the OpenAPI document, and whether it breaks clients; and the version gate.

    python scripts/spec_diff.py --base main              # report; exit 1 when a change breaks
    python scripts/spec_diff.py --base-file old.yaml --head-file new.yaml
    python scripts/spec_diff.py --gate                   # the version gate of `make test`

The structural diff is api-smart-diff's (npm, through scripts/api_smart_diff.mjs): it
resolves every ``$ref``, names each change by operation and field and classifies it. Chosen
over npm ``openapi-diff``, which classifies as well but names a changed body only as "the
request body schema" (no field) and needs seconds per run; oasdiff is a Go program that
cannot be installed here. On top of it, the rules only this project knows:

* a request field removed is breaking: the document rejects unknown body fields
  (``additionalProperties: false``), so a client still sending it is refused;
* an error code added to an operation's response (a backticked five-digit code such as
  `40906` in the response's description) is breaking: it is a new refusal, so a call that
  succeeded may now fail; one removed is not;
* the call-state rules are compared as the table they are (``x-call-state-rules``, read by
  ``mock_server.model.rules``), operation by operation, each precondition named by the
  condition it refuses: one added to an operation (a new refusal), removed from it (a request
  it refused now gets another answer), its status, code or field changed, or its place in
  the order of checks changed (another refusal answers first) is breaking; its message or
  its ``requires`` prose changed is not. An operation's effect or mode changed is breaking,
  the words saying it (``says``) are not. The "Call-state rules" paragraphs are generated
  from the table (``scripts/rules_prose.py``), so they are not compared; a base document
  without the table (before 1.1.0) gives one non-breaking change, and no rule is compared.

The gate (``--gate``) compares the working tree's document with the one at the merge base
with ``main``: any change needs a bump of ``info.version``, a breaking one a major bump, and
CHANGELOG.md needs an entry for the document's version. (That both client distributions carry
the document's version is `make check-generated`'s job.)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

# This file runs as a script, so its own folder is on the path, not the repository root (the
# editable install already puts it there; this keeps the script working without it).
sys.path.append(str(Path(__file__).resolve().parent.parent))

from mock_server.model.rules import EXTENSION, OPERATIONS, Precondition, RulesError, RuleTable

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = Path("openapi/call-monitor.yaml")
CHANGELOG = Path("CHANGELOG.md")
BRIDGE = ROOT / "scripts" / "api_smart_diff.mjs"

_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
_ERROR_CODE = re.compile(r"`([0-9]{5})`")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$")
_SCHEMA_WRAPPERS = {"content", "application/json", "schema", "properties"}


@dataclass(frozen=True)
class Change:
    """One change between two documents."""

    breaking: bool
    kind: str  # api-smart-diff's class (breaking, non-breaking, annotation, ...) or "rule"
    operation: str  # "POST /openapi/v1/call/listen", or "document"
    where: str  # "request body actionId.maxLength", "response 409 error codes", ...
    what: str  # what changed
    why: str = ""  # for a rule of this project: why it is classed so

    def line(self) -> str:
        label = "BREAKING" if self.breaking else self.kind
        text = f"{label:<13} {self.operation}  {self.where}: {self.what}"
        return f"{text}  [{self.why}]" if self.why else text


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s until a node that is not a reference."""
    seen = 0
    while isinstance(node, Mapping) and "$ref" in node and seen < 50:
        target: Any = document
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node, seen = target, seen + 1
    return node


def _at(document: Mapping[str, Any], parts: Sequence[str]) -> Any:
    """The node at ``parts``, following ``$ref``s on the way (None when absent)."""
    node: Any = document
    for part in parts:
        node = _resolve(document, node)
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return _resolve(document, node)


def operations(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every operation by "METHOD /path"."""
    found: dict[str, Mapping[str, Any]] = {}
    for path, item in (document.get("paths") or {}).items():
        for method in _METHODS:
            if method in item:
                found[f"{method.upper()} {path}"] = item[method]
    return found


def _fmt(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not None else "…"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(raw: Mapping[str, Any]) -> tuple[str, str, str]:
    """(operation, where, what) for one api-smart-diff change."""
    path: list[str] = list(raw["path"])
    action = str(raw["action"])
    if len(path) >= 3 and path[0] == "paths":
        operation, rest = f"{path[2].upper()} {path[1]}", path[3:]
    else:
        operation, rest = "document", path
    if rest[:1] == ["requestBody"]:
        section, rest = "request body", rest[1:]
    elif rest[:1] == ["responses"] and len(rest) > 1:
        section, rest = f"response {rest[1]}", rest[2:]
    else:
        section = ""
    fields = [p for p in rest if p not in _SCHEMA_WRAPPERS]
    if len(fields) >= 2 and fields[-2] == "required" and fields[-1].isdigit():
        name = raw["after"] if action == "add" else raw["before"]
        where = " ".join(filter(None, [section, ".".join([*fields[:-2], str(name)])]))
        return operation, where, "made required" if action == "add" else "made optional"
    where = " ".join(filter(None, [section, ".".join(fields)])) or (
        "operation" if operation != "document" else "(whole)"
    )
    if action == "replace":
        what = f"changed from {_fmt(raw['before'])} to {_fmt(raw['after'])}"
    elif action == "add":
        what = "added" + (f" ({_fmt(raw['after'])})" if raw.get("after") is not None else "")
    elif action == "remove":
        what = "removed"
    else:
        what = action
    return operation, where, what


def _request_field_removed(before: Mapping[str, Any], raw: Mapping[str, Any]) -> bool:
    path: list[str] = list(raw["path"])
    if raw["action"] != "remove" or "requestBody" not in path or len(path) < 2:
        return False
    if path[-2] != "properties":
        return False
    parent = _at(before, path[:-2])
    return isinstance(parent, Mapping) and parent.get("additionalProperties") is False


def _api_smart_diff(pairs: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> list[Any]:
    """api-smart-diff's raw changes for each (before, after) pair, in one node process."""
    payload = json.dumps({"pairs": pairs}, ensure_ascii=False)
    result = subprocess.run(
        ["node", str(BRIDGE)],
        input=payload,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise SystemExit(f"api-smart-diff failed (run `make setup`?):\n{result.stderr}")
    answers: list[Any] = json.loads(result.stdout)
    return answers


def library_changes(before: Mapping[str, Any], raws: Iterable[Mapping[str, Any]]) -> list[Change]:
    """api-smart-diff's changes under ``paths`` and the document's metadata, deduplicated.

    Changes under ``components`` are left out: api-smart-diff resolves every ``$ref``, so
    each one already appears at every operation that uses the component. So are those under
    ``x-call-state-rules``: :func:`call_state_rule_changes` names and classes them.
    """
    changes: list[Change] = []
    for raw in raws:
        if raw["path"][:1] in (["components"], [EXTENSION]):
            continue
        operation, where, what = _describe(raw)
        if _request_field_removed(before, raw):
            why = "unknown body fields are rejected, so a client still sending it is refused"
            changes.append(Change(True, "rule", operation, where, what, why))
        else:
            kind = str(raw["type"])
            changes.append(Change(kind == "breaking", kind, operation, where, what))
    return _unique(changes)


def _error_codes(document: Mapping[str, Any], operation: Mapping[str, Any]) -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    for status, response in (operation.get("responses") or {}).items():
        resolved = _resolve(document, response)
        text = str(resolved.get("description", "")) if isinstance(resolved, Mapping) else ""
        codes[str(status)] = set(_ERROR_CODE.findall(text))
    return codes


def _operation_names(*documents: Mapping[str, Any]) -> dict[str, str]:
    """operationId -> "METHOD /path", from the first document that has the operation."""
    names: dict[str, str] = {}
    for document in reversed(documents):
        for name, operation in operations(document).items():
            if "operationId" in operation:
                names[str(operation["operationId"])] = name
    return names


def _keyed(rules: Iterable[Precondition]) -> dict[str, Precondition]:
    """An operation's preconditions by the condition each refuses (``#2`` on a repeat)."""
    keyed: dict[str, Precondition] = {}
    for rule in rules:
        key, n = rule.refuses, 1
        while key in keyed:
            n += 1
            key = f"{rule.refuses}#{n}"
        keyed[key] = rule
    return keyed


def _common_order(old: Sequence[str], new: Sequence[str]) -> set[str]:
    """The rules that kept their order: a longest common subsequence of the two orders."""
    lengths = [[0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i in range(len(old) - 1, -1, -1):
        for j in range(len(new) - 1, -1, -1):
            lengths[i][j] = (
                lengths[i + 1][j + 1] + 1
                if old[i] == new[j]
                else max(lengths[i + 1][j], lengths[i][j + 1])
            )
    kept: set[str] = set()
    i = j = 0
    while i < len(old) and j < len(new):
        if old[i] == new[j]:
            kept.add(old[i])
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _rule(key: str, rule: Precondition) -> str:
    return f"call-state rule {key} ({rule.status} {rule.code})"


def _effect(table: RuleTable, operation: str) -> str:
    effect = table.effects[operation]
    return f"{effect.effect} (mode {effect.mode})" if effect.mode else effect.effect


def _table(document: Mapping[str, Any], side: str) -> RuleTable | Change:
    try:
        return RuleTable.from_data(document[EXTENSION])
    except RulesError as error:
        why = "the rules cannot be compared; the mock refuses to start on such a table"
        return Change(True, "rule", "document", "call-state rules", f"{side}: {error}", why)


def _operation_rule_changes(
    name: str, operation: str, old: RuleTable, new: RuleTable
) -> list[Change]:
    """The changes of one operation's preconditions and effect (``name``: "METHOD /path")."""
    changes: list[Change] = []

    def add(breaking: bool, where: str, what: str, why: str) -> None:
        changes.append(Change(breaking, "rule", name, where, what, why))

    was, now = _keyed(old.of(operation)), _keyed(new.of(operation))
    for key, rule in was.items():
        if key not in now:
            why = "a request it refused gets another answer now: behaviour a client may test for"
            add(True, _rule(key, rule), "removed", why)
    for key, rule in now.items():
        if key not in was:
            add(
                True, _rule(key, rule), "added", "a new refusal: a call that succeeded may now fail"
            )
    common_old = [key for key in was if key in now]
    common_new = [key for key in now if key in was]
    kept = _common_order(common_old, common_new)
    old_places = {key: place for place, key in enumerate(was, start=1)}
    new_places = {key: place for place, key in enumerate(now, start=1)}
    for key in common_new:
        before, after = was[key], now[key]
        where = _rule(key, before)
        for attribute in ("status", "code", "field"):
            old_value, new_value = getattr(before, attribute), getattr(after, attribute)
            if old_value != new_value:
                what = f"{attribute} changed from {_fmt(old_value)} to {_fmt(new_value)}"
                add(True, where, what, "the refusal answers differently")
        if key not in kept:
            what = (
                f"moved: checked {_ordinal(new_places[key])} of the operation's rules, "
                f"was {_ordinal(old_places[key])}"
            )
            add(True, where, what, "a request more than one rule refuses gets another answer")
        for attribute in ("message", "requires"):
            old_value, new_value = getattr(before, attribute), getattr(after, attribute)
            if old_value != new_value:
                what = f"{attribute} changed from {_fmt(old_value, 200)} to {_fmt(new_value, 200)}"
                add(False, where, what, "words only: the same requests are refused, alike")
    old_effect, new_effect = _effect(old, operation), _effect(new, operation)
    if old_effect != new_effect:
        what = f"changed from {old_effect} to {new_effect}"
        add(True, "call-state effect", what, "an accepted call does something else")
    old_says, new_says = old.effects[operation].says, new.effects[operation].says
    if old_says != new_says:
        what = f"says changed from {_fmt(old_says, 200)} to {_fmt(new_says, 200)}"
        add(False, "call-state effect", what, "words only: the effect is the same")
    return changes


def call_state_rule_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """The call-state rules' changes, compared as tables (``x-call-state-rules``)."""
    if EXTENSION not in before and EXTENSION not in after:
        return []
    if EXTENSION not in before:
        why = "the paragraphs are generated from it; the rules are compared from now on"
        return [
            Change(False, "rule", "document", "call-state rules", f"now a table ({EXTENSION})", why)
        ]
    if EXTENSION not in after:
        why = "the rules can no longer be compared, and may have changed"
        return [Change(True, "rule", "document", "call-state rules", f"{EXTENSION} removed", why)]
    old, new = _table(before, "base"), _table(after, "head")
    if isinstance(new, Change):
        return [new]
    if isinstance(old, Change):
        return [old]
    names = _operation_names(after, before)
    changes: list[Change] = []
    for operation in OPERATIONS:
        name = names.get(operation, operation)
        changes += _operation_rule_changes(name, operation, old, new)
    return changes


def rule_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """The changes only this project's conventions reveal: error codes, call-state rules."""
    changes: list[Change] = []
    old_operations, new_operations = operations(before), operations(after)
    for name in sorted(old_operations.keys() & new_operations.keys()):
        old, new = old_operations[name], new_operations[name]
        old_codes, new_codes = _error_codes(before, old), _error_codes(after, new)
        for status in sorted(old_codes.keys() | new_codes.keys()):
            was, now = old_codes.get(status, set()), new_codes.get(status, set())
            for code in sorted(now - was):
                why = "a new refusal: a call that succeeded may now fail with it"
                changes.append(
                    Change(
                        True, "rule", name, f"response {status} error codes", f"{code} added", why
                    )
                )
            for code in sorted(was - now):
                why = "the server no longer refuses with it"
                changes.append(
                    Change(
                        False,
                        "rule",
                        name,
                        f"response {status} error codes",
                        f"{code} removed",
                        why,
                    )
                )
    return [*changes, *call_state_rule_changes(before, after)]


def _unique(changes: Iterable[Change]) -> list[Change]:
    seen: set[tuple[str, str, str]] = set()
    unique: list[Change] = []
    for change in changes:
        key = (change.operation, change.where, change.what)
        if key not in seen:
            seen.add(key)
            unique.append(change)
    return unique


def compare_many(
    pairs: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> list[list[Change]]:
    """:func:`compare` for each pair, with a single node process."""
    results = []
    for (before, after), raws in zip(pairs, _api_smart_diff(pairs), strict=True):
        changes = _unique([*library_changes(before, raws), *rule_changes(before, after)])
        results.append(sorted(changes, key=lambda c: (not c.breaking, c.operation)))
    return results


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every change from ``before`` to ``after``, breaking ones first."""
    return compare_many([(before, after)])[0]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when there: 10x faster


def load_file(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_Loader)  # noqa: S506 - a safe loader
    return document


def load_at(ref: str, root: Path, document: Path = DOCUMENT) -> dict[str, Any]:
    """The document as committed at ``ref``."""
    result = subprocess.run(
        ["git", "show", f"{ref}:{document.as_posix()}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"spec-diff: cannot read {document} at {ref!r}: {result.stderr.strip()}")
    loaded: dict[str, Any] = yaml.load(result.stdout, Loader=_Loader)  # noqa: S506 - a safe loader
    return loaded


def report(changes: Sequence[Change], base: str, head: str) -> str:
    breaking = sum(c.breaking for c in changes)
    lines = [f"spec-diff: {base} -> {head}"]
    lines += [f"  {change.line()}" for change in changes]
    lines.append(f"{len(changes)} change(s), {breaking} breaking")
    return "\n".join(lines)


def _semver(text: str) -> tuple[int, int, int] | None:
    match = _SEMVER.match(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def gate(root: Path, against: str) -> tuple[bool, str]:
    """The version gate: (passed, what to tell the developer)."""
    merge_base = subprocess.run(
        ["git", "merge-base", "HEAD", against],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if merge_base.returncode != 0:
        return True, (
            f"version gate: skipped, no merge base with {against!r} in this clone "
            f"(fetch it: git fetch origin {against}:{against})"
        )
    base_ref = merge_base.stdout.strip()
    before, after = load_at(base_ref, root), load_file(root / DOCUMENT)
    old, new = str(before["info"]["version"]), str(after["info"]["version"])
    problems: list[str] = []
    old_v, new_v = _semver(old), _semver(new)
    if new_v is None:
        problems.append(f"info.version {new!r} is not a semantic version (MAJOR.MINOR.PATCH)")
    changelog = root / CHANGELOG
    entries = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    if not re.search(rf"^## \[?{re.escape(new)}\]?(\s|$)", entries, re.MULTILINE):
        problems.append(
            f"{CHANGELOG} has no entry for {new}: add a '## {new}' section saying what changed"
        )
    changes = compare(before, after) if before != after else []
    breaking = [c for c in changes if c.breaking]
    if before != after and old_v is not None and new_v is not None:
        if new_v <= old_v:
            bump = (
                f"{old_v[0] + 1}.0.0"
                if breaking
                else f"{old_v[0]}.{old_v[1] + 1}.0 (or a patch bump)"
            )
            problems.append(
                f"{DOCUMENT} changed since {against} ({base_ref[:12]}) but info.version is still "
                f"{new} (was {old}): bump it to {bump} and add a CHANGELOG.md entry"
            )
        elif breaking and new_v[0] <= old_v[0]:
            listed = "\n".join(f"    {c.line()}" for c in breaking)
            problems.append(
                f"{len(breaking)} breaking change(s) since {against} need a major version "
                f"({old} -> {old_v[0] + 1}.0.0, not {new}), or undo them:\n{listed}"
            )
    head = f"working tree ({new})"
    summary = report(changes, f"{against} merge base {base_ref[:12]} ({old})", head)
    if problems:
        return False, summary + "\n\nversion gate FAILED:\n" + "\n".join(
            f"  - {p}" for p in problems
        )
    return True, summary + "\nversion gate: passed"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", metavar="REF", help="git ref of the old document")
    parser.add_argument("--base-file", type=Path, metavar="PATH", help="the old document")
    parser.add_argument(
        "--head-file", type=Path, metavar="PATH", help=f"the new document (default {DOCUMENT})"
    )
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")
    parser.add_argument("--gate", action="store_true", help="run the version gate")
    parser.add_argument("--against", default="main", help="the gate's branch (default main)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository")
    args = parser.parse_args(argv)

    if args.gate:
        passed, message = gate(args.root, args.against)
        print(message)
        return 0 if passed else 1
    if (args.base is None) == (args.base_file is None):
        parser.error("give exactly one of --base REF and --base-file PATH")
    before = load_file(args.base_file) if args.base_file else load_at(args.base, args.root)
    head_file = args.head_file or args.root / DOCUMENT
    changes = compare(before, load_file(head_file))
    if args.json:
        print(json.dumps([asdict(c) for c in changes], ensure_ascii=False, indent=2))
    else:
        print(report(changes, str(args.base or args.base_file), str(head_file)))
    return 1 if any(c.breaking for c in changes) else 0


if __name__ == "__main__":
    sys.exit(main())
