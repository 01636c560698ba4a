"""The five supervisor actions: our names, the vendor's names, and where they live.

The friendly layer names each action for what a supervisor-console developer would
guess; the vendor's operationIds are kept beside them so the two never drift apart.
"""

from __future__ import annotations

from attrs import frozen

__all__ = ["OPERATIONS", "Operation", "find_operation"]


@frozen
class Operation:
    """One supervisor action on an agent's live call."""

    name: str  # our method and sub-command name
    vendor: str  # the vendor's operationId, last segment of the path
    chinese: str  # the vendor's term
    supervisor_field: str  # the JSON field carrying the supervisor's agent number
    summary: str

    @property
    def path(self) -> str:
        return f"/openapi/v1/call/{self.vendor}"


OPERATIONS: tuple[Operation, ...] = (
    Operation("listen", "listen", "监听", "listenAgent", "listen silently to the agent's call"),
    Operation(
        "whisper",
        "whisper",
        "耳语",
        "whisperAgent",
        "speak to the agent; the customer does not hear",
    ),
    Operation("barge", "lootCall", "强插", "lootCallAgent", "barge in, making a three-way call"),
    Operation("hangup", "hangupChannel", "强拆", "hangupAgent", "force-hang-up the agent's call"),
    Operation(
        "pickup", "pickupChannel", "抢接", "pickupAgent", "take the call over from the agent"
    ),
)


def find_operation(name: str) -> Operation:
    """The operation called ``name``, ours or the vendor's (``barge`` or ``lootCall``)."""
    for operation in OPERATIONS:
        if name in (operation.name, operation.vendor):
            return operation
    known = ", ".join(f"{o.name} ({o.vendor})" for o in OPERATIONS)
    raise KeyError(f"unknown operation {name!r}; known: {known}")
