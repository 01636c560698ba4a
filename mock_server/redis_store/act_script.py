"""The request path's script for Redis, built at start-up from the rule table.

``act.lua`` interprets the call-state rules but writes none: this module puts the table of
the vendor document (``mock_server.model.rules``) in front of it as two generated Lua
functions (``refusal_of``, ``effect_of``), and the places of a call's and an agent's fields
(``CALL_ROW``, ``AGENT_ROW``), so that the in-memory center and Redis read one statement of
the rules and one layout of a record. ``take_faults`` (``faults.lua``) and ``replayed``
(``replay.lua``) come first.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Final

from mock_server.model.callcenter import AGENT_ROW, CALL_ROW
from mock_server.model.rules import ACTIONS, OPERATION_OF, OPERATIONS, RuleTable, call_state_rules
from mock_server.redis_store.faults import TAKE_FAULTS
from mock_server.redis_store.replay import REPLAYED

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
    """Locals naming the places of a stored record's fields (``CALL_id = 1``, ...)."""
    names = [f"{name}_{field}" for field in fields]
    return f"local {', '.join(names)} = {', '.join(str(i) for i in range(1, len(names) + 1))}\n"


def _refusal_of(table: RuleTable) -> str:
    """``refusal_of(operation, holds)``: the first of the operation's preconditions whose
    condition ``holds``, as (status, code, at, message), or nothing. Generated as code, not
    as a Lua table: a table literal would be built anew on every call of the script."""
    lines = ["local function refusal_of(operation, holds)"]
    for i, operation in enumerate(OPERATIONS):
        lines.append(f"  {'if' if i == 0 else 'elseif'} operation == {_lua(operation)} then")
        for rule in table.of(operation):
            answer = ", ".join(
                (str(rule.status), _lua(rule.code), _lua(rule.field), _lua(rule.message))
            )
            lines.append(f"    if holds({_lua(rule.refuses)}) then return {answer} end")
    lines += ["  end", "end"]
    return "\n".join(lines) + "\n"


def _effect_of(table: RuleTable) -> str:
    """``effect_of(operation)``: the operation's effect, its mode, and its action's name."""
    lines = ["local function effect_of(operation)"]
    for i, action in enumerate(ACTIONS):
        operation = OPERATION_OF[action]
        effect = table.effects[operation]
        mode = _lua(effect.mode) if effect.mode is not None else "nil"
        lines.append(f"  {'if' if i == 0 else 'elseif'} operation == {_lua(operation)} then")
        lines.append(f"    return {_lua(effect.effect)}, {mode}, {_lua(action)}")
    lines += ["  end", "end"]
    return "\n".join(lines) + "\n"


def act_script(table: RuleTable) -> str:
    """The whole script for ``table``."""
    header = (
        "-- Built by act_script.py from the document's x-call-state-rules.\n"
        + _refusal_of(table)
        + _effect_of(table)
        + _places("CALL", CALL_ROW)
        + _places("AGENT", AGENT_ROW)
    )
    return TAKE_FAULTS + REPLAYED + header + _INTERPRETER


@cache
def request_script() -> str:
    """The script for the document's own table, built once per process."""
    return act_script(call_state_rules())
