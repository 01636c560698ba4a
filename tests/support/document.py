"""The OpenAPI documents as test oracles: the facts read from them, and validation against them.

Every fact a test needs about the vendor API (the operations, their paths, the supervisor
field of each, the business errors each response declares, the security headers) is read
from ``openapi/call-monitor.yaml``, never written down a second time: by the contract suite's
``m7_contract/document.py`` (whose facts this module re-exports) or here. Validation uses
OpenAPI 3.0 schema semantics (openapi-schema-validator) with `$ref`s resolved inside the
document, so a test checks against exactly what the document says. (Hypothesis strategies
built on these facts are in ``tests/support/strategies.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema.protocols import Validator
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from m7_contract.document import (
    AGENT_FIELD,
    declared_business_errors,
    is_valid_body,
    operation_path,
    request_schema,
    security_header_names,
    supervisor_field,
)

__all__ = [
    "AGENT_FIELD",
    "CALL_MONITOR",
    "OPENAPI",
    "OPERATIONS",
    "PATHS",
    "ROOT",
    "SUPERVISOR_FIELDS",
    "declared_business_errors",
    "errors_of",
    "is_valid_body",
    "load",
    "operation_path",
    "operations",
    "request_schema",
    "resolve",
    "response_schema",
    "security_header_names",
    "supervisor_field",
    "validator",
]

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "openapi"
CALL_MONITOR = OPENAPI / "call-monitor.yaml"
OPERATIONS = ("listen", "hangupChannel", "lootCall", "whisper", "pickupChannel")
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head")
#: libyaml's safe loader when PyYAML has it (the same data, ten times faster: every pytest
#: process, each xdist worker included, parses the documents), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(path: Path = CALL_MONITOR) -> dict[str, Any]:
    """The parsed document (cached: treat it as read-only)."""
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_LOADER)  # noqa: S506 - a safe loader
    return document


@cache
def _registry(path: Path) -> tuple[str, Registry]:
    uri = f"urn:m7-doc:{path.name}"
    resource = Resource.from_contents(load(path), default_specification=DRAFT4)
    return uri, Registry().with_resource(uri, resource)


def validator(pointer_or_schema: str | dict[str, Any], path: Path = CALL_MONITOR) -> Validator:
    """A validator for ``#/components/...`` (a JSON pointer) or an inline schema of the doc."""
    if isinstance(pointer_or_schema, str):
        return _pointer_validator(pointer_or_schema, path)
    return _validator_of(pointer_or_schema, path)


@cache
def _pointer_validator(pointer: str, path: Path) -> Validator:
    return _validator_of({"$ref": pointer}, path)


def _validator_of(schema: dict[str, Any], path: Path) -> Validator:
    """The schema with its ``$ref``s inlined (seven times faster to validate with than
    resolving them through the registry on every use, and the same schema: the documents'
    ``$ref``s have no siblings); through the registry when inlining could change it."""
    inlined = _inline(schema, load(path), ())
    if inlined is not None:
        fast: Validator = OAS30Validator(inlined)
        return fast
    uri, registry = _registry(path)
    resolving: Validator = OAS30Validator(_rebase(schema, uri), registry=registry)
    return resolving


def _inline(node: Any, document: dict[str, Any], refs: tuple[str, ...]) -> Any:
    """``node`` with every document-local ``$ref`` replaced by its target; ``None`` for a
    recursive schema, a ``$ref`` with siblings or one that leaves the document."""
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            if len(node) > 1 or not isinstance(ref, str) or not ref.startswith("#/") or ref in refs:
                return None
            target: Any = document
            for part in ref.removeprefix("#/").split("/"):
                target = target[part]
            return _inline(target, document, (*refs, ref))
        inlined = {}
        for key, value in node.items():
            inlined[key] = _inline(value, document, refs)
            if inlined[key] is None and value is not None:
                return None
        return inlined
    if isinstance(node, list):
        items = [_inline(item, document, refs) for item in node]
        if any(new is None and old is not None for new, old in zip(items, node, strict=True)):
            return None
        return items
    return node


def _rebase(schema: Any, uri: str) -> Any:
    """Point the document-local ``#/...`` refs of an inline schema at the document."""
    if isinstance(schema, dict):
        return {
            key: (
                f"{uri}{value}" if key == "$ref" and value.startswith("#") else _rebase(value, uri)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(item, uri) for item in schema]
    return schema


def resolve(node: Any, path: Path = CALL_MONITOR) -> Any:
    """Follow a local ``$ref`` (one level at a time, until a non-ref node)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = load(path)
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def operations(path: Path = CALL_MONITOR) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(url path, method, operation object) for every operation of the document."""
    for url, item in load(path)["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield url, method, item[method]


def response_schema(operation_id: str, status: int, path: Path = CALL_MONITOR) -> dict[str, Any]:
    """The JSON schema the document declares for one status of one operation."""
    for _, _, operation in operations(path):
        if operation.get("operationId") == operation_id:
            responses = operation["responses"]
            response = resolve(responses.get(str(status)) or responses["default"], path)
            schema: dict[str, Any] = response["content"]["application/json"]["schema"]
            return schema
    raise KeyError(operation_id)


def errors_of(instance: Any, schema: str | dict[str, Any], path: Path = CALL_MONITOR) -> list[str]:
    """Every violation of ``instance`` against ``schema``, as readable lines (empty if valid)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator(schema, path).iter_errors(instance)
    ]


# --- facts of the vendor document ------------------------------------------------------
# AGENT_FIELD, operation_path, request_schema, supervisor_field, declared_business_errors,
# security_header_names and is_valid_body are stated once, in the contract suite's package
# (imported above): the tests read the document as the contract checks do.


#: The URL path of each operation.
PATHS: dict[str, str] = {op: operation_path(op) for op in OPERATIONS}
#: The body field naming the supervisor, per operation.
SUPERVISOR_FIELDS: dict[str, str] = {op: supervisor_field(op) for op in OPERATIONS}
