"""The OpenAPI documents as test oracles: load them, and validate JSON against their schemas.

Validation uses OpenAPI 3.0 schema semantics (openapi-schema-validator) with `$ref`s resolved
inside the document, so a test checks against exactly what the document says.
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

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "openapi"
CALL_MONITOR = OPENAPI / "call-monitor.yaml"
OPERATIONS = ("listen", "hangupChannel", "lootCall", "whisper", "pickupChannel")
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head")


@cache
def load(path: Path = CALL_MONITOR) -> dict[str, Any]:
    """The parsed document (cached: treat it as read-only)."""
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


@cache
def _registry(path: Path) -> tuple[str, Registry]:
    uri = f"urn:m7-doc:{path.name}"
    resource = Resource.from_contents(load(path), default_specification=DRAFT4)
    return uri, Registry().with_resource(uri, resource)


def validator(pointer_or_schema: str | dict[str, Any], path: Path = CALL_MONITOR) -> Validator:
    """A validator for ``#/components/...`` (a JSON pointer) or an inline schema of the doc."""
    uri, registry = _registry(path)
    if isinstance(pointer_or_schema, str):
        schema: dict[str, Any] = {"$ref": f"{uri}{pointer_or_schema}"}
    else:
        schema = _rebase(pointer_or_schema, uri)
    validator: Validator = OAS30Validator(schema, registry=registry)
    return validator


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
