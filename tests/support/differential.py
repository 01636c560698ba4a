"""What the two differential tests share: the scenario both backends start from, the
supervisor field of each action, and how a difference is shown."""

from __future__ import annotations

import difflib
import pprint
from typing import Final

from mock_server.model.scenario import AgentSpec, CallSpec, Scenario

__all__ = ["FIELDS", "ON_CALLS", "SCENARIO", "SUPERVISORS", "side_by_side"]

#: Every kind of agent and call, so that every refusal is reachable at once: idle, offline,
#: monitoring and busy supervisors; talking, monitored, ringing, idle and offline agents; a
#: call id outside the ``call-NNNN`` pattern and a gap before the highest one.
SCENARIO: Final = Scenario(
    media_server="10.0.0.9:5060",
    agents=(
        AgentSpec("3000", "Idle Sup", "supervisor", online=True),
        AgentSpec("3001", "Offline Sup", "supervisor", online=False),
        AgentSpec("3002", "Whispering Sup", "supervisor", online=True),
        AgentSpec("3003", "Busy Sup", "supervisor", online=True),
        AgentSpec("3004", "Other Sup", "supervisor", online=True),
        AgentSpec("8001", "Talking", "agent", online=True),
        AgentSpec("8002", "Monitored", "agent", online=True),
        AgentSpec("8003", "Ringing", "agent", online=True),
        AgentSpec("8004", "Idle", "agent", online=True),
        AgentSpec("8005", "Offline", "agent", online=False),
    ),
    calls=(
        CallSpec("call-0001", "13800138000", "8001", "talking"),
        CallSpec("call-0002", "13900139000", "8002", "talking", supervisor="3002", mode="whisper"),
        CallSpec("vip-1", "13700137000", "8003", "ringing"),
        CallSpec("call-0007", "13600136000", "3003", "ringing"),
    ),
)
SUPERVISORS: Final = tuple(a.number for a in SCENARIO.agents if a.role == "supervisor")
ON_CALLS: Final = tuple(c.agent for c in SCENARIO.calls)
#: The supervisor field of each action (what the API names it).
FIELDS: Final = {
    "listen": "listenAgent",
    "whisper": "whisperAgent",
    "loot_call": "lootCallAgent",
    "hangup_channel": "hangupAgent",
    "pickup_channel": "pickupAgent",
}


def side_by_side(memory: object, redis: object) -> str:
    """A unified diff of what each backend gave, pretty-printed."""
    lines = difflib.unified_diff(
        pprint.pformat(memory, width=96).splitlines(),
        pprint.pformat(redis, width=96).splitlines(),
        "memory",
        "redis",
        lineterm="",
    )
    return "\n".join(lines)
