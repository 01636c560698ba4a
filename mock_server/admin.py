"""The admin API's operations (``openapi/mock-admin.yaml``), served under ``/__mock``.

Thin like the vendor handlers: connexion has validated the body against the admin document;
each function makes one call on the mock's state and returns JSON. A refusal of the call
center (``CallStateError``), an impossible scenario (``ScenarioError``) or fault plan
(``FaultsError``) propagates to the error handlers, which answer with the error envelope.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mock_server.context import current
from mock_server.documents import VENDOR_DOCUMENT, load_document, resolve, vendor_operations
from mock_server.envelope import json_response
from mock_server.faults import FaultPlan
from mock_server.scenario import parse_scenario
from mock_server.state import MockState
from mock_server.web.pages import signing_config

__all__ = [
    "answer_call",
    "clear_faults",
    "clear_journal",
    "delete_agent",
    "end_call",
    "get_config",
    "get_faults",
    "get_journal",
    "get_state",
    "load_scenario",
    "put_agent",
    "put_faults",
    "reset",
    "start_call",
]


def _state() -> MockState:
    return current().state


def _snapshot(state: MockState) -> Response:
    return json_response(200, state.callcenter.snapshot())


async def get_state() -> Response:
    return _snapshot(_state())


async def reset() -> Response:
    """Back to the scenario; the replay cache is forgotten too, so recordings can be resent."""
    state = _state()
    state.callcenter.reset()
    state.replay.clear()
    return _snapshot(state)


async def load_scenario(body: dict[str, Any]) -> Response:
    state = _state()
    state.callcenter.load(parse_scenario(body))
    return _snapshot(state)


async def put_agent(number: str, body: dict[str, Any]) -> Response:
    agent = _state().callcenter.put_agent(
        number, name=body.get("name"), role=body.get("role"), online=body.get("online")
    )
    return json_response(200, agent.to_dict())


async def delete_agent(number: str) -> Response:
    state = _state()
    state.callcenter.remove_agent(number)
    return _snapshot(state)


async def start_call(body: dict[str, Any]) -> Response:
    call = _state().callcenter.start_call(
        body["agent"], customer=body["customer"], state=body.get("state", "ringing")
    )
    return json_response(201, call.to_dict())


async def answer_call(call_id: str) -> Response:
    return json_response(200, _state().callcenter.answer_call(call_id).to_dict())


async def end_call(call_id: str) -> Response:
    return json_response(200, _state().callcenter.end_call(call_id).to_dict())


def _operation_facts() -> list[dict[str, str]]:
    """The five operations as the console needs them, read from the vendor document."""
    document = load_document(VENDOR_DOCUMENT)
    facts = []
    for path, operation in vendor_operations().items():
        schema = resolve(
            document, operation.spec["requestBody"]["content"]["application/json"]["schema"]
        )
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


async def get_config() -> Response:
    """What the console needs to run: the auth mode, the in-page signing, the operations."""
    settings = _state().settings
    return json_response(
        200,
        {
            "authMode": settings.auth_mode,
            "signing": signing_config(settings),
            "operations": _operation_facts(),
        },
    )


async def get_journal() -> Response:
    journal = _state().journal
    return json_response(200, {"capacity": journal.capacity, "entries": journal.entries()})


async def clear_journal() -> Response:
    return json_response(200, {"cleared": _state().journal.clear()})


async def get_faults() -> Response:
    return json_response(200, _state().faults.plan.to_dict())


async def put_faults(body: dict[str, Any]) -> Response:
    faults = _state().faults
    faults.set(FaultPlan.from_dict(body))
    return json_response(200, faults.plan.to_dict())


async def clear_faults() -> Response:
    faults = _state().faults
    faults.clear()
    return json_response(200, faults.plan.to_dict())
