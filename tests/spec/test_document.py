"""The document itself: valid OpenAPI 3.0, every example valid, the shape the issues ask for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.support import document as doc

DOCUMENTS = sorted(doc.OPENAPI.glob("*.yaml"))
SPECS = [path for path in DOCUMENTS if "openapi" in doc.load(path)]


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_document_is_valid_openapi_3_0(path: Path) -> None:
    validate(doc.load(path))
    assert doc.load(path)["openapi"].startswith("3.0.")


def _examples(path: Path) -> list[tuple[str, Any, Any]]:
    """(where, schema, value) for every example attached to a media type in the document."""
    found: list[tuple[str, Any, Any]] = []
    for url, method, operation in doc.operations(path):
        media: list[tuple[str, Any]] = []
        if "requestBody" in operation:
            for kind, content in doc.resolve(operation["requestBody"], path)["content"].items():
                media.append((f"{method} {url} request {kind}", content))
        for status, response in operation["responses"].items():
            for kind, content in doc.resolve(response, path).get("content", {}).items():
                media.append((f"{method} {url} {status} {kind}", content))
        for where, content in media:
            if "example" in content:
                found.append((where, content["schema"], content["example"]))
            for name, example in content.get("examples", {}).items():
                found.append(
                    (
                        f"{where} example {name}",
                        content["schema"],
                        doc.resolve(example, path)["value"],
                    )
                )
    return found


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_every_example_validates_against_its_schema(path: Path) -> None:
    examples = _examples(path)
    assert examples, "the document should carry examples"
    failures = {where: doc.errors_of(value, schema, path) for where, schema, value in examples}
    assert {where: errs for where, errs in failures.items() if errs} == {}


def test_all_ten_vendor_examples_are_in_the_document() -> None:
    vendor = [
        where for where, _, _ in _examples(doc.CALL_MONITOR) if where.endswith("example vendor")
    ]
    requests = [where for where in vendor if " request " in where]
    responses = [where for where in vendor if " 200 " in where]
    assert len(requests) == 5
    assert len(responses) == 5


def test_five_post_operations_with_the_vendor_field_names() -> None:
    seen = {}
    for url, method, operation in doc.operations():
        assert method == "post"
        assert url == f"/openapi/v1/call/{operation['operationId']}"
        schema = doc.resolve(operation["requestBody"]["content"]["application/json"]["schema"])
        seen[operation["operationId"]] = schema
    assert tuple(seen) == doc.OPERATIONS
    supervisor_fields = {
        "listen": "listenAgent",
        "hangupChannel": "hangupAgent",
        "lootCall": "lootCallAgent",
        "whisper": "whisperAgent",
        "pickupChannel": "pickupAgent",
    }
    for operation_id, schema in seen.items():
        assert set(schema["properties"]) == {
            supervisor_fields[operation_id],
            "agentNumber",
            "actionId",
        }
        assert set(schema["required"]) == {supervisor_fields[operation_id], "agentNumber"}
        assert doc.resolve(schema["properties"]["actionId"])["maxLength"] == 40


def test_the_four_signed_headers_are_required_together_at_top_level() -> None:
    document = doc.load()
    assert document["security"] == [
        {"m7AppKey": [], "m7Nonce": [], "m7Timestamp": [], "m7Sign": []}
    ]
    schemes = document["components"]["securitySchemes"]
    assert {s["name"] for s in schemes.values()} == {
        "m7-appkey",
        "m7-nonce",
        "m7-timestamp",
        "m7-sign",
    }
    assert all(s["type"] == "apiKey" and s["in"] == "header" for s in schemes.values())
    for _, _, operation in doc.operations():
        assert "security" not in operation, (
            "operation-level security makes the generator demand AuthenticatedClient"
        )


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 415, 429, 500, 503])
def test_every_failure_status_is_declared_with_the_error_envelope(status: int) -> None:
    for _, _, operation in doc.operations():
        schema = doc.response_schema(operation["operationId"], status)
        assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}


@pytest.mark.parametrize(
    ("instance", "valid"),
    [
        ({"listenAgent": "2002", "agentNumber": "9527"}, True),
        ({"listenAgent": "2002", "agentNumber": "9527", "actionId": "强插"}, True),
        ({"listenAgent": "2002", "agentNumber": "9527", "actionId": "x" * 41}, False),
        ({"listenAgent": "2002"}, False),
        ({"listenAgent": 2002, "agentNumber": "9527"}, False),
        ({"listenAgent": "2002", "agentNumber": "9527", "junk": 1}, False),
    ],
)
def test_request_schema_is_neither_too_strict_nor_too_loose(instance: Any, valid: bool) -> None:
    assert (doc.errors_of(instance, "#/components/schemas/ListenRequest") == []) is valid


def test_success_envelope_rejects_what_the_vendor_never_sends() -> None:
    example = doc.load()["components"]["examples"]["ListenSuccess"]["value"]
    schema = "#/components/schemas/SuccessEnvelope"
    assert doc.errors_of(example, schema) == []
    assert doc.errors_of({**example, "code": 200}, schema), "code is a string"
    assert doc.errors_of({**example, "success": False}, schema), "success is true"
    bad_data = {**example, "data": {**example["data"], "code": "200"}}
    assert doc.errors_of(bad_data, schema), "data.code is an integer"
    assert doc.errors_of({**example, "actionId": None}, schema)
