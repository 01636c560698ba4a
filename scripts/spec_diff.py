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
* an operation's "Call-state rules:" paragraph changed is breaking: it is prose no tool can
  read, and a tightened rule refuses calls that used to succeed.

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

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = Path("openapi/call-monitor.yaml")
CHANGELOG = Path("CHANGELOG.md")
BRIDGE = ROOT / "scripts" / "api_smart_diff.mjs"

_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
_ERROR_CODE = re.compile(r"`([0-9]{5})`")
_CALL_STATE_RULES = re.compile(r"Call-state rules:(.*?)(?:\n\s*\n|\Z)", re.DOTALL)
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
    each one already appears at every operation that uses the component.
    """
    changes: list[Change] = []
    for raw in raws:
        if raw["path"][:1] == ["components"]:
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


def _call_state_rules(operation: Mapping[str, Any]) -> str | None:
    match = _CALL_STATE_RULES.search(str(operation.get("description", "")))
    return " ".join(match.group(1).split()) if match else None


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
        old_rules, new_rules = _call_state_rules(old), _call_state_rules(new)
        if old_rules != new_rules:
            why = "prose no tool can compare; a tightened rule refuses calls that succeeded"
            what = f"changed from {_fmt(old_rules)} to {_fmt(new_rules)}"
            changes.append(Change(True, "rule", name, "call-state rules", what, why))
    return changes


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
