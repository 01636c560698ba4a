"""The call center of one account as the fields of one Redis hash (``m7:{K}:callcenter``).

A supervisor action (``act.lua``) reads and writes only the fields it needs, so it costs the
same whatever the size of the call center; an admin change rewrites every field (in one
``MULTI``), so the two indexes are always those of the calls:

==================  ==============================================================
field               holds
==================  ==============================================================
``media``           the media server (text)
``next``            the number of the next call id (text)
``agents``          the agents' numbers, in order (JSON)
``calls``           the live calls' ids, in order (JSON)
``a:<number>``      an agent: its ``AGENT_ROW`` list (JSON)
``c:<id>``          a call: its ``CALL_ROW`` list (JSON)
``on:<agent>``      the id of the call that agent is on
``mon:<number>``    the id of the call that supervisor monitors
==================  ==============================================================

The data is ``CallCenter.export``'s; ``center_data(center_fields(data)) == data``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from mock_server.model.callcenter import AGENT_ROW, CALL_ROW

__all__ = ["center_data", "center_fields"]

#: The places of the fields the indexes need in a stored call (``CALL_ROW``).
_ID, _AGENT, _SUPERVISOR = (CALL_ROW.index(name) for name in ("id", "agent", "supervisor"))
_NUMBER = AGENT_ROW.index("number")


def center_fields(data: Mapping[str, Any]) -> dict[str, bytes]:
    """The hash's fields for ``CallCenter.export``'s ``data``."""
    agents, calls = data["agents"], data["calls"]
    fields = {
        "media": str(data["mediaServer"]).encode(),
        "next": str(data["nextCall"]).encode(),
        "agents": orjson.dumps([agent[_NUMBER] for agent in agents]),
        "calls": orjson.dumps([call[0] for call in calls]),
    }
    for agent in agents:
        fields[f"a:{agent[_NUMBER]}"] = orjson.dumps(agent)
    for call in calls:
        call_id, on, supervisor = call[_ID], call[_AGENT], call[_SUPERVISOR]
        fields[f"c:{call_id}"] = orjson.dumps(call)
        fields[f"on:{on}"] = call_id.encode()
        if supervisor is not None:
            fields[f"mon:{supervisor}"] = call_id.encode()
    return fields


def center_data(fields: Mapping[Any, Any]) -> dict[str, Any] | None:
    """``CallCenter.export``'s data from the hash's fields as redis-py reads them (bytes;
    ``None``: no such hash)."""
    if not fields:
        return None
    return {
        "mediaServer": fields[b"media"].decode(),
        "nextCall": int(fields[b"next"]),
        "agents": [
            orjson.loads(fields[f"a:{n}".encode()]) for n in orjson.loads(fields[b"agents"])
        ],
        "calls": [orjson.loads(fields[f"c:{i}".encode()]) for i in orjson.loads(fields[b"calls"])],
    }
