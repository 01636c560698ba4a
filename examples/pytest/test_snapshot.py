"""A state reached after many steps, saved once and loaded again (in another test's account).

A snapshot is the account's call center (in the scenario format: agents, live calls, who
monitors them), its faults and its clock, as one JSON document: keep it as a file beside your
tests, load it where a test needs that state.
"""

from __future__ import annotations

import json
from pathlib import Path

from m7_mock_pytest import MockAccount


def test_a_busy_floor_saved_and_loaded_again(m7_account: MockAccount, tmp_path: Path) -> None:
    m7_account.agent_online("2010", role="supervisor")
    for number in ("9540", "9541", "9542"):
        m7_account.agent_online(number)
        m7_account.call_talking(number)
    m7_account.supervisor_monitoring("2010", "9541")
    m7_account.set_faults({"latency": {"fixedMs": 5}})
    m7_account.freeze_clock(1_767_225_600)  # 2026-01-01 00:00:00 UTC

    saved = tmp_path / "busy-floor.json"
    saved.write_text(json.dumps(m7_account.snapshot()))

    m7_account.load_scenario({"agents": [{"number": "9540", "role": "agent"}]})  # all gone
    m7_account.load_snapshot(json.loads(saved.read_text()))

    state = m7_account.state()
    talking = sorted(c["agent"] for c in state["calls"] if c["state"] == "talking")
    assert {"9540", "9541", "9542"} <= set(talking)
    monitored = next(c for c in state["calls"] if c["agent"] == "9541")
    assert monitored["supervisor"] == "2010"
    assert m7_account.now() == 1_767_225_600
    assert m7_account.snapshot() == json.loads(saved.read_text())
