"""`make spec-diff` and the version gate on planted changes to copies of the document.

Each planted change is one edit a backend developer could make; the report must class it
(breaking or not), name the operation and the field, and exit 1 exactly when it breaks.
The call-state rules are planted in the document's table (``x-call-state-rules``), which the
report compares rule by rule; the paragraphs generated from it are not compared.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mock_server.model.rules import EXTENSION
from scripts.spec_diff import compare_many, main
from tests.support import document as doc

LISTEN = "POST /openapi/v1/call/listen"
WHISPER = "POST /openapi/v1/call/whisper"
HANGUP = "POST /openapi/v1/call/hangupChannel"
CALL_RINGING = "call-state rule call-ringing (409 40904)"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")

Plant = Callable[[dict[str, Any]], None]


def _schemas(document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def remove_operation(d: dict[str, Any]) -> None:
    del d["paths"]["/openapi/v1/call/whisper"]


def remove_field(d: dict[str, Any]) -> None:
    del _schemas(d)["ListenRequest"]["properties"]["actionId"]


def narrow_type(d: dict[str, Any]) -> None:
    _schemas(d)["ActionId"]["maxLength"] = 20


def add_required_field(d: dict[str, Any]) -> None:
    _schemas(d)["ListenRequest"]["properties"]["silentMode"] = {"type": "boolean"}
    _schemas(d)["ListenRequest"]["required"].append("silentMode")


def add_optional_field(d: dict[str, Any]) -> None:
    _schemas(d)["ListenRequest"]["properties"]["silentMode"] = {"type": "boolean"}


def add_response_field(d: dict[str, Any]) -> None:
    _schemas(d)["SuccessEnvelope"]["properties"]["traceId"] = {"type": "string", "maxLength": 64}


def add_error_code(d: dict[str, Any]) -> None:
    d["components"]["responses"]["Conflict"]["description"] += " Or the call is on hold (`40906`)."


def remove_error_code(d: dict[str, Any]) -> None:
    conflict = d["components"]["responses"]["Conflict"]
    conflict["description"] = conflict["description"].replace("(`40904`)", "")


def _row(d: dict[str, Any], refuses: str) -> dict[str, Any]:
    """The table's precondition refusing ``refuses``."""
    rows: list[dict[str, Any]] = d[EXTENSION]["preconditions"]
    return next(row for row in rows if row["refuses"] == refuses)


def _effect(d: dict[str, Any], operation_id: str) -> dict[str, Any]:
    effect: dict[str, Any] = d[EXTENSION]["effects"][operation_id]
    return effect


