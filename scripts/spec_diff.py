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
  succeeded may now fail; one removed is not; so is a response status added;
* every part of an operation a client sends or receives is compared, where api-smart-diff
  1.0.6 misses or misclasses a kind (each found by a planted change in
  tests/spec/test_spec_diff.py): parameters of every place (path, query, header, cookie) by
  name, security requirements with the schemes they name (a header renamed breaks), and
  response headers are compared here; a schema keyword's change in a body is classed by
  what it does to the values allowed (:data:`_VERDICTS`): one that refuses a value a client
  could send (a request narrowed) or lets through one it was not told of (a response
  widened) is breaking, so ``nullable`` added to a response, an ``enum`` put on a request
  field or a response field's type changed are;
* the call-state rules are compared as the table they are (``x-call-state-rules``, read by
  ``mock_server.model.rules``), operation by operation, each precondition named by the
  condition it refuses: one added to an operation (a new refusal), removed from it (a request
  it refused now gets another answer), its status, code or field changed, or its place in
  the order of checks changed (another refusal answers first) is breaking; its message or
  its ``requires`` prose changed is not. An operation's effect or mode changed is breaking,
  the words saying it (``says``) are not. The "Call-state rules" paragraphs are generated
  from the table (``scripts/rules_prose.py``), so they are not compared; a base document
  without the table (before 1.1.0) gives one non-breaking change, and no rule is compared.

A document that cannot be read or is not YAML gets one line naming the file, line and column
(exit status 2).

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
from collections.abc import Callable, Iterable, Mapping, Sequence
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
_JSON = "application/json"


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
    if rest[:1] == ["content"] and len(rest) >= 2:
        # a media type is named when it is the change, or when it is not the document's JSON
        media, rest = rest[1], rest[3:] if rest[2:3] == ["schema"] else rest[2:]
        if not rest or media != _JSON:
            rest = [media, *rest]
    fields = [p for p in rest if p != "properties"]
    if len(fields) >= 2 and fields[-2] == "required" and fields[-1].isdigit():
        name = raw["after"] if action == "add" else raw["before"]
        where = " ".join(filter(None, [section, ".".join([*fields[:-2], str(name)])]))
        return operation, where, "made required" if action == "add" else "made optional"
    if len(fields) >= 2 and fields[-2] == "enum" and fields[-1].isdigit():
        where = " ".join(filter(None, [section, ".".join(fields[:-1])]))
        value, was = _fmt(raw.get("after")), _fmt(raw.get("before"))
        what = {"add": f"value {value} added", "remove": f"value {was} removed"}.get(
            action, f"value {was} replaced by {value}"
        )
        return operation, where, what
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


# --- a schema keyword's change, classed by the values it lets through ---
#
# Each verdict answers two questions about one keyword's old and new value (None: absent):
# may a value valid before be refused now (it narrows), and may a value refused before be
# valid now (it widens)? A request schema that narrows breaks a client (what it sends may be
# refused); a response schema that widens does (it may receive what it was never told of).

_MAXIMA = ("maxLength", "maximum", "maxItems", "maxProperties")
_MINIMA = ("minLength", "minimum", "minItems", "minProperties")
_FLAGS = ("exclusiveMinimum", "exclusiveMaximum", "uniqueItems")  # true narrows (OpenAPI 3.0)
_EXACT = ("format", "pattern", "multipleOf")  # one added narrows, removed widens
#: Words about a schema, not the values it allows.
_ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "deprecated", "externalDocs", "xml"}
)
_NARROWS_WHY = "a value a client sends may be refused now"
_WIDENS_WHY = "a client may now receive a value it was not told about"


def _types(value: Any) -> set[str] | None:
    if value is None:
        return None  # any type
    return {str(v) for v in value} if isinstance(value, list) else {str(value)}


def _covers(wide: set[str] | None, narrow: set[str] | None) -> bool:
    """Whether every value of the types ``narrow`` is one of the types ``wide``."""
    if wide is None:
        return True
    return narrow is not None and all(
        t in wide or (t == "integer" and "number" in wide) for t in narrow
    )


