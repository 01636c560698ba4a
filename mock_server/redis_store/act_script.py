"""The request path's script for Redis, built at start-up from the rule table.

``act.lua`` interprets the call-state rules but writes none: this module puts the table of
the vendor document (``mock_server.model.rules``) in front of it as Lua data, and the places
of a call's and an agent's fields (``CALL_ROW``, ``AGENT_ROW``), so that the in-memory center
and Redis read one statement of the rules and one layout of a record. ``take_faults`` comes
first (``faults.lua``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Final

from mock_server.model.callcenter import AGENT_ROW, CALL_ROW
from mock_server.model.rules import ACTIONS, OPERATION_OF, OPERATIONS, RuleTable, call_state_rules
from mock_server.redis_store.faults import TAKE_FAULTS

__all__ = ["act_script", "request_script"]

_INTERPRETER: Final = Path(__file__).with_name("act.lua").read_text(encoding="utf-8")


def _lua(text: str) -> str:
    """A Lua string literal of ``text`` (every byte but the printable ASCII escaped)."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        out.append(char if 32 <= byte < 127 and char not in "\\'" else f"\\{byte:03d}")
    return "'" + "".join(out) + "'"


def _places(name: str, fields: Iterable[str]) -> str:
    return (
        f"local {name} = {{"
        + ", ".join(f"{field} = {i}" for i, field in enumerate(fields, start=1))
        + "}\n"
    )


def act_script(table: RuleTable) -> str:
    """The whole script for ``table``."""
    rules = []
    for operation in OPERATIONS:
        rows = ", ".join(
            "{"
            + ", ".join(
                (_lua(p.refuses), str(p.status), _lua(p.code), _lua(p.field), _lua(p.message))
            )
            + "}"
            for p in table.of(operation)
        )
        rules.append(f"  [{_lua(operation)}] = {{{rows}}},\n")
    effects = ", ".join(
        f"[{_lua(operation)}] = {{{_lua(effect.effect)}"
        + (f", {_lua(effect.mode)}" if effect.mode is not None else "")
        + "}"
        for operation, effect in table.effects.items()
    )
    actions = ", ".join(f"[{_lua(OPERATION_OF[a])}] = {_lua(a)}" for a in ACTIONS)
    header = (
        "-- Built by act_script.py from the document's x-call-state-rules.\n"
        "local RULES = {\n" + "".join(rules) + "}\n"
        f"local EFFECTS = {{{effects}}}\n"
        f"local ACTION = {{{actions}}}\n" + _places("CALL", CALL_ROW) + _places("AGENT", AGENT_ROW)
    )
    return TAKE_FAULTS + header + _INTERPRETER


@cache
def request_script() -> str:
    """The script for the document's own table, built once per process."""
    return act_script(call_state_rules())
