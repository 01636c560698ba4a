from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LootCallRequest")


@_attrs_define
class LootCallRequest:
    """Body of lootCall (强插).

    Attributes:
        loot_call_agent (str): An agent number (工号). Example: 9527.
        agent_number (str): An agent number (工号). Example: 9527.
        action_id (str | Unset): A caller-chosen label echoed in the response, any text (Chinese included), at most 40
            characters; defaults to the system request id. Example: 437783670040322048.
    """

    loot_call_agent: str
    agent_number: str
    action_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        loot_call_agent = self.loot_call_agent

        agent_number = self.agent_number

        action_id = self.action_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "lootCallAgent": loot_call_agent,
                "agentNumber": agent_number,
            }
        )
        if action_id is not UNSET:
            field_dict["actionId"] = action_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        loot_call_agent = d.pop("lootCallAgent")

        agent_number = d.pop("agentNumber")

        action_id = d.pop("actionId", UNSET)

        loot_call_request = cls(
            loot_call_agent=loot_call_agent,
            agent_number=agent_number,
            action_id=action_id,
        )

        return loot_call_request
