"""What the contract suite reads from ``openapi/call-monitor.yaml``: facts and validation.

Every fact a check needs (the operations, their paths, the supervisor field of each, the
business errors each response declares, the security headers) is read from the document
here, never written down a second time. Validation follows the document's OpenAPI 3.0 schemas
with JSON Schema draft 4 (``jsonschema``: another implementation than the mock's
``jsonschema_rs``, so that the mock's validator is not its own referee), ``$ref``s inlined and
``nullable: true`` read as OpenAPI 3.0 means it.

The document comes with the package: in the wheel beside this module (``call-monitor.yaml``,
copied there by the build), in the repository at ``openapi/call-monitor.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator

__all__ = [
    "AGENT_FIELD",
    "CALL_MONITOR",
    "OPERATIONS",
    "declared_business_errors",
    "declared_statuses",
    "errors_of",
    "is_valid_body",
    "load",
    "operation_path",
    "request_schema",
    "resolve",
    "response_schema",
    "security_header_names",
    "supervisor_field",
]

_HERE = Path(__file__).resolve().parent
#: The vendor document: the wheel's copy, else the repository's.
CALL_MONITOR = next(
    (
        path
        for path in (_HERE / "call-monitor.yaml", _HERE.parent / "openapi" / "call-monitor.yaml")
        if path.is_file()
    ),
    _HERE / "call-monitor.yaml",
)
#: The field naming the agent acted on, in every operation (the document's "Roles").
AGENT_FIELD = "agentNumber"
_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head")
#: libyaml's safe loader when PyYAML has it, else the pure-Python one (the same data).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BUSINESS_CODE = re.compile(r"`([0-9]{5})`")


@cache
def load() -> dict[str, Any]:
    """The parsed document (cached: treat it as read-only)."""
    with CALL_MONITOR.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_LOADER)  # noqa: S506 - a safe loader
    return document


def resolve(node: Any) -> Any:
    """Follow a local ``$ref`` (one level at a time, until a node that is not a ``$ref``)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = load()
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _operations() -> Iterator[tuple[str, dict[str, Any]]]:
    for url, item in load()["paths"].items():
        for method in _HTTP_METHODS:
            if method in item:
                yield url, item[method]


def _operation(operation_id: str) -> tuple[str, dict[str, Any]]:
    for url, operation in _operations():
        if operation.get("operationId") == operation_id:
            return url, operation
    raise KeyError(f"no operation {operation_id!r} in {CALL_MONITOR.name}")


#: Every operation of the document, by operationId, in its order.
OPERATIONS: tuple[str, ...] = tuple(str(op["operationId"]) for _url, op in _operations())


def operation_path(operation_id: str) -> str:
    """The URL path of an operation, e.g. ``/openapi/v1/call/listen``."""
    return _operation(operation_id)[0]


@cache
def request_schema(operation_id: str) -> dict[str, Any]:
    """The request body schema of an operation (the schema object, refs resolved one level)."""
    body = resolve(_operation(operation_id)[1]["requestBody"])
    schema: dict[str, Any] = resolve(body["content"]["application/json"]["schema"])
    return schema


def supervisor_field(operation_id: str) -> str:
    """The body field naming the supervisor: the required field other than ``agentNumber``."""
    required = [
        str(name) for name in request_schema(operation_id)["required"] if name != AGENT_FIELD
    ]
    if len(required) != 1:
        raise ValueError(f"{operation_id}: cannot tell the supervisor field from {required}")
    return required[0]


def declared_statuses(operation_id: str) -> set[int]:
    """The HTTP statuses the operation declares (``default`` aside)."""
    responses = _operation(operation_id)[1]["responses"]
    return {int(status) for status in responses if status != "default"}


def response_schema(operation_id: str, status: int) -> dict[str, Any]:
    """The JSON schema the document declares for one status of one operation."""
    responses = _operation(operation_id)[1]["responses"]
    response = resolve(responses.get(str(status)) or responses["default"])
    schema: dict[str, Any] = response["content"]["application/json"]["schema"]
    return schema


@cache
def declared_business_errors(operation_id: str) -> dict[str, int]:
    """Business error code -> HTTP status, as the operation's responses declare them.

    Read from each response's description (``... the same agent (`40001`)``), so a code
    the document does not name for an operation is an undeclared answer.
    """
    declared: dict[str, int] = {}
    for status, response in _operation(operation_id)[1]["responses"].items():
        for code in _BUSINESS_CODE.findall(resolve(response).get("description", "")):
            declared[code] = int(status)
    return declared


def security_header_names() -> tuple[str, ...]:
    """The header names of the document's security requirement, in its order."""
    document = load()
    schemes = document["components"]["securitySchemes"]
    return tuple(
        schemes[name]["name"]
        for requirement in document["security"]
        for name in requirement
        if schemes[name].get("in") == "header"
    )


def _json_schema(node: Any, refs: tuple[str, ...] = ()) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema draft 4: local ``$ref``s inlined (the document's
    have no siblings and do not recurse), ``nullable: true`` as a ``"null"`` type."""
    if isinstance(node, list):
        return [_json_schema(item, refs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if len(node) > 1 or not str(ref).startswith("#/") or ref in refs:
            raise ValueError(f"{CALL_MONITOR.name}: cannot inline the $ref {ref!r}")
        return _json_schema(resolve(node), (*refs, ref))
    schema = {key: _json_schema(value, refs) for key, value in node.items()}
    if schema.pop("nullable", False) is True and "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = [*types, "null"]
    return schema


@cache
def _validator(operation_id: str, status: int | None) -> Draft4Validator:
    """The validator of the request body (``status`` ``None``) or of one response."""
    if status is None:
        body = resolve(_operation(operation_id)[1]["requestBody"])
        schema = body["content"]["application/json"]["schema"]
    else:
        schema = response_schema(operation_id, status)
    return Draft4Validator(_json_schema(schema))


def errors_of(operation_id: str, status: int, instance: Any) -> list[str]:
    """Every violation of a response body against its schema, as lines (empty if valid)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in _validator(operation_id, status).iter_errors(instance)
    ]


def is_valid_body(operation_id: str, body: Any) -> bool:
    """Does ``body`` (decoded JSON) satisfy the operation's request schema?"""
    return bool(_validator(operation_id, None).is_valid(body))
