"""The two OpenAPI documents the mock serves, and the facts about them it needs per request.

The vendor document (``call-monitor.yaml``) is the single source of truth: routes, body
schemas and the ``Prefer`` examples all come from it. Everything derived from it is computed
once here, at start-up, so that no request has to look into the document again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from mock_server.model.document_files import (
    ADMIN_DOCUMENT,
    VENDOR_DOCUMENT,
    document_path,
    load_document,
)

__all__ = [
    "ADMIN_BASE_PATH",
    "ADMIN_DOCUMENT",
    "VENDOR_DOCUMENT",
    "Operation",
    "document_path",
    "load_document",
    "operation_facts",
    "resolve",
    "vendor_operations",
]

#: Where the admin API is mounted; its document describes paths relative to this.
ADMIN_BASE_PATH: Final = "/__mock"

_HTTP_METHODS: Final = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


def resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s (``#/components/...``) until a node that is not a reference."""
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = document
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of a document: where it lives and what it is called."""

    method: str  # upper case, as in the ASGI scope
    path: str
    operation_id: str
    spec: Mapping[str, Any]


def vendor_operations() -> dict[str, Operation]:
    """The vendor document's operations by path (each path has exactly one, a POST)."""
    document = load_document(VENDOR_DOCUMENT)
    operations: dict[str, Operation] = {}
    for path, item in document["paths"].items():
        for method in _HTTP_METHODS:
            if method in item:
                spec = item[method]
                operations[path] = Operation(method.upper(), path, spec["operationId"], spec)
    return operations


def operation_facts() -> list[dict[str, str]]:
    """The five operations as the console shows them: operationId, path, the body field
    naming the acting supervisor, and the vendor's term (the summary's last parenthesis)."""
    document = load_document(VENDOR_DOCUMENT)
    facts = []
    for path, operation in vendor_operations().items():
        media = operation.spec["requestBody"]["content"]["application/json"]
        schema = resolve(document, media["schema"])
        summary = str(operation.spec.get("summary", ""))
        facts.append(
            {
                "operationId": operation.operation_id,
                "path": path,
                "supervisorField": next(f for f in schema["required"] if f != "agentNumber"),
                "term": summary[summary.rfind("(") + 1 : -1] if summary.endswith(")") else "",
            }
        )
    return facts
