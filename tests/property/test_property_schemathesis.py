"""Schemathesis against the mock: every check, positive and negative data, signed requests.

The schema is the document itself (not the copy the mock serves), bound to the mock's ASGI
app in this process. Every request Schemathesis sends is signed afresh with the demo account
by an auth provider with caching off, so replay protection never refuses a legitimate case;
Schemathesis' own ``ignored_auth`` and ``missing_required_header`` probes then strip or garble
the four headers and expect the refusal.

The budget is the Hypothesis profile's ``max_examples`` per operation and mode (40 by
default, 1000 with ``HYPOTHESIS_PROFILE=thorough``).

One expectation is configured, because the document chose otherwise (docs/testing.md):
``positive_data_acceptance`` also accepts 400, since a body that matches the schema but names
the same agent twice is refused with ``400``/``40001`` (the document's ``BadRequest``);
the extra check ``a_400_for_a_valid_body_is_only_the_same_agent`` holds that exception to
exactly that.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

import httpx
import schemathesis
from hypothesis import settings
from hypothesis import strategies as st
from schemathesis import Case, CheckContext, GenerationMode, HookContext

from mock_server.app import create_app
from mock_server.settings import Settings
from tests.support.clock import Clock
from tests.support.document import AGENT_FIELD, OPERATIONS, is_valid_body, load, supervisor_field
from tests.support.inprocess import APP_KEY, SECRET
from tests.support.nonces import next_nonce
from tests.support.strategies import signed_headers

#: What the positive-data check accepts: its defaults plus 400 for 40001 (see the docstring).
POSITIVE_STATUSES = ["2xx", "400", "401", "403", "404", "409", "429"]

MAX_EXAMPLES = settings().max_examples  # the loaded Hypothesis profile's

# Built at import: Schemathesis parametrizes at collection time, and its fixture-based lazy
# loading (``schemathesis.pytest.from_fixture``) breaks on pytest 9 (``Function._nodeid``).
CLOCK = Clock.real()
MOCK = create_app(dataclasses.replace(Settings(), clock=CLOCK))

schema = schemathesis.openapi.from_dict(load())
schema.app = MOCK
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
)
schema.config.checks.update(included_check_names=["all"])
schema.config.checks.positive_data_acceptance.expected_statuses = POSITIVE_STATUSES


@schema.auth(refresh_interval=None)
class M7Signature:
    """The vendor's rule, fresh for every case: a new nonce and the current second."""

    def get(self, case: Case[Any], context: Any) -> dict[str, str]:
        return signed_headers(APP_KEY, SECRET, int(CLOCK()), next_nonce())

    def set(self, case: Case[Any], data: dict[str, str], context: Any) -> None:
        case.headers.update(data)


def a_400_for_a_valid_body_is_only_the_same_agent(
    ctx: CheckContext, response: Any, case: Case[Any]
) -> bool | None:
    """The one 400 the document allows for a schema-valid body: ``40001``, same agent."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code != 400:
        return None
    body = json.loads(response.content)
    sent = case.body if isinstance(case.body, dict) else {}
    named = [value for key, value in sent.items() if key != "actionId"]
    assert body.get("code") == "40001", f"a valid body was refused: {body}"
    assert len(set(named)) == 1, f"40001 for two different agents: {sent}"
    return True


@schema.hook
def flatmap_body(context: HookContext, body: Any) -> st.SearchStrategy[Any]:
    """Valid bodies also name demo agents now and then, so that some actions succeed
    (``ignored_auth`` probes only operations that answered 2xx). Only bodies already valid
    are touched, and they stay valid: a negative case keeps what makes it negative."""
    operation = context.operation.definition.raw["operationId"] if context.operation else ""
    if operation not in OPERATIONS or not is_valid_body(operation, body):
        return st.just(body)
    demo = {supervisor_field(operation): "2002", AGENT_FIELD: "9527"}
    return st.sampled_from([body, {**body, **demo}])


def _reset() -> None:
    """Back to the demo scenario through the admin API, before every case."""

    async def post() -> int:
        transport = httpx.ASGITransport(app=MOCK)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as http:
            return (await http.post("/__mock/reset")).status_code

    assert asyncio.run(post()) == 200


@schema.parametrize()
def test_schemathesis_finds_nothing(case: Case[Any]) -> None:
    _reset()
    case.call_and_validate(additional_checks=[a_400_for_a_valid_body_is_only_the_same_agent])
