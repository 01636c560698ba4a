"""The five supervisor actions: our names, the vendor's names, and their generated models.

The friendly layer names each action for what a supervisor-console developer would
guess; the vendor's operationIds are kept beside them so the two never drift apart. The
fields of each request are not listed here: they are the generated request model's
(``m7_openapi.models``), so a field the document adds is accepted as soon as
``make generate`` has run.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from types import NoneType, UnionType
from typing import Any

import attrs
from attrs import frozen

from m7_openapi.models import (
    HangupChannelRequest,
    ListenRequest,
    LootCallRequest,
    PickupChannelRequest,
    WhisperRequest,
)
from m7_openapi.types import Unset

__all__ = ["OPERATIONS", "Field", "Operation", "RequestBody", "find_operation"]

#: Any of the five generated request models.
RequestBody = (
    ListenRequest | WhisperRequest | LootCallRequest | HangupChannelRequest | PickupChannelRequest
)

AGENT_ATTR = "agent_number"
ACTION_ID_ATTR = "action_id"


@frozen
class Field:
    """One field of a generated request model, by its Python name."""

    name: str
    type: Any  # the declared type without Unset / None: str, int, float, bool, an Enum, ...
    required: bool


def _plain(annotation: Any) -> Any:
    """``str | Unset`` -> ``str``: the type a caller passes."""
    if isinstance(annotation, UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [a for a in typing.get_args(annotation) if a not in (Unset, NoneType)]
        return members[0] if len(members) == 1 else annotation
    return annotation


@frozen
class _ModelFields:
    """What the friendly layer reads of one generated request model."""

    fields: tuple[Field, ...]
    supervisor_attr: str
    extra_fields: tuple[Field, ...]


# Read once per model: ``get_type_hints`` evaluates every annotation, which on each call
# was a quarter of a friendly call's time (the models never change in a process).
_MODEL_FIELDS: dict[type[RequestBody], _ModelFields] = {}


def _model_fields(request: type[RequestBody]) -> _ModelFields:
    known = _MODEL_FIELDS.get(request)
    if known is None:
        hints = typing.get_type_hints(request)
        fields = tuple(
            Field(f.name, _plain(hints[f.name]), f.default is attrs.NOTHING)
            for f in attrs.fields(request)
        )
        supervisor = next(
            f.name
            for f in fields
            if f.required and f.name.endswith("_agent") and f.name != AGENT_ATTR
        )
        named = {supervisor, AGENT_ATTR, ACTION_ID_ATTR}
        extra = tuple(f for f in fields if f.name not in named)
        known = _MODEL_FIELDS[request] = _ModelFields(fields, supervisor, extra)
    return known


@frozen
class Operation:
    """One supervisor action on an agent's live call."""

    name: str  # our method and sub-command name
    vendor: str  # the vendor's operationId, last segment of the path
    chinese: str  # the vendor's term
    summary: str
    request: type[RequestBody]  # the generated model of its body

    @property
    def path(self) -> str:
        return f"/openapi/v1/call/{self.vendor}"

    @property
    def fields(self) -> tuple[Field, ...]:
        """Every field of the body, as the generated model declares it."""
        return _model_fields(self.request).fields

    @property
    def supervisor_attr(self) -> str:
        """The supervisor's field (``listen_agent``, ``loot_call_agent``, ...): the document's
        rule is that the ``…Agent`` field of each body is the supervisor."""
        return _model_fields(self.request).supervisor_attr

    @property
    def supervisor_json(self) -> str:
        """The supervisor's field as the document names it (``listenAgent``, ...)."""
        marks = {f.name: f"\0{f.name}" for f in self.fields if f.required}
        try:
            serialised = self.request(**marks).to_dict()
        except (TypeError, ValueError, AttributeError):  # a required field that is not text
            return self.supervisor_attr
        names = {value: key for key, value in serialised.items()}
        return str(names.get(marks[self.supervisor_attr], self.supervisor_attr))

    @property
    def extra_fields(self) -> tuple[Field, ...]:
        """The fields beyond supervisor, agent and action id (none in document 1.0.0)."""
        return _model_fields(self.request).extra_fields

    def body(
        self, supervisor: str, agent: str, action_id: str | None, extra: Mapping[str, Any]
    ) -> RequestBody:
        """The generated request model; an unknown field is a ``TypeError`` naming it."""
        allowed = {f.name for f in self.extra_fields}
        unknown = sorted(set(extra) - allowed)
        if unknown:
            known = ", ".join(sorted(allowed)) or "none"
            raise TypeError(
                f"{self.name}() got unknown field(s) {', '.join(unknown)}; the document's "
                f"other fields of {self.request.__name__}: {known}"
            )
        values: dict[str, Any] = {self.supervisor_attr: supervisor, AGENT_ATTR: agent, **extra}
        if action_id is not None:
            values[ACTION_ID_ATTR] = action_id
        missing = [f.name for f in self.extra_fields if f.required and f.name not in values]
        if missing:  # a field the document made required since this code was written
            raise TypeError(
                f"{self.name}() needs the field(s) {', '.join(missing)}: the document "
                f"requires them in {self.request.__name__}"
            )
        return self.request(**values)


OPERATIONS: tuple[Operation, ...] = (
    Operation("listen", "listen", "监听", "listen silently to the agent's call", ListenRequest),
    Operation(
        "whisper",
        "whisper",
        "耳语",
        "speak to the agent; the customer does not hear",
        WhisperRequest,
    ),
    Operation("barge", "lootCall", "强插", "barge in, making a three-way call", LootCallRequest),
    Operation(
        "hangup",
        "hangupChannel",
        "强拆",
        "force-hang-up the agent's call",
        HangupChannelRequest,
    ),
    Operation(
        "pickup",
        "pickupChannel",
        "抢接",
        "take the call over from the agent",
        PickupChannelRequest,
    ),
)


def find_operation(name: str) -> Operation:
    """The operation called ``name``, ours or the vendor's (``barge`` or ``lootCall``)."""
    for operation in OPERATIONS:
        if name in (operation.name, operation.vendor):
            return operation
    known = ", ".join(f"{o.name} ({o.vendor})" for o in OPERATIONS)
    raise KeyError(f"unknown operation {name!r}; known: {known}")


def operation_for(body: RequestBody) -> Operation:
    """The operation whose body ``body`` is."""
    for operation in OPERATIONS:
        if type(body) is operation.request:
            return operation
    raise TypeError(f"not a request model of this API: {type(body).__name__}")
