"""Where an answer of the vendor disagrees with the document (``openapi/call-monitor.yaml``).

The document was written from one page of prose; the real vendor is the referee. Each
answer that came through the proxy (or sits in a recording) is checked against what the
document declares for its operation and status, and each difference is one
``Disagreement``:

* ``undeclared-status``: the operation declares no such status;
* ``content-type`` / ``not-json``: the answer is not the JSON the document declares;
* ``undeclared-field``: a field no schema on its way declares (the document's schemas mostly
  allow extra fields, so a validator alone would not say);
* ``missing-field``: a required field is absent;
* ``type`` / ``format`` / ``value``: a value of another type, pattern or format, or outside
  the declared enum or bounds;
* ``undeclared-code``: an error envelope's ``code`` neither the status itself nor a code the
  call-state rules (``x-call-state-rules``) give this operation; ``code-status``: a rule's
  code answered with another status than the rule's.

Validation follows OpenAPI 3.0 (``$ref`` inlined, ``nullable``) with ``jsonschema``'s draft 4.
The checks are compiled once per operation and status.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from mock_server.model.document_files import VENDOR_DOCUMENT, load_document
from mock_server.model.rules import call_state_rules

__all__ = ["KINDS", "MAX_LISTED", "Disagreement", "DriftCheck", "listed"]

KINDS: Final = (
    "undeclared-status",
    "content-type",
    "not-json",
    "undeclared-field",
    "missing-field",
    "type",
    "format",
    "value",
    "undeclared-code",
    "code-status",
)
#: jsonschema's validators, by the kind of disagreement they find.
_KIND_OF: Final = {
    "type": "type",
    "format": "format",
    "pattern": "format",
    "required": "missing-field",
}
#: At most this many disagreements of one answer are listed where people read them (its
#: journal entry, its recorded ``_drift``, ``m7-drift``'s report), then how many more there
#: are: a wholly different body would otherwise list every field. Every one is counted.
MAX_LISTED: Final = 50
_INT_RANGES: Final = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One difference between an answer and the document."""

    kind: str
    operation: str
    status: int
    #: Where in the answer: ``status``, ``content-type``, ``body``, ``body.data.code``, ...
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.operation} {self.status} {self.kind} {self.where}: {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "operation": self.operation,
            "status": self.status,
            "where": self.where,
            "detail": self.detail,
        }


def listed(found: Sequence[Disagreement], limit: int = MAX_LISTED) -> tuple[str, ...]:
    """The first ``limit`` disagreements in words, then ``… and N more`` when there are."""
    shown = tuple(str(d) for d in found[:limit])
    if len(found) > limit:
        shown += (f"… and {len(found) - limit} more",)
    return shown


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    for name, (low, high) in _INT_RANGES.items():

        def within(value: object, low: int = low, high: int = high) -> bool:
            return not isinstance(value, int) or low <= value <= high

        checker.checks(name)(within)
    return checker


_FORMATS: Final = _format_checker()