def _type_verdict(old: Any, new: Any) -> tuple[bool, bool]:
    was, now = _types(old), _types(new)
    return not _covers(now, was), not _covers(was, now)


def _enum_verdict(old: Any, new: Any) -> tuple[bool, bool]:
    if old is None or new is None:
        return old is None, new is None  # an enum added narrows, one removed widens
    was = {json.dumps(v, sort_keys=True) for v in old}
    now = {json.dumps(v, sort_keys=True) for v in new}
    return bool(was - now), bool(now - was)


def _maximum_verdict(old: Any, new: Any) -> tuple[bool, bool]:
    return (
        new is not None and (old is None or new < old),
        old is not None and (new is None or new > old),
    )


def _minimum_verdict(old: Any, new: Any) -> tuple[bool, bool]:
    return (
        new is not None and (old is None or new > old),
        old is not None and (new is None or new < old),
    )


def _flag_verdict(old: Any, new: Any) -> tuple[bool, bool]:
    return bool(new) and not old, bool(old) and not new


def _exact_verdict(old: Any, new: Any) -> tuple[bool, bool]:
    return new is not None, old is not None  # changed: both


def _nullable_verdict(old: Any, new: Any) -> tuple[bool, bool]:
    return bool(old) and not new, bool(new) and not old


def _closed_verdict(old: Any, new: Any) -> tuple[bool, bool]:
    """additionalProperties: only ``false`` refuses unknown properties."""
    return new is False and old is not False, old is False and new is not False


def _required_verdict(old: Any, new: Any) -> tuple[bool, bool]:
    was, now = set(old or ()), set(new or ())
    return bool(now - was), bool(was - now)


_VERDICTS: dict[str, Callable[[Any, Any], tuple[bool, bool]]] = {
    "type": _type_verdict,
    "enum": _enum_verdict,
    "nullable": _nullable_verdict,
    "additionalProperties": _closed_verdict,
    "required": _required_verdict,
    **dict.fromkeys(_MAXIMA, _maximum_verdict),
    **dict.fromkeys(_MINIMA, _minimum_verdict),
    **dict.fromkeys(_FLAGS, _flag_verdict),
    **dict.fromkeys(_EXACT, _exact_verdict),
}


def _verdict(keyword: str, old: Any, new: Any, request: bool) -> tuple[bool, str]:
    """(breaking, why) of one keyword's change in a request's or a response's schema."""
    if keyword not in _VERDICTS:
        return True, "not compared in detail, so counted as breaking"
    narrows, widens = _VERDICTS[keyword](old, new)
    if request:
        return narrows, _NARROWS_WHY if narrows else "every value sent before is still accepted"
    return widens, _WIDENS_WHY if widens else "every value received now was allowed before"


def _keyword_at(path: Sequence[str]) -> tuple[str, list[str]] | None:
    """(keyword, path of its schema) when ``path`` ends at a schema keyword, or an item of one."""
    if len(path) >= 3 and path[-2] in ("enum", "required") and path[-1].isdigit():
        keyword, schema = path[-2], list(path[:-2])
    elif len(path) >= 2:
        keyword, schema = path[-1], list(path[:-1])
    else:
        return None
    if keyword not in _VERDICTS or schema[-1:] == ["properties"] or "schema" not in schema:
        return None
    return keyword, schema


_LIBRARY_CLASSES = ("breaking", "non-breaking")  # the others: annotation, unclassified, ...


