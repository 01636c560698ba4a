"""One rule table, read by both backends: a rule changed in the table alone changes both.

The in-memory ``CallCenter`` takes the table (``rules=``), the Redis script is built from it
(``act_script(table)``; both through ``make_center``); each test changes the document's table the way a maintainer would
(an operation dropped from a rule, a message reworded, two rules swapped) and sees the same
change on both backends, so neither may keep a rule of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from mock_server.model.callcenter import CallCenter, CallStateError
from mock_server.model.rules import Precondition, RuleTable, call_state_rules
from mock_server.model.scenario import DEMO
from tests.support.centers import MakeCenter

#: The demo's agents (see tests/unit/test_callcenter.py): 2000 an idle supervisor, 9529 an
#: agent whose call is ringing, 9530 an idle agent, 0000 nobody.
IDLE_SUPERVISOR, RINGING_AGENT, IDLE_AGENT, NOBODY = "2000", "9529", "9530", "0000"


@pytest.fixture
def with_table(make_center: MakeCenter) -> Callable[[RuleTable], CallCenter]:
    """Builds the demo call center on one backend, reading the table it is given."""
    return lambda table: make_center(DEMO, rules=table)


def _changed(table: RuleTable, refuses: str, **changes: object) -> RuleTable:
    rows = tuple(
        dataclasses.replace(p, **changes) if p.refuses == refuses else p  # type: ignore[arg-type]
        for p in table.preconditions
    )
    return dataclasses.replace(table, preconditions=rows)


def _refusal(action: Callable[[], object]) -> tuple[int, str, str, str]:
    with pytest.raises(CallStateError) as info:
        action()
    error = info.value
    return error.status, error.code, error.field, error.message


def test_whisper_on_a_ringing_call_follows_the_table(
    with_table: Callable[[RuleTable], CallCenter],
) -> None:
    document = with_table(call_state_rules())
    assert _refusal(lambda: document.whisper(IDLE_SUPERVISOR, RINGING_AGENT))[:2] == (409, "40904")

    ringing = next(p for p in call_state_rules().preconditions if p.refuses == "call-ringing")
    allowed = _changed(
        call_state_rules(),
        "call-ringing",
        operations=tuple(op for op in ringing.operations if op != "whisper"),
    )
    center = with_table(allowed)
    call = center.whisper(IDLE_SUPERVISOR, RINGING_AGENT)
    assert (call.state, call.supervisor, call.mode) == ("ringing", IDLE_SUPERVISOR, "whisper")
    assert center.agent(IDLE_SUPERVISOR).status == "monitoring"
    # the other operations of the rule keep it
    assert _refusal(lambda: center.listen("2002", RINGING_AGENT))[:2] == (409, "40904")


def test_a_rule_reworded_in_the_table_is_the_refusal_both_give(
    with_table: Callable[[RuleTable], CallCenter],
) -> None:
    reworded = _changed(
        call_state_rules(),
        "no-live-call",
        status=410,
        code="41003",
        message="agentNumber: {agent} is not on a call ({field} asked)",
    )
    center = with_table(reworded)
    assert _refusal(lambda: center.hangup_channel(IDLE_SUPERVISOR, IDLE_AGENT)) == (
        410,
        "41003",
        "agentNumber",
        "agentNumber: 9530 is not on a call (hangupAgent asked)",
    )


def test_the_table_s_order_is_the_order_both_check_in(
    with_table: Callable[[RuleTable], CallCenter],
) -> None:
    """Nobody listening to an idle agent fails two rules; the first in the table answers."""
    table = call_state_rules()
    assert _refusal(lambda: with_table(table).listen(NOBODY, IDLE_AGENT))[1] == "40401"

    rows = list(table.preconditions)
    late: Precondition = next(p for p in rows if p.refuses == "no-live-call")
    rows.remove(late)
    swapped = dataclasses.replace(table, preconditions=(late, *rows))
    assert _refusal(lambda: with_table(swapped).listen(NOBODY, IDLE_AGENT))[1] == "40903"


def test_an_effect_changed_in_the_table_is_the_effect_both_apply(
    with_table: Callable[[RuleTable], CallCenter],
) -> None:
    """lootCall made to listen instead of barging in."""
    table = call_state_rules()
    effects = dict(table.effects)
    effects["lootCall"] = dataclasses.replace(effects["lootCall"], mode="listen")
    center = with_table(dataclasses.replace(table, effects=effects))
    assert center.loot_call(IDLE_SUPERVISOR, "9527").mode == "listen"