def _inlined(document: Mapping[str, Any], node: Any, seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every local ``$ref`` inlined and ``nullable`` as JSON Schema says it."""
    if isinstance(node, list):
        return [_inlined(document, item, seen) for item in node]
    if not isinstance(node, Mapping):
        return node
    if "$ref" in node:
        ref = str(node["$ref"])
        if ref in seen:
            return {}  # a recursive schema: accept below the second visit
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return _inlined(document, target, (*seen, ref))
    schema = {
        key: _inlined(document, value, seen)
        for key, value in node.items()
        if key not in ("example", "examples", "description", "nullable")
        and not str(key).startswith("x-")
    }
    if node.get("nullable") is True:
        if "type" in schema:
            schema["type"] = [schema["type"], "null"]
        if "enum" in schema and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
    return schema


def _place(path: Sequence[object]) -> str:
    return "body" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _undeclared(schema: Any, value: Any, path: tuple[object, ...]) -> Iterator[tuple[str, str]]:
    """(where, detail) of every field of ``value`` that ``schema`` does not declare."""
    if not isinstance(schema, Mapping):
        return
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                yield from _undeclared(properties[key], item, (*path, key))
            elif isinstance(extra, Mapping):
                yield from _undeclared(extra, item, (*path, key))
            else:
                shown = json.dumps(item, ensure_ascii=False)
                shown = shown if len(shown) <= 80 else shown[:80] + "…"
                yield _place((*path, key)), f"not declared by the document (value {shown})"
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            yield from _undeclared(schema["items"], item, (*path, index))


@dataclass(frozen=True, slots=True)
class _Declared:
    """What the document declares for one operation and status."""

    schema: Any  # the inlined JSON schema of the body; None: no body declared
    validator: Draft4Validator | None
    media_types: tuple[str, ...]


class DriftCheck:
    """The document's answers, by operation and status, to check answers against."""

    def __init__(self, document: Mapping[str, Any] | None = None) -> None:
        self._document = document if document is not None else load_document(VENDOR_DOCUMENT)
        self._operations: dict[str, Mapping[str, Any]] = {}
        self._paths: dict[str, str] = {}
        for path, item in self._document.get("paths", {}).items():
            for operation in item.values():
                if isinstance(operation, Mapping) and "operationId" in operation:
                    self._operations[str(operation["operationId"])] = operation
                    self._paths[path] = str(operation["operationId"])
        #: Each operation's rule codes and their statuses (``40903`` -> 409).
        rules = call_state_rules()
        self._codes = {
            name: {p.code: p.status for p in rules.of(name)} for name in self._operations
        }
        self._declared_cache: dict[tuple[str, int], _Declared | None] = {}

    def operation_of(self, path: str) -> str | None:
        """The operationId of a vendor path (``/openapi/v1/call/listen``), or ``None``."""
        return self._paths.get(path)

    @property
    def operations(self) -> tuple[str, ...]:
        return tuple(self._operations)

    @property
    def paths(self) -> tuple[str, ...]:
        """The vendor operations' paths."""
        return tuple(self._paths)

    def _declared(self, operation: str, status: int) -> _Declared | None:
        key = (operation, status)
        if key not in self._declared_cache:
            self._declared_cache[key] = self._compile(operation, status)
        return self._declared_cache[key]

    def _compile(self, operation: str, status: int) -> _Declared | None:
        responses = self._operations[operation].get("responses", {})
        response = responses.get(str(status), responses.get("default"))
        if response is None:
            return None
        response = _inlined(self._document, response)
        content = response.get("content") or {}
        media = content.get("application/json") or {}
        schema = media.get("schema")
        validator = None
        if schema is not None:
            validator = Draft4Validator(schema, format_checker=_FORMATS)
        return _Declared(schema, validator, tuple(content))

    def check(
        self, operation: str, status: int, content_type: str | None, body: bytes
    ) -> list[Disagreement]:
        """Every disagreement of one answer (status, its content type, its body) with the
        document; empty when it agrees. ``operation`` must be one of the document's. A body
        nested too deeply to parse or to walk is one ``not-json`` disagreement."""
        try:
            return list(self._check(operation, status, content_type, body))
        except RecursionError:
            detail = "the body is not JSON this check can read (nested too deeply)"
            return [Disagreement("not-json", operation, status, "body", detail)]

    def _check(
        self, operation: str, status: int, content_type: str | None, body: bytes
    ) -> Iterator[Disagreement]:
        def disagree(kind: str, where: str, detail: str) -> Disagreement:
            return Disagreement(kind, operation, status, where, detail)

        declared = self._declared(operation, status)
        if declared is None:
            statuses = ", ".join(self._operations[operation].get("responses", {}))
            yield disagree("undeclared-status", "status", f"the document declares {statuses}")
            return
        if not declared.media_types:
            return
        media = (content_type or "").split(";")[0].strip().lower()
        if media not in declared.media_types:
            yield disagree(
                "content-type",
                "content-type",
                f"{media or 'none'}; the document declares {', '.join(declared.media_types)}",
            )
            return
        try:
            value = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            yield disagree("not-json", "body", "the body is not JSON")
            return
        if declared.validator is not None:
            yield from self._schema_errors(declared, value, disagree)
        if status >= 400 and isinstance(value, dict) and isinstance(value.get("code"), str):
            yield from self._code(operation, status, value["code"], disagree)

    def _schema_errors(self, declared: _Declared, value: Any, disagree: Any) -> Iterator[Any]:
        for where, detail in _undeclared(declared.schema, value, ()):
            yield disagree("undeclared-field", where, detail)
        assert declared.validator is not None  # noqa: S101 - checked by the caller
        errors: list[ValidationError] = sorted(
            declared.validator.iter_errors(value), key=lambda e: list(e.absolute_path)
        )
        for error in errors:
            if error.validator == "additionalProperties":
                continue  # named field by field above
            kind = _KIND_OF.get(str(error.validator), "value")
            yield disagree(kind, _place(list(error.absolute_path)), error.message[:300])

    def _code(self, operation: str, status: int, code: str, disagree: Any) -> Iterator[Any]:
        if code == str(status):
            return
        rule_status = self._codes.get(operation, {}).get(code)
        if rule_status is None:
            yield disagree(
                "undeclared-code",
                "body.code",
                f"{code} is neither the status nor a code of {operation}'s call-state rules",
            )
        elif rule_status != status:
            yield disagree(
                "code-status",
                "body.code",
                f"{code} is declared with status {rule_status}, answered with {status}",
            )


@cache
def document_check() -> DriftCheck:
    """The check of the vendor document, compiled once per process."""
    return DriftCheck()