def _rule_class(
    before: Mapping[str, Any], after: Mapping[str, Any], raw: Mapping[str, Any]
) -> tuple[bool, str] | None:
    """This project's (breaking, why) for an api-smart-diff change it classes otherwise.

    None when api-smart-diff's class stands. The cases, each found wrong in api-smart-diff
    1.0.6 by a planted change (tests/spec/test_spec_diff.py): a keyword of a request or
    response body's schema, by :data:`_VERDICTS` (missed: a response field's type changed,
    ``nullable`` added to a response or removed from a request, an ``enum`` put on a free
    request field, ``additionalProperties: false`` on a request; and the reverse, called
    breaking: any narrowing of an error response's schema, a response closed to unknown
    fields, the request's echo in the response narrowed); a required request body added to
    an operation; a response status added.
    """
    path: list[str] = list(raw["path"])
    if path[:1] != ["paths"] or len(path) < 4:
        return None
    said = str(raw["type"]) == "breaking" if raw["type"] in _LIBRARY_CLASSES else None
    verdict: tuple[bool, str] | None = None
    adding = raw["action"] == "add"
    keyword = _keyword_at(path)
    if keyword is not None and path[3] in ("requestBody", "responses"):
        name, schema = keyword
        old, new = _at(before, schema), _at(after, schema)
        if isinstance(old, Mapping) and isinstance(new, Mapping) and name != "required":
            verdict = _verdict(name, old.get(name), new.get(name), path[3] == "requestBody")
    elif path[3:] == ["requestBody"] and adding:
        body = _at(after, path)
        if isinstance(body, Mapping) and body.get("required") is True:
            verdict = True, "a required body: a client sending none is refused"
    elif path[3] == "responses" and len(path) == 5 and path[4] != "default" and adding:
        verdict = True, "a new answer: a client may now get a status it does not handle"
    if verdict is None or verdict[0] == said:
        return None
    return verdict


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


def library_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], raws: Iterable[Mapping[str, Any]]
) -> list[Change]:
    """api-smart-diff's changes under ``paths`` and the document's metadata, deduplicated.

    Changes under ``components`` are left out: api-smart-diff resolves every ``$ref``, so
    each one already appears at every operation that uses the component. So are those under
    ``x-call-state-rules``: :func:`call_state_rule_changes` names and classes them; and those
    of parameters, security requirements and response headers, which api-smart-diff names by
    their place in a list or classes wrongly: :func:`operation_changes` compares them.
    """
    changes: list[Change] = []
    for raw in raws:
        if raw["path"][:1] in (["components"], [EXTENSION]) or _compared_here(raw["path"]):
            continue
        operation, where, what = _describe(raw)
        if _request_field_removed(before, raw):
            why = "unknown body fields are rejected, so a client still sending it is refused"
            changes.append(Change(True, "rule", operation, where, what, why))
        elif (ruled := _rule_class(before, after, raw)) is not None:
            changes.append(Change(ruled[0], "rule", operation, where, what, ruled[1]))
        else:
            kind = str(raw["type"])
            changes.append(Change(kind == "breaking", kind, operation, where, what))
    return _unique(changes)


def _compared_here(path: Sequence[str]) -> bool:
    """Whether :func:`operation_changes` compares what is at ``path`` (not api-smart-diff)."""
    if path[:1] == ["security"]:
        return True
    if path[:1] != ["paths"] or len(path) < 3:
        return False
    if path[2] == "parameters":  # the path item's, shared by its operations
        return True
    return len(path) >= 4 and (
        path[3] in ("parameters", "security")
        or (path[3] == "responses" and len(path) >= 6 and path[5] == "headers")
    )


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


# --- parameters, security requirements and response headers, compared here ---
#
# api-smart-diff names a parameter by its index ("parameters.0"), classes a required one added
# (or a whole list of them) as non-breaking and a query parameter's type change likewise; it
# leaves the document's security requirements unclassified, misses an operation's own ones
# and every change of a security scheme (a header renamed); it classes a response header's
# schema changes "unclassified". So these three are compared here, by name.

_Found = tuple[str, str, bool, str]  # where, what, breaking, why


