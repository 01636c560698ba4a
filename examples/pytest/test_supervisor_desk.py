"""The desk's buttons against the m7 mock: arrange a call center, click, verify.

``m7_account`` (from the m7-mock-server wheel's pytest plugin) is a fresh account of the
mock for each test: its own call center (the demo's agents 2000-2003 and 9527-9531), journal,
faults and clock, deleted when the test ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from supervisor_desk import SupervisorDesk

from m7_mock_pytest import MockAccount


@pytest.fixture
def desk(m7_account: MockAccount) -> Iterator[SupervisorDesk]:
    """The code under test, configured with the test's account as it would be in production."""
    desk = SupervisorDesk(m7_account.base_url, m7_account.app_key, m7_account.secret)
    yield desk
    desk.close()


def test_a_supervisor_listens_to_an_agent_on_a_call(
    desk: SupervisorDesk, m7_account: MockAccount
) -> None:
    m7_account.agent_online("2010", role="supervisor")
    m7_account.agent_online("9540")
    m7_account.call_talking("9540")

    assert desk.listen_in("2010", "9540") == "listening to 9540"

    m7_account.verify("listen", listenAgent="2010", agentNumber="9540", exactly=1)
    supervisor = next(a for a in m7_account.state()["agents"] if a["number"] == "2010")
    assert supervisor["status"] == "monitoring"


def test_cut_off_hangs_up_exactly_once_for_that_agent(
    desk: SupervisorDesk, m7_account: MockAccount
) -> None:
    m7_account.call_talking("9530")

    assert desk.cut_off("2000", "9530") == "call of 9530 cut off"

    m7_account.verify("hangupChannel", agentNumber="9530", exactly=1)
    m7_account.verify("hangupChannel", agentNumber="9527", exactly=0)  # nobody else's


def test_an_agent_without_a_call_cannot_be_listened_to(
    desk: SupervisorDesk, m7_account: MockAccount
) -> None:
    m7_account.agent_online("9541")  # online, idle: no call

    shown = desk.listen_in("2002", "9541")

    assert shown.startswith("cannot listen to 9541: ")
    m7_account.verify("listen", agentNumber="9541", status=409, exactly=1)


def test_a_call_another_supervisor_monitors_cannot_be_listened_to(
    desk: SupervisorDesk, m7_account: MockAccount
) -> None:
    m7_account.call_talking("9530")
    m7_account.supervisor_monitoring("2002", "9530")  # 2002 listens already

    shown = desk.listen_in("2000", "9530")

    assert shown.startswith("cannot listen to 9530: ")
    m7_account.verify("listen", listenAgent="2000", status=200, exactly=0)


def test_the_desk_retries_when_the_service_is_busy(
    desk: SupervisorDesk, m7_account: MockAccount
) -> None:
    # Half the listens get 503; with a seed, the same ones in every run: with this one the
    # first listen fails and the desk's retry gets through.
    m7_account.set_faults(
        {"operations": {"listen": {"status": {"status": 503, "ratio": 0.5}}}}, seed=7
    )

    assert desk.listen_in("2002", "9527") == "listening to 9527"

    m7_account.verify("listen", status=503, exactly=1)
    m7_account.verify("listen", status=200, exactly=1)
