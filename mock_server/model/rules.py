"""The call-state rules of the five operations, as the vendor document states them.

The document's ``x-call-state-rules`` is a table: which preconditions, in order, refuse which
operations with which status, code, field and message, and what each operation does when
none refuses. It is the one statement of the rules: both backends interpret this table (the
in-memory ``CallCenter`` in Python, Redis in the script ``redis_store.act_script`` builds from
it at start-up), and the document's "Call-state rules:" paragraphs are generated from it. So a
rule is changed in the document alone. What each backend still writes is the small
vocabulary the table names: how to tell a condition (``CONDITIONS``) and how to apply an
effect (``EFFECTS``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal

from mock_server.model.document_files import VENDOR_DOCUMENT, load_document
from mock_server.model.outcome import Outcome

__all__ = [
    "ACTIONS",
    "CONDITIONS",
    "EFFECTS",
    "OPERATIONS",
    "OPERATION_OF",
    "PLACEHOLDERS",
    "Action",
    "Effect",
    "Precondition",
    "RuleTable",
    "RulesError",
    "call_state_rules",
]

#: The document's extension holding the table.
EXTENSION: Final = "x-call-state-rules"

#: The five supervisor actions, by the call center's method names.
Action = Literal["listen", "whisper", "loot_call", "hangup_channel", "pickup_channel"]
#: Each action's operationId in the document (the table's names).
OPERATION_OF: Final[Mapping[Action, str]] = {
    "listen": "listen",
    "whisper": "whisper",
    "loot_call": "lootCall",
    "hangup_channel": "hangupChannel",
    "pickup_channel": "pickupChannel",
}
ACTIONS: Final[tuple[Action, ...]] = tuple(OPERATION_OF)
OPERATIONS: Final = tuple(OPERATION_OF.values())

#: The conditions a precondition may refuse on; each backend tells them apart on its own.
CONDITIONS: Final = (
    "same-agent",  # the supervisor field and agentNumber name one agent
    "unknown-supervisor",  # no agent has the supervisor's number
    "unknown-agent",  # no agent has agentNumber
    "not-a-supervisor",  # the acting agent's role is not supervisor
    "supervisor-offline",
    "supervisor-on-a-call",  # the supervisor is the agent of a call of their own
    "supervisor-monitors-another-call",  # ... monitors a call other than the agent's
    "no-live-call",  # the agent has no call
    "call-ringing",  # the agent's call is not answered yet
    "monitored-by-another",  # another supervisor monitors the agent's call
)

#: The condition whose refusal guarantees the agent has a call: every operation needs it.
_CALL_EXISTS: Final = "no-live-call"

#: What an accepted operation does; each backend applies them on its own.
EFFECTS: Final = ("monitor", "end-call", "take-over")

#: The names a message may hold in braces.
PLACEHOLDERS: Final = frozenset(
    {"field", "supervisor", "agent", "call", "own", "monitored", "monitor"}
)

#: The modes of a monitoring supervisor (``CallView.mode``).
_MODES: Final = frozenset({"listen", "whisper", "barge"})
_STATUS: Final = re.compile(r"[1-5][0-9][0-9]")
_CODE: Final = re.compile(r"[0-9]{5}")
#: A placeholder: a bare name in braces (the Redis script's pattern is ``{(%w+)}``).
_PLACEHOLDER: Final = re.compile(r"\{([A-Za-z0-9]+)\}")
_BRACES: Final = re.compile(r"[{}]")
#: The journal records a refusal under its code: a code must be one of its outcomes.
_OUTCOMES: Final = frozenset(outcome.value for outcome in Outcome)


class RulesError(ValueError):
    """The table is not one the backends can interpret; the message names the entry."""


@dataclass(frozen=True, slots=True)
class Precondition:
    """One row: for a request to one of ``operations``, ``refuses`` holding answers
    ``status`` with ``code`` and ``message``, naming ``field`` (``supervisor``: the
    operation's supervisor field, or ``agentNumber``)."""

    refuses: str
    operations: tuple[str, ...]
    requires: str
    status: int
    code: str
    field: Literal["supervisor", "agentNumber"]
    message: str

    def field_name(self, supervisor_field: str) -> str:
        """The body field at fault, for an operation whose supervisor is ``supervisor_field``."""
        return supervisor_field if self.field == "supervisor" else self.field

    def text(self, values: Mapping[str, object]) -> str:
        """The message with its placeholders filled from ``values`` (the Redis script fills
        them the same way: ``{name}``, nothing else in braces)."""
        return _PLACEHOLDER.sub(lambda match: str(values[match[1]]), self.message)


@dataclass(frozen=True, slots=True)
class Effect:
    """What an accepted operation does (``effect``; ``mode`` for ``monitor``), and how the
    prose says it."""

    effect: Literal["monitor", "end-call", "take-over"]
    mode: str | None
    says: str


@dataclass(frozen=True, slots=True)
class RuleTable:
    """The preconditions in the order they are checked, and each operation's effect."""

    preconditions: tuple[Precondition, ...]
    effects: Mapping[str, Effect]
    #: Each operation's preconditions, found once here rather than on every request.
    _by_operation: Mapping[str, tuple[Precondition, ...]] = dataclasses.field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_operation = {
            op: tuple(p for p in self.preconditions if op in p.operations) for op in OPERATIONS
        }
        object.__setattr__(self, "_by_operation", by_operation)

    def of(self, operation: str) -> tuple[Precondition, ...]:
        """The preconditions of ``operation`` (an operationId), in order."""
        return self._by_operation.get(operation, ())

    @classmethod
    def from_data(cls, data: Any) -> RuleTable:
        """The table of the document's extension; ``RulesError`` names what is wrong."""
        if not isinstance(data, Mapping):
            raise RulesError(f"{EXTENSION}: must be a mapping")
        rows = data.get("preconditions")
        if not isinstance(rows, list) or not rows:
            raise RulesError(f"{EXTENSION}.preconditions: must be a non-empty list")
        preconditions = tuple(
            _precondition(row, f"{EXTENSION}.preconditions[{i}]") for i, row in enumerate(rows)
        )
        for operation in OPERATIONS:  # every effect acts on the agent's call
            if not any(
                p.refuses == _CALL_EXISTS and operation in p.operations for p in preconditions
            ):
                raise RulesError(
                    f"{EXTENSION}.preconditions: no {_CALL_EXISTS} rule for {operation}: "
                    "its effect needs the agent's call"
                )
        effects_data = data.get("effects")
        if not isinstance(effects_data, Mapping) or set(effects_data) != set(OPERATIONS):
            raise RulesError(f"{EXTENSION}.effects: must name exactly {', '.join(OPERATIONS)}")
        effects = {
            operation: _effect(effects_data[operation], f"{EXTENSION}.effects.{operation}")
            for operation in OPERATIONS
        }
        return cls(preconditions, effects)


def _precondition(row: Any, at: str) -> Precondition:
    if not isinstance(row, Mapping):
        raise RulesError(f"{at}: must be a mapping")
    refuses = row.get("refuses")
    if refuses not in CONDITIONS:
        raise RulesError(f"{at}.refuses: {refuses!r} is none of {', '.join(CONDITIONS)}")
    operations = row.get("operations")
    if (
        not isinstance(operations, list)
        or not operations
        or any(op not in OPERATIONS for op in operations)
    ):
        raise RulesError(f"{at}.operations: must list some of {', '.join(OPERATIONS)}")
    status, code, field = row.get("status"), row.get("code"), row.get("field")
    if not isinstance(status, int) or not _STATUS.fullmatch(str(status)):
        raise RulesError(f"{at}.status: {status!r} is not an HTTP status")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise RulesError(f"{at}.code: {code!r} is not a five-digit string")
    if code not in _OUTCOMES:
        raise RulesError(
            f"{at}.code: {code} is not an outcome the journal knows: add it to "
            "mock_server/model/outcome.py and the admin document's Outcome"
        )
    if field not in ("supervisor", "agentNumber"):
        raise RulesError(f"{at}.field: must be supervisor or agentNumber, not {field!r}")
    message, requires = row.get("message"), row.get("requires")
    for name, text in (("message", message), ("requires", requires)):
        if not isinstance(text, str) or not text:
            raise RulesError(f"{at}.{name}: must be a non-empty string")
        if _BRACES.search(_PLACEHOLDER.sub("", text)):
            raise RulesError(
                f"{at}.{name}: braces only around a placeholder's bare name, as {{agent}}"
            )
        unknown = _placeholders(text) - PLACEHOLDERS
        if unknown:
            raise RulesError(f"{at}.{name}: unknown placeholder(s) {', '.join(sorted(unknown))}")
    return Precondition(
        refuses=refuses,
        operations=tuple(operations),
        requires=str(requires),
        status=status,
        code=code,
        field=field,
        message=str(message),
    )


def _effect(data: Any, at: str) -> Effect:
    if not isinstance(data, Mapping):
        raise RulesError(f"{at}: must be a mapping")
    effect, mode, says = data.get("effect"), data.get("mode"), data.get("says")
    if effect not in EFFECTS:
        raise RulesError(f"{at}.effect: {effect!r} is none of {', '.join(EFFECTS)}")
    if (effect == "monitor") != (mode is not None) or (mode is not None and mode not in _MODES):
        raise RulesError(
            f"{at}.mode: monitor takes one of {', '.join(sorted(_MODES))}; no other effect takes one"
        )
    if not isinstance(says, str) or not says:
        raise RulesError(f"{at}.says: must be a non-empty string")
    return Effect(effect=effect, mode=mode, says=says)


def _placeholders(text: str) -> set[str]:
    return {match[1] for match in _PLACEHOLDER.finditer(text)}


@cache
def call_state_rules() -> RuleTable:
    """The table of the vendor document, read once per process."""
    return RuleTable.from_data(load_document(VENDOR_DOCUMENT).get(EXTENSION))