def _schema_changes(
    before: Mapping[str, Any],
    old: Any,
    after: Mapping[str, Any],
    new: Any,
    where: str,
    request: bool,
) -> list[_Found]:
    """A parameter's or a header's schema compared keyword by keyword, its items' too.

    Any other nested schema (an object's ``properties``, ``oneOf``) is compared whole, and a
    change in it counted as breaking: parameters and headers here are scalars or arrays.
    """
    old, new = _resolve(before, old), _resolve(after, new)
    old = old if isinstance(old, Mapping) else {}
    new = new if isinstance(new, Mapping) else {}
    found: list[_Found] = []
    for key in [*old, *(k for k in new if k not in old)]:
        was, now = old.get(key), new.get(key)
        at = f"{where}.{key}"
        if key == "items":
            found += _schema_changes(before, was, after, now, f"{where}.items", request)
        elif was == now or str(key).startswith("x-"):
            continue
        elif key in _ANNOTATIONS:
            found.append((at, _what(was, now), False, ""))
        elif key == "enum" and was is not None and now is not None:
            breaking, why = _verdict(key, was, now, request)
            values = [f"value {_fmt(v)} removed" for v in was if v not in now]
            values += [f"value {_fmt(v)} added" for v in now if v not in was]
            found.append((at, ", ".join(values), breaking, why))
        else:
            breaking, why = _verdict(str(key), was, now, request)
            found.append((at, _what(was, now), breaking, why))
    return found


def _what(was: Any, now: Any) -> str:
    if was is None:
        return f"added ({_fmt(now)})"
    if now is None:
        return f"removed (was {_fmt(was)})"
    return f"changed from {_fmt(was)} to {_fmt(now)}"


def _parameters(
    document: Mapping[str, Any], item: Mapping[str, Any], operation: Mapping[str, Any]
) -> dict[tuple[str, str], Mapping[str, Any]]:
    """An operation's parameters by (in, name), its own overriding its path item's."""
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    for parameter in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = _resolve(document, parameter)
        if isinstance(parameter, Mapping) and "name" in parameter and "in" in parameter:
            place, name = str(parameter["in"]), str(parameter["name"])
            found[(place, name.lower() if place == "header" else name)] = parameter
    return found


def _required(parameter: Mapping[str, Any]) -> bool:
    return parameter.get("required") is True or parameter.get("in") == "path"


def _parameter_changes(
    before: Mapping[str, Any],
    old: dict[tuple[str, str], Mapping[str, Any]],
    after: Mapping[str, Any],
    new: dict[tuple[str, str], Mapping[str, Any]],
) -> list[_Found]:
    found: list[_Found] = []
    for key in [*old, *(k for k in new if k not in old)]:
        was, now = old.get(key), new.get(key)
        where = f"{key[0]} parameter {(now or was or {}).get('name')}"
        if now is None:
            why = "a client still sending it is no longer understood, or is refused"
            found.append((where, "removed", True, why))
        elif was is None:
            if _required(now):
                found.append((where, "added, required", True, "a client not sending it is refused"))
            else:
                found.append((where, "added, optional", False, ""))
        else:
            if _required(was) != _required(now):
                if _required(now):
                    why = "a client not sending it is refused"
                    found.append((where, "made required", True, why))
                else:
                    found.append((where, "made optional", False, ""))
            for key_ in ("style", "explode", "allowReserved", "content"):
                if was.get(key_) != now.get(key_):
                    why = "sent another way: a client sending it as before is misread"
                    found.append(
                        (f"{where}.{key_}", _what(was.get(key_), now.get(key_)), True, why)
                    )
            if was.get("allowEmptyValue") and not now.get("allowEmptyValue"):
                why = "an empty value a client sends is refused now"
                found.append((f"{where}.allowEmptyValue", "removed", True, why))
            for key_ in ("description", "deprecated"):
                if was.get(key_) != now.get(key_):
                    found.append(
                        (f"{where}.{key_}", _what(was.get(key_), now.get(key_)), False, "")
                    )
            found += _schema_changes(
                before, was.get("schema"), after, now.get("schema"), where, True
            )
    return found


def _requirements(
    document: Mapping[str, Any], operation: Mapping[str, Any]
) -> list[dict[str, list[str]]]:
    """An operation's security requirement: alternatives, each the schemes it needs at once."""
    chosen = operation["security"] if "security" in operation else document.get("security")
    return [{str(k): sorted(v or []) for k, v in alt.items()} for alt in chosen or []]


