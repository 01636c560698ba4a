"""The five operations on the agents named in the environment: success or a declared refusal.

On a real deployment these act on a live call: ``M7_CONTRACT_SUPERVISOR`` listens to,
whispers to, barges into, takes over and finally hangs up the call of ``M7_CONTRACT_AGENT``.
Name a test supervisor and a test agent (never a production one); without both variables the
tests are skipped. On the self-started mock they default to the demo's 2002 and 9527.
"""

from __future__ import annotations

import pytest

from m7_contract.client import Contract
from m7_contract.conformance import expect_business_error, expect_success
from m7_contract.document import AGENT_FIELD, supervisor_field

pytestmark = pytest.mark.socket

#: The order a supervisor would use them: observe, coach, join, take over, end.
SEQUENCE = ("listen", "whisper", "lootCall", "pickupChannel", "hangupChannel")


@pytest.fixture(scope="module")
def named_agents(contract: Contract) -> tuple[str, str]:
    target = contract.target
    if not (target.supervisor and target.agent):
        pytest.skip(
            "M7_CONTRACT_SUPERVISOR and M7_CONTRACT_AGENT are not both set: the call-changing "
            "operations act on live calls, so they run only on agents named for the purpose"
        )
    return target.supervisor, target.agent


@pytest.mark.parametrize("operation", SEQUENCE)
def test_the_operation_succeeds_or_is_refused_as_declared(
    contract: Contract, named_agents: tuple[str, str], operation: str
) -> None:
    supervisor, agent = named_agents
    body = {supervisor_field(operation): supervisor, AGENT_FIELD: agent, "actionId": "contract"}
    response, envelope = contract.post(operation, body)
    if response.status_code == 200:
        expect_success(operation, response.status_code, response.content, sent=body)
    else:
        expect_business_error(operation, response.status_code, envelope["code"])