def add_rule_to_operation(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["operations"].append("hangupChannel")


def remove_rule_from_operation(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["operations"].remove("whisper")


def change_rule_status(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["status"] = 422


def change_rule_code(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["code"] = "40906"


def change_rule_field(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["field"] = "supervisor"


def move_rule_later(d: dict[str, Any]) -> None:
    """no-live-call checked last instead of before call-ringing and monitored-by-another."""
    rows: list[dict[str, Any]] = d[EXTENSION]["preconditions"]
    rows.append(rows.pop(rows.index(_row(d, "no-live-call"))))


def change_rule_message(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["message"] = "agentNumber: call {call} of agent {agent} rings"


def change_rule_requires(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["requires"] = "the agent's call has been answered"


def change_effect(d: dict[str, Any]) -> None:
    _effect(d, "hangupChannel").update(effect="take-over")


def change_mode(d: dict[str, Any]) -> None:
    _effect(d, "listen").update(mode="barge")


def change_says(d: dict[str, Any]) -> None:
    _effect(d, "whisper").update(says="the supervisor whispers to the agent")


def edit_rules_paragraph(d: dict[str, Any]) -> None:
    """A hand edit of the generated paragraph (make check-generated catches it, not spec-diff)."""
    listen = d["paths"]["/openapi/v1/call/listen"]["post"]
    assert "When all hold:" in listen["description"]
    listen["description"] = listen["description"].replace(
        "When all hold:", "When all hold and the call is older than 5 s:"
    )


def drop_table(d: dict[str, Any]) -> None:
    del d[EXTENSION]


def break_table(d: dict[str, Any]) -> None:
    _row(d, "call-ringing")["refuses"] = "call-on-hold"


# plant, breaking?, (operation, where, what) that the report must contain
CASES: dict[str, tuple[Plant, bool, tuple[str, str, str]]] = {
    "operation removed": (remove_operation, True, (WHISPER, "operation", "removed")),
    "field removed": (remove_field, True, (LISTEN, "request body actionId", "removed")),
    "type narrowed": (
        narrow_type,
        True,
        (LISTEN, "request body actionId.maxLength", "changed from 40 to 20"),
    ),
    "new required request field": (
        add_required_field,
        True,
        (LISTEN, "request body silentMode", "made required"),
    ),
    "new optional request field": (
        add_optional_field,
        False,
        (LISTEN, "request body silentMode", "added"),
    ),
    "new response field": (add_response_field, False, (LISTEN, "response 200 traceId", "added")),
    "new error code": (add_error_code, True, (LISTEN, "response 409 error codes", "40906 added")),
    "error code removed": (
        remove_error_code,
        False,
        (LISTEN, "response 409 error codes", "40904 removed"),
    ),
    "call-state rule added to an operation": (
        add_rule_to_operation,
        True,
        (HANGUP, CALL_RINGING, "added"),
    ),
    "call-state rule removed from an operation": (
        remove_rule_from_operation,
        True,
        (WHISPER, CALL_RINGING, "removed"),
    ),
    "call-state rule's status changed": (
        change_rule_status,
        True,
        (LISTEN, CALL_RINGING, "status changed from 409 to 422"),
    ),
    "call-state rule's code changed": (
        change_rule_code,
        True,
        (LISTEN, CALL_RINGING, 'code changed from "40904" to "40906"'),
    ),
    "call-state rule's field changed": (
        change_rule_field,
        True,
        (LISTEN, CALL_RINGING, 'field changed from "agentNumber" to "supervisor"'),
    ),
    "call-state rule checked later": (
        move_rule_later,
        True,
        (
            LISTEN,
            "call-state rule no-live-call (409 40903)",
            "moved: checked 10th of the operation's rules, was 8th",
        ),
    ),
    "call-state rule's message changed": (
        change_rule_message,
        False,
        (LISTEN, CALL_RINGING, 'message changed from "agentNumber: call {call} of agent'),
    ),
    "call-state rule's requires changed": (
        change_rule_requires,
        False,
        (LISTEN, CALL_RINGING, 'requires changed from "the agent\'s call is answered (talking)"'),
    ),
    "call-state effect changed": (
        change_effect,
        True,
        (HANGUP, "call-state effect", "changed from end-call to take-over"),
    ),
    "call-state mode changed": (
        change_mode,
        True,
        (LISTEN, "call-state effect", "changed from monitor (mode listen) to monitor (mode barge)"),
    ),
    "call-state effect's words changed": (
        change_says,
        False,
        (WHISPER, "call-state effect", 'says changed from "the supervisor monitors the call'),
    ),
    "call-state paragraph edited (not compared)": (
        edit_rules_paragraph,
        False,
        (LISTEN, "description", "changed from"),
    ),
    "base without a table": (
        remove_rule_from_operation,  # not compared: the base has no table to compare it with
        False,
        ("document", "call-state rules", "now a table (x-call-state-rules)"),
    ),
    "table removed": (drop_table, True, ("document", "call-state rules", f"{EXTENSION} removed")),
    "table no longer valid": (
        break_table,
        True,
        ("document", "call-state rules", f"head: {EXTENSION}.preconditions[8].refuses"),
    ),
}

#: The cases that plant the base document too (the others compare with the document as is).
BASE_PLANTS: dict[str, Plant] = {"base without a table": drop_table}

#: What the report must not contain for a case: (operation, where) pairs.
ABSENT: dict[str, list[tuple[str, str]]] = {
    # each rule of an operation is named once: the rules the moved one passes did not move
    "call-state rule checked later": [
        (LISTEN, CALL_RINGING),
        (LISTEN, "call-state rule monitored-by-another (409 40905)"),
        (HANGUP, "call-state rule no-live-call (409 40903)"),  # last for hangup before too
    ],
    "call-state paragraph edited (not compared)": [(LISTEN, "call-state rules")],
    "base without a table": [(WHISPER, CALL_RINGING)],
}


# --- every part of an operation a client sends or receives ---
#
# Each kind below was planted against api-smart-diff 1.0.6 alone first. "(missed)" marks a
# kind it classed wrongly or did not report at all; the others it classed right, but it named
# a parameter by its index ("parameters.0"), a response header map as "headers", an enum's
# value by its index and the JSON media type not at all ("request body: removed"), so each
# kind is tested here by name. Each case is (base plant or None, head plant, breaking?,
# (operation, where, what)).

OPTIONS = {"$ref": "#/components/schemas/ListenOptions"}


def _listen(d: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = d["paths"]["/openapi/v1/call/listen"]["post"]
    return operation


def _parameter(place: str, required: bool = False, **schema: Any) -> dict[str, Any]:
    return {
        "name": "tenant",
        "in": place,
        "required": required,
        "schema": {"type": "string", **schema},
    }


def parameters(*declared: dict[str, Any]) -> Plant:
    """Listen's own parameters, these."""
    return lambda d: _listen(d).update(parameters=list(declared))


def tenant_path(**schema: Any) -> Plant:
    """Listen moved under /listen/{tenant}, its path parameter of this schema."""

    def plant(d: dict[str, Any]) -> None:
        d["paths"][TENANT_PATH] = d["paths"].pop("/openapi/v1/call/listen")
        _listen_at_tenant(d)["parameters"] = [_parameter("path", True, **schema)]

    return plant


TENANT_PATH = "/openapi/v1/call/listen/{tenant}"
LISTEN_TENANT = f"POST {TENANT_PATH}"


def _listen_at_tenant(d: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = d["paths"][TENANT_PATH]["post"]
    return operation


def path_item_parameter(d: dict[str, Any]) -> None:
    """A required query parameter declared once for the path, shared by its operations."""
    d["paths"]["/openapi/v1/call/listen"]["parameters"] = [_parameter("query", True)]


def _schemes(d: dict[str, Any]) -> dict[str, Any]:
    schemes: dict[str, Any] = d["components"]["securitySchemes"]
    return schemes


def _extra_scheme(d: dict[str, Any]) -> None:
    _schemes(d)["m7Extra"] = {"type": "apiKey", "in": "header", "name": "m7-extra"}


def require_extra_scheme(d: dict[str, Any]) -> None:
    _extra_scheme(d)
    d["security"][0]["m7Extra"] = []


def drop_nonce_scheme(d: dict[str, Any]) -> None:
    del d["security"][0]["m7Nonce"]


def extra_alternative(d: dict[str, Any]) -> None:
    _extra_scheme(d)
    d["security"].append({"m7Extra": []})


def listen_requires_extra_scheme(d: dict[str, Any]) -> None:
    _extra_scheme(d)
    _listen(d)["security"] = [{**d["security"][0], "m7Extra": []}]


def oauth(*scopes: str) -> Plant:
    def plant(d: dict[str, Any]) -> None:
        flow = {"tokenUrl": "https://auth.example.invalid/token", "scopes": {"a": "A", "b": "B"}}
        _schemes(d)["m7OAuth"] = {"type": "oauth2", "flows": {"clientCredentials": flow}}
        d["security"][0]["m7OAuth"] = list(scopes)

    return plant


def _body(d: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = _listen(d)["requestBody"]
    return body


def listen_options(**mode: Any) -> Plant:
    """Listen's body gains a nested optional object, its ``mode`` of this schema."""

    def plant(d: dict[str, Any]) -> None:
        _schemas(d)["ListenOptions"] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "mode": {"type": "string", "enum": ["quiet", "loud"], "maxLength": 10, **mode},
                "at": {"type": "string", "format": "date-time"},
            },
        }
        _schemas(d)["ListenRequest"]["properties"]["options"] = OPTIONS

    return plant


def _options(d: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = _schemas(d)["ListenOptions"]
    return options


def then(*plants: Plant) -> Plant:
    def plant(d: dict[str, Any]) -> None:
        for each in plants:
            each(d)

    return plant


def _form_too(d: dict[str, Any]) -> None:
    content = _body(d)["content"]
    content["application/x-www-form-urlencoded"] = copy.deepcopy(content["application/json"])


def _text_body(d: dict[str, Any]) -> None:
    content = _body(d)["content"]
    content["text/plain"] = content.pop("application/json")


def _envelope(d: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = _schemas(d)["SuccessEnvelope"]["properties"]
    return properties


def _responses(d: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = _listen(d)["responses"]
    return responses


def _trace_header(required: bool = False) -> Plant:
    header = {"required": required, "schema": {"type": "string", "maxLength": 64}}
    return lambda d: _responses(d)["200"].update(headers={"X-Trace-Id": header})


def _retry_after(d: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = d["components"]["headers"]["RetryAfter"]["schema"]
    return schema


OPERATION_CASES: dict[str, tuple[Plant | None, Plant, bool, tuple[str, str, str]]] = {}

for place in ("query", "header", "cookie"):
    where = f"{place} parameter tenant"
    OPERATION_CASES |= {
        # (missed: a required parameter added, or the operation's first, is "non-breaking")
        f"{place} parameter added, required": (
            None,
            parameters(_parameter(place, True)),
            True,
            (LISTEN, where, "added, required"),
        ),
        f"{place} parameter added, optional": (
            None,
            parameters(_parameter(place)),
            False,
            (LISTEN, where, "added, optional"),
        ),
        f"{place} parameter removed": (
            parameters(_parameter(place)),
            parameters(),
            True,
            (LISTEN, where, "removed"),
        ),
        f"{place} parameter made required": (
            parameters(_parameter(place)),
            parameters(_parameter(place, True)),
            True,
            (LISTEN, where, "made required"),
        ),
        f"{place} parameter made optional": (
            parameters(_parameter(place, True)),
            parameters(_parameter(place)),
            False,
            (LISTEN, where, "made optional"),
        ),
        # (missed for a query parameter: "non-breaking")
        f"{place} parameter's type narrowed": (
            parameters(_parameter(place)),
            parameters(_parameter(place, type="integer")),
            True,
            (LISTEN, f"{where}.type", 'changed from "string" to "integer"'),
        ),
        f"{place} parameter's format added": (
            parameters(_parameter(place)),
            parameters(_parameter(place, format="uuid")),
            True,
            (LISTEN, f"{where}.format", 'added ("uuid")'),
        ),
        f"{place} parameter's enum narrowed": (
            parameters(_parameter(place, enum=["a", "b"])),
            parameters(_parameter(place, enum=["a"])),
            True,
            (LISTEN, f"{where}.enum", 'value "b" removed'),
        ),
        f"{place} parameter's enum widened": (
            parameters(_parameter(place, enum=["a"])),
            parameters(_parameter(place, enum=["a", "b"])),
            False,
            (LISTEN, f"{where}.enum", 'value "b" added'),
        ),
    }

OPERATION_CASES |= {
    "query array parameter's item enum narrowed": (
        parameters({**_parameter("query"), "schema": {"type": "array", "items": {"enum": [1, 2]}}}),
        parameters({**_parameter("query"), "schema": {"type": "array", "items": {"enum": [1]}}}),
        True,
        (LISTEN, "query parameter tenant.items.enum", "value 2 removed"),
    ),
    "path parameter's type narrowed": (
        tenant_path(),
        tenant_path(type="integer"),
        True,
        (LISTEN_TENANT, "path parameter tenant.type", 'changed from "string" to "integer"'),
    ),
    "path parameter's format added": (
        tenant_path(),
        tenant_path(format="uuid"),
        True,
        (LISTEN_TENANT, "path parameter tenant.format", 'added ("uuid")'),
    ),
    "path parameter's enum narrowed": (
        tenant_path(enum=["a", "b"]),
        tenant_path(enum=["a"]),
        True,
        (LISTEN_TENANT, "path parameter tenant.enum", 'value "b" removed'),
    ),
    "path parameter's enum widened": (
        tenant_path(enum=["a"]),
        tenant_path(enum=["a", "b"]),
        False,
        (LISTEN_TENANT, "path parameter tenant.enum", 'value "b" added'),
    ),
    "path parameter's maxLength narrowed": (
        tenant_path(maxLength=40),
        tenant_path(maxLength=20),
        True,
        (LISTEN_TENANT, "path parameter tenant.maxLength", "changed from 40 to 20"),
    ),
    "path item's required parameter added": (
        None,
        path_item_parameter,
        True,
        (LISTEN, "query parameter tenant", "added, required"),
    ),
    "parameter moved from the query to a header": (
        parameters(_parameter("query")),
        parameters(_parameter("header")),
        True,
        (LISTEN, "query parameter tenant", "removed"),
    ),
    # security (all missed): api-smart-diff leaves a change of the document's requirement
    # "unclassified", classes any of an operation's own "non-breaking", and does not report a
    # security scheme's changes at all
    "security scheme added to the requirement": (
        None,
        require_extra_scheme,
        True,
        (LISTEN, "security m7Extra", "added to the requirement"),
    ),
    "security scheme no longer required": (
        None,
        drop_nonce_scheme,
        False,
        (LISTEN, "security m7Nonce", "no longer required"),
    ),
    "security alternative added": (
        None,
        extra_alternative,
        False,
        (LISTEN, "security", "alternative {m7Extra} added"),
    ),
    "security alternative removed": (
        extra_alternative,
        _extra_scheme,
        True,
        (LISTEN, "security", "alternative {m7Extra} removed"),
    ),
    "operation's own security requires one more scheme": (
        None,
        listen_requires_extra_scheme,
        True,
        (LISTEN, "security m7Extra", "added to the requirement"),
    ),
    "operation opened to callers without credentials": (
        None,
        lambda d: _listen(d).update(security=[]),
        False,
        (LISTEN, "security", "no longer required"),
    ),
    "credentials required where none were": (
        lambda d: _listen(d).update(security=[]),
        lambda d: None,
        True,
        (LISTEN, "security", "now required: {m7AppKey, m7Nonce, m7Timestamp, m7Sign}"),
    ),
    "security scheme's header renamed": (
        None,
        lambda d: _schemes(d)["m7Sign"].update(name="m7-signature"),
        True,
        (LISTEN, "security scheme m7Sign.name", 'changed from "m7-sign" to "m7-signature"'),
    ),
    "security scheme moved to the query": (
        None,
        lambda d: _schemes(d)["m7Sign"].update({"in": "query"}),
        True,
        (LISTEN, "security scheme m7Sign.in", 'changed from "header" to "query"'),
    ),
    "security scheme's type changed": (
        None,
        lambda d: _schemes(d).update(m7Sign={"type": "http", "scheme": "bearer"}),
        True,
        (LISTEN, "security scheme m7Sign.type", 'changed from "apiKey" to "http"'),
    ),
    "security scheme's description changed": (
        None,
        lambda d: _schemes(d)["m7Sign"].update(description="The signature."),
        False,
        (LISTEN, "security scheme m7Sign.description", "changed from"),
    ),
    "security scope added": (
        oauth("a"),
        oauth("a", "b"),
        True,
        (LISTEN, "security m7OAuth", 'scope "b" added'),
    ),
    # request bodies
    "request body made optional": (
        None,
        lambda d: _body(d).update(required=False),
        False,
        (LISTEN, "request body required", "changed from true to false"),
    ),
    "request body made required": (
        lambda d: _body(d).update(required=False),
        lambda d: None,
        True,
        (LISTEN, "request body required", "changed from false to true"),
    ),
    "required request body added": (  # (missed)
        lambda d: _listen(d).pop("requestBody"),
        lambda d: None,
        True,
        (LISTEN, "request body", "added"),
    ),
    "request media type removed": (
        _form_too,
        lambda d: None,
        True,
        (LISTEN, "request body application/x-www-form-urlencoded", "removed"),
    ),
    "request media type added": (
        None,
        _form_too,
        False,
        (LISTEN, "request body application/x-www-form-urlencoded", "added"),
    ),
    "JSON request body replaced by text": (
        None,
        _text_body,
        True,
        (LISTEN, "request body application/json", "removed"),
    ),
    "nested request enum narrowed": (
        listen_options(),
        listen_options(enum=["quiet"]),
        True,
        (LISTEN, "request body options.mode.enum", 'value "loud" removed'),
    ),
    "nested request enum widened": (
        listen_options(),
        listen_options(enum=["quiet", "loud", "whisper"]),
        False,
        (LISTEN, "request body options.mode.enum", 'value "whisper" added'),
    ),
    "nested request maxLength narrowed": (
        listen_options(),
        listen_options(maxLength=5),
        True,
        (LISTEN, "request body options.mode.maxLength", "changed from 10 to 5"),
    ),
    "nested request maxLength widened": (
        listen_options(),
        listen_options(maxLength=50),
        False,
        (LISTEN, "request body options.mode.maxLength", "changed from 10 to 50"),
    ),
    "nested request format changed": (
        listen_options(),
        then(listen_options(), lambda d: _options(d)["properties"]["at"].update(format="date")),
        True,
        (LISTEN, "request body options.at.format", 'changed from "date-time" to "date"'),
    ),
    "nested request field removed": (
        listen_options(),
        then(listen_options(), lambda d: _options(d)["properties"].pop("at")),
        True,
        (LISTEN, "request body options.at", "removed"),
    ),
    "nested request field made required": (
        listen_options(),
        then(listen_options(), lambda d: _options(d).update(required=["mode"])),
        True,
        (LISTEN, "request body options.mode", "made required"),
    ),
    "request enum put on a free field": (  # (missed; and its echo in the response "breaking")
        None,
        lambda d: _schemas(d)["ActionId"].update(enum=["a"]),
        True,
        (LISTEN, "request body actionId.enum", 'value "a" added'),
    ),
    "request field no longer nullable": (  # (missed; and its echo in the response "breaking")
        lambda d: _schemas(d)["ActionId"].update(nullable=True),
        lambda d: None,
        True,
        (LISTEN, "request body actionId.nullable", "removed"),
    ),
    "request closed to unknown fields": (  # (missed)
        lambda d: _schemas(d)["ListenRequest"].update(additionalProperties=True),
        lambda d: None,
        True,
        (LISTEN, "request body additionalProperties", "changed from true to false"),
    ),
    "request pattern narrowed": (
        None,
        lambda d: _schemas(d)["AgentNumber"].update(pattern="^[0-9]+$"),
        True,
        (LISTEN, "request body agentNumber.pattern", 'to "^[0-9]+$"'),
    ),
    # responses
    "success status added": (  # (missed)
        None,
        lambda d: _responses(d).update({"202": copy.deepcopy(_responses(d)["200"])}),
        True,
        (LISTEN, "response 202", "added"),
    ),
    "error status added": (  # (missed)
        None,
        lambda d: _responses(d).update({"422": {"description": "Unprocessable."}}),
        True,
        (LISTEN, "response 422", "added"),
    ),
    "error status removed": (
        None,
        lambda d: _responses(d).pop("413"),
        True,
        (LISTEN, "response 413", "removed"),
    ),
    "response field's type changed": (  # (missed)
        None,
        lambda d: _envelope(d)["message"].update(type="integer"),
        True,
        (LISTEN, "response 200 message.type", 'changed from "string" to "integer"'),
    ),
    "response field made nullable": (  # (missed)
        None,
        lambda d: _envelope(d)["message"].update(nullable=True),
        True,
        (LISTEN, "response 200 message.nullable", "added (true)"),
    ),
    "response enum widened": (
        None,
        lambda d: _envelope(d)["success"].update(enum=[True, False]),
        True,
        (LISTEN, "response 200 success.enum", "value false added"),
    ),
    "response enum narrowed": (
        lambda d: _envelope(d)["success"].update(enum=[True, False]),
        lambda d: None,
        False,
        (LISTEN, "response 200 success.enum", "value false removed"),
    ),
    "error response's maxLength lowered": (  # (missed: "breaking", as any narrowing of an error)
        None,
        lambda d: _schemas(d)["ErrorEnvelope"]["properties"]["message"].update(maxLength=1000),
        False,
        (LISTEN, "response 409 message.maxLength", "changed from 2000 to 1000"),
    ),
    "response closed to unknown fields": (  # (missed: "breaking")
        None,
        lambda d: _schemas(d)["SuccessEnvelope"].update(additionalProperties=False),
        False,
        (LISTEN, "response 200 additionalProperties", "added (false)"),
    ),
    "response maxLength raised": (
        None,
        lambda d: _envelope(d)["message"].update(maxLength=400),
        True,
        (LISTEN, "response 200 message.maxLength", "changed from 200 to 400"),
    ),
    "response field made optional": (
        None,
        lambda d: _schemas(d)["SuccessEnvelope"]["required"].remove("message"),
        True,
        (LISTEN, "response 200 message", "made optional"),
    ),
    "response field made required": (
        lambda d: _schemas(d)["SuccessEnvelope"]["required"].remove("message"),
        lambda d: None,
        False,
        (LISTEN, "response 200 message", "made required"),
    ),
    "nested required response field removed": (
        None,
        lambda d: _schemas(d)["CallServiceResponse"]["properties"].pop("message"),
        True,
        (LISTEN, "response 200 data.response.message", "removed"),
    ),
    "nested optional response field removed": (
        None,
        lambda d: _schemas(d)["MediaInfo"]["properties"].pop("mediaServer"),
        False,
        (LISTEN, "response 200 data.response.data.mediaServer", "removed"),
    ),
    "response media type removed": (
        None,
        lambda d: _responses(d)["200"]["content"].update(
            {"text/plain": _responses(d)["200"]["content"].pop("application/json")}
        ),
        True,
        (LISTEN, "response 200 application/json", "removed"),
    ),
    "response header added": (
        None,
        _trace_header(),
        False,
        (LISTEN, "response 200 header X-Trace-Id", "added"),
    ),
    "response header removed": (
        _trace_header(),
        lambda d: None,
        True,
        (LISTEN, "response 200 header X-Trace-Id", "removed"),
    ),
    "response header made optional": (  # (missed: "non-breaking")
        _trace_header(required=True),
        _trace_header(),
        True,
        (LISTEN, "response 200 header X-Trace-Id", "made optional"),
    ),
    "response header's type changed": (  # (missed: "unclassified")
        None,
        lambda d: _retry_after(d).update(type="string", format="date-time"),
        True,
        (LISTEN, "response 429 header Retry-After.type", 'changed from "integer" to "string"'),
    ),
    "response header's maximum raised": (  # (missed: "unclassified")
        None,
        lambda d: _retry_after(d).update(maximum=604800),
        True,
        (LISTEN, "response 503 header Retry-After.maximum", "changed from 86400 to 604800"),
    ),
    "response header's maximum lowered": (  # (missed: "unclassified")
        None,
        lambda d: _retry_after(d).update(maximum=3600),
        False,
        (LISTEN, "response 503 header Retry-After.maximum", "changed from 86400 to 3600"),
    ),
}

for _case, (_base, _head, _breaking, _named) in OPERATION_CASES.items():
    CASES[_case] = (_head, _breaking, _named)
    if _base is not None:
        BASE_PLANTS[_case] = _base


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")  # JSON is YAML
    return path


class Ran:
    """What one in-process run of scripts/spec_diff.py printed and returned."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def spec_diff(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """``scripts/spec_diff.py`` run in this process (it still starts node for the diff)."""

    def run(*args: str) -> Ran:
        capsys.readouterr()
        returncode = main(list(args))
        captured = capsys.readouterr()
        return Ran(returncode, captured.out, captured.err)

    return run


@pytest.fixture(scope="module")
def planted_reports() -> dict[str, list[dict[str, Any]]]:
    """The changes of every planted case, from one run of api-smart-diff for all of them."""
    planted = {}
    for case, (plant, _, _) in CASES.items():
        changed = copy.deepcopy(doc.load())
        plant(changed)
        base = copy.deepcopy(doc.load())
        if case in BASE_PLANTS:
            BASE_PLANTS[case](base)
        assert changed != base, f"the plants of {case!r} leave the two documents alike"
        planted[case] = (base, changed)
    results = compare_many(list(planted.values()))
    return {
        case: [vars(change) for change in changes]
        for case, changes in zip(planted, results, strict=True)
    }


@pytest.mark.parametrize("case", CASES)
def test_each_planted_change_is_classed_and_named(
    case: str, planted_reports: dict[str, list[dict[str, Any]]]
) -> None:
    _, breaking, (operation, where, what) = CASES[case]
    changes = planted_reports[case]
    named = [
        c
        for c in changes
        if c["operation"] == operation and c["where"] == where and what in c["what"]
    ]
    assert named, f"no change {operation} {where}: {what} in {changes}"
    classed = "breaking" if breaking else "not breaking"
    assert all(c["breaking"] is breaking for c in named), f"should be {classed}: {named}"
    assert any(c["breaking"] for c in changes) is breaking, f"all should be {classed}: {changes}"
    for operation, where in ABSENT.get(case, []):
        assert not [
            c for c in changes if c["operation"] == operation and c["where"].startswith(where)
        ], f"{operation} {where} should not be in {changes}"


def test_no_change_is_named_by_its_place_in_a_list(
    planted_reports: dict[str, list[dict[str, Any]]],
) -> None:
    """A parameter, an enum value, a security alternative or a header is named by what it is,
    never by its index ("parameters.0", "enum.1", "security.0") nor as a "headers" map."""
    by_place = re.compile(r"\.[0-9]+(\.|$)|\bheaders\b|^parameters")
    named_by_place = [
        (case, change["operation"], change["where"])
        for case, changes in planted_reports.items()
        for change in changes
        if by_place.search(change["where"])
    ]
    assert not named_by_place


def test_a_rule_of_several_operations_is_named_at_each(
    planted_reports: dict[str, list[dict[str, Any]]],
) -> None:
    """call-ringing refuses listen, whisper and lootCall: its status changed at all three,
    and only there."""
    named = {
        c["operation"]
        for c in planted_reports["call-state rule's status changed"]
        if c["where"] == CALL_RINGING
    }
    assert named == {LISTEN, WHISPER, "POST /openapi/v1/call/lootCall"}


def test_the_base_without_a_table_gives_exactly_one_rule_change(
    planted_reports: dict[str, list[dict[str, Any]]],
) -> None:
    rules = [c for c in planted_reports["base without a table"] if c["kind"] == "rule"]
    assert [(c["operation"], c["where"], c["what"]) for c in rules] == [
        ("document", "call-state rules", "now a table (x-call-state-rules)")
    ]


@pytest.mark.parametrize("case", ["new required request field", "new optional request field"])
def test_the_command_exits_1_exactly_when_a_change_breaks(
    case: str, tmp_path: Path, spec_diff: Callable[..., Ran]
) -> None:
    plant, breaking, (operation, where, what) = CASES[case]
    changed = copy.deepcopy(doc.load())
    plant(changed)
    base = _write(tmp_path / "base.yaml", doc.load())
    head = _write(tmp_path / "head.yaml", changed)
    result = spec_diff("--base-file", str(base), "--head-file", str(head))
    assert result.returncode == (1 if breaking else 0), result.stdout
    assert f"{operation}  {where}: {what}" in result.stdout


def test_the_same_document_has_no_changes(tmp_path: Path, spec_diff: Callable[..., Ran]) -> None:
    base = _write(tmp_path / "base.yaml", doc.load())
    result = spec_diff("--base-file", str(base), "--head-file", str(doc.CALL_MONITOR))
    assert result.returncode == 0, result.stdout
    assert "0 change(s), 0 breaking" in result.stdout


#: A document whose fourth line is indented one space too far, and what spec-diff says of it.
NOT_YAML = "openapi: 3.0.3\ninfo:\n  title: Call monitor\n   version: 1.1.0\npaths: {}\n"
NOT_YAML_SAYS = ":4:11: not valid YAML: mapping values are not allowed in this context\n"


@pytest.mark.parametrize("side", ["base", "head"])
def test_a_document_that_is_not_yaml_gets_one_line_naming_file_line_and_column(
    side: str, tmp_path: Path, spec_diff: Callable[..., Ran]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(NOT_YAML, "utf-8")
    files = {"base": str(doc.CALL_MONITOR), "head": str(doc.CALL_MONITOR), side: str(broken)}
    result = spec_diff("--base-file", files["base"], "--head-file", files["head"])
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"spec-diff: {broken}{NOT_YAML_SAYS}"


# --- the version gate, in a scratch repository whose main holds the current document ---

#: The current document's version, and the next minor and major ones.
VERSION = str(doc.load()["info"]["version"])
_MAJOR, _MINOR, _ = (int(part) for part in VERSION.split("."))
NEXT_MINOR = f"{_MAJOR}.{_MINOR + 1}.0"
NEXT_MAJOR = f"{_MAJOR + 1}.0.0"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    (tmp_path / "openapi").mkdir()
    shutil.copy(doc.CALL_MONITOR, tmp_path / "openapi" / "call-monitor.yaml")
    shutil.copy(doc.ROOT / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(
        tmp_path,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.invalid",
        "commit",
        "-q",
        "-m",
        "base",
    )
    _git(tmp_path, "checkout", "-q", "-b", "feature")
    return tmp_path


def _change(repo: Path, plant: Plant | None, version: str | None, changelog: bool) -> None:
    document = copy.deepcopy(doc.load())
    if plant is not None:
        plant(document)
    if version is not None:
        document["info"]["version"] = version
    _write(repo / "openapi" / "call-monitor.yaml", document)
    if changelog and version is not None:
        with (repo / "CHANGELOG.md").open("a", encoding="utf-8") as handle:
            handle.write(f"\n## {version}\n\n- a planted change\n")


@pytest.fixture
def version_gate(scratch_repo: Path, spec_diff: Callable[..., Ran]) -> Callable[[], Ran]:
    return lambda: spec_diff("--gate", "--root", str(scratch_repo))


def test_gate_passes_an_unchanged_document(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    result = version_gate()
    assert result.returncode == 0, result.stdout
    assert "version gate: passed" in result.stdout


def test_gate_fails_a_breaking_change_without_a_major_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_required_field, NEXT_MINOR, changelog=True)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert f"need a major version ({VERSION} -> {NEXT_MAJOR}, not {NEXT_MINOR})" in result.stdout
    assert f"{LISTEN}  request body silentMode: made required" in result.stdout


def test_gate_passes_the_breaking_change_with_a_major_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_required_field, NEXT_MAJOR, changelog=True)
    result = version_gate()
    assert result.returncode == 0, result.stdout
    assert "version gate: passed" in result.stdout


def test_gate_fails_any_change_without_a_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_optional_field, None, changelog=False)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert f"info.version is still {VERSION}" in result.stdout
    assert f"bump it to {NEXT_MINOR}" in result.stdout


def test_gate_passes_a_compatible_change_with_a_minor_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_optional_field, NEXT_MINOR, changelog=True)
    assert version_gate().returncode == 0


def test_gate_fails_a_call_state_rule_removed_without_a_major_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, remove_rule_from_operation, NEXT_MINOR, changelog=True)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert f"need a major version ({VERSION} -> {NEXT_MAJOR}, not {NEXT_MINOR})" in result.stdout
    assert f"{WHISPER}  {CALL_RINGING}: removed" in result.stdout


def test_gate_passes_a_call_state_message_changed_with_a_minor_bump(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, change_rule_message, NEXT_MINOR, changelog=True)
    result = version_gate()
    assert result.returncode == 0, result.stdout
    assert f"{LISTEN}  {CALL_RINGING}: message changed" in result.stdout


def test_gate_fails_a_version_without_a_changelog_entry(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    _change(scratch_repo, add_optional_field, NEXT_MINOR, changelog=False)
    result = version_gate()
    assert result.returncode == 1, result.stdout
    assert f"CHANGELOG.md has no entry for {NEXT_MINOR}" in result.stdout


def test_a_committed_document_that_is_not_yaml_is_named_by_ref(
    scratch_repo: Path, spec_diff: Callable[..., Ran]
) -> None:
    (scratch_repo / "openapi" / "call-monitor.yaml").write_text(NOT_YAML, "utf-8")
    _git(
        scratch_repo,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.invalid",
        "commit",
        "-qam",
        "x",
    )
    result = spec_diff("--base", "feature", "--root", str(scratch_repo))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"spec-diff: feature:openapi/call-monitor.yaml{NOT_YAML_SAYS}"


def test_gate_names_a_working_tree_document_that_is_not_yaml(
    scratch_repo: Path, version_gate: Callable[[], Ran]
) -> None:
    document = scratch_repo / "openapi" / "call-monitor.yaml"
    document.write_text(NOT_YAML, "utf-8")
    result = version_gate()
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"spec-diff: {document}{NOT_YAML_SAYS}"