def _scheme(document: Mapping[str, Any], name: str, words: bool = False) -> dict[str, Any]:
    """What a client must do for a security scheme (and its description, with ``words``)."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    scheme = _resolve(document, schemes.get(name))
    if not isinstance(scheme, Mapping):
        return {}
    return {
        k: v
        for k, v in scheme.items()
        if (words or k != "description") and not str(k).startswith("x-")
    }


def _alternative(alternative: Mapping[str, Any]) -> str:
    return "{" + ", ".join(alternative) + "}" if alternative else "{} (no credentials)"


def _security_changes(
    before: Mapping[str, Any],
    old_op: Mapping[str, Any],
    after: Mapping[str, Any],
    new_op: Mapping[str, Any],
) -> list[_Found]:
    """A change breaks when a client meeting an old alternative meets none of the new ones."""
    old, new = _requirements(before, old_op), _requirements(after, new_op)
    kept = [n for n in dict.fromkeys(n for alt in old for n in alt) if any(n in a for a in new)]
    redefined = {n for n in kept if _scheme(before, n) != _scheme(after, n)}

    def met(was: Mapping[str, list[str]]) -> bool:
        return not new or any(
            all(n in was and n not in redefined and set(s) <= set(was[n]) for n, s in a.items())
            for a in new
        )

    def classed(breaking: bool) -> tuple[bool, str]:
        if breaking:
            return True, "a client sending the credentials it sent before is refused"
        return False, "what a client sent before is still accepted"

    found: list[_Found] = []
    if old and not new:
        found.append(("security", "no longer required", *classed(False)))
    elif new and not old:
        what = f"now required: {' or '.join(map(_alternative, new))}"
        found.append(("security", what, *classed(True)))
    else:
        pairs = [(a, b) for a in old for b in new if set(a) == set(b)]
        gone = [a for a in old if all(a is not p for p, _ in pairs)]
        came = [b for b in new if all(b is not q for _, q in pairs)]
        if len(gone) == len(came) == 1:  # one alternative edited: name what changed in it
            pairs, gone, came = [*pairs, (gone[0], came[0])], [], []
        for was, now in pairs:
            breaking = not met(was)
            for name in now:
                if name not in was:
                    found.append(
                        (f"security {name}", "added to the requirement", *classed(breaking))
                    )
                else:
                    for scope in now[name]:
                        if scope not in was[name]:
                            what = f"scope {_fmt(scope)} added"
                            found.append((f"security {name}", what, *classed(breaking)))
            for name in was:
                if name not in now:
                    found.append((f"security {name}", "no longer required", *classed(False)))
                else:
                    for scope in was[name]:
                        if scope not in now[name]:
                            what = f"scope {_fmt(scope)} no longer required"
                            found.append((f"security {name}", what, *classed(False)))
        for alt in gone:
            what = f"alternative {_alternative(alt)} removed"
            found.append(("security", what, *classed(not met(alt))))
        for alt in came:
            found.append(("security", f"alternative {_alternative(alt)} added", *classed(False)))
    for name in kept:
        was_scheme, now_scheme = _scheme(before, name, True), _scheme(after, name, True)
        for key in [*was_scheme, *(k for k in now_scheme if k not in was_scheme)]:
            if was_scheme.get(key) != now_scheme.get(key):
                what = _what(was_scheme.get(key), now_scheme.get(key))
                breaking = key != "description"
                found.append((f"security scheme {name}.{key}", what, *classed(breaking)))
    return found


def _headers(
    document: Mapping[str, Any], response: Any
) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """A response's headers by lower-case name: (name as written, header)."""
    response = _resolve(document, response)
    headers = response.get("headers") or {} if isinstance(response, Mapping) else {}
    found: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for name, header in headers.items():
        header = _resolve(document, header)
        if isinstance(header, Mapping):
            found[str(name).lower()] = (str(name), header)
    return found


def _header_changes(
    before: Mapping[str, Any],
    old_op: Mapping[str, Any],
    after: Mapping[str, Any],
    new_op: Mapping[str, Any],
) -> list[_Found]:
    found: list[_Found] = []
    old_responses = _resolve(before, old_op.get("responses")) or {}
    new_responses = _resolve(after, new_op.get("responses")) or {}
    for status in [s for s in old_responses if s in new_responses]:
        old = _headers(before, old_responses[status])
        new = _headers(after, new_responses[status])
        for key in [*old, *(k for k in new if k not in old)]:
            name = (new.get(key) or old[key])[0]
            where = f"response {status} header {name}"
            if key not in new:
                found.append((where, "removed", True, "a client reading it gets nothing"))
            elif key not in old:
                found.append((where, "added", False, ""))
            else:
                was, now = old[key][1], new[key][1]
                if was.get("required") is True and now.get("required") is not True:
                    why = "a client relying on it may not get it"
                    found.append((where, "made optional", True, why))
                elif now.get("required") is True and was.get("required") is not True:
                    found.append((where, "made required", False, ""))
                for key_ in ("description", "deprecated"):
                    if was.get(key_) != now.get(key_):
                        found.append(
                            (f"{where}.{key_}", _what(was.get(key_), now.get(key_)), False, "")
                        )
                found += _schema_changes(
                    before, was.get("schema"), after, now.get("schema"), where, False
                )
    return found


def _operation_items(
    document: Mapping[str, Any],
) -> dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Every operation by "METHOD /path": (its path item, the operation)."""
    found: dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]] = {}
    for path, item in (document.get("paths") or {}).items():
        item = _resolve(document, item)
        for method in _METHODS:
            if method in item:
                found[f"{method.upper()} {path}"] = (item, item[method])
    return found


def operation_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Each kept operation's parameters, security requirement and response headers."""
    changes: list[Change] = []
    old_items, new_items = _operation_items(before), _operation_items(after)
    for name in [n for n in old_items if n in new_items]:
        (old_item, old_op), (new_item, new_op) = old_items[name], new_items[name]
        found = _parameter_changes(
            before,
            _parameters(before, old_item, old_op),
            after,
            _parameters(after, new_item, new_op),
        )
        found += _security_changes(before, old_op, after, new_op)
        found += _header_changes(before, old_op, after, new_op)
        for where, what, breaking, why in found:
            kind = "annotation" if where.rsplit(".", 1)[-1] in _ANNOTATIONS else "rule"
            changes.append(Change(breaking, kind, name, where, what, why))
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
    return [*changes, *operation_changes(before, after), *call_state_rule_changes(before, after)]


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
        changes = _unique([*library_changes(before, after, raws), *rule_changes(before, after)])
        results.append(sorted(changes, key=lambda c: (not c.breaking, c.operation)))
    return results


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every change from ``before`` to ``after``, breaking ones first."""
    return compare_many([(before, after)])[0]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when there: 10x faster


class DocumentError(Exception):
    """A document that cannot be read or is not YAML: one line naming where (exit status 2)."""


def _parse(text: str, name: str) -> dict[str, Any]:
    """The document in ``text`` (``name`` says where it came from, for errors)."""
    try:
        document = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        place = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name
        problem = error.problem or error.context or "cannot be parsed"
        raise DocumentError(f"{place}: not valid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise DocumentError(f"{name}: not valid YAML: {error}") from None
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "empty"
        raise DocumentError(f"{name}: not an OpenAPI document (a mapping), but {kind}")
    return document


def load_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError(f"{path}: cannot read: {error}") from None
    return _parse(text, str(path))


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
        raise DocumentError(f"cannot read {document} at {ref!r}: {result.stderr.strip()}")
    return _parse(result.stdout, f"{ref}:{document.as_posix()}")


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

    if not args.gate and (args.base is None) == (args.base_file is None):
        parser.error("give exactly one of --base REF and --base-file PATH")
    try:
        if args.gate:
            passed, message = gate(args.root, args.against)
            print(message)
            return 0 if passed else 1
        before = load_file(args.base_file) if args.base_file else load_at(args.base, args.root)
        head_file = args.head_file or args.root / DOCUMENT
        after = load_file(head_file)
    except DocumentError as error:
        print(f"spec-diff: {error}", file=sys.stderr)
        return 2
    changes = compare(before, after)
    if args.json:
        print(json.dumps([asdict(c) for c in changes], ensure_ascii=False, indent=2))
    else:
        print(report(changes, str(args.base or args.base_file), str(head_file)))
    return 1 if any(c.breaking for c in changes) else 0


if __name__ == "__main__":
    sys.exit(main())
