from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="HangupChannelRequest")


@_attrs_define
class HangupChannelRequest:
    """Body of hangupChannel (强拆).

    Attributes:
        hangup_agent (str): An agent number (工号). Example: 9527.
        agent_number (str): An agent number (工号). Example: 9527.
        action_id (str | Unset): A caller-chosen label echoed in the response, any text (Chinese included), at most 40
            characters; defaults to the system request id. Example: 437783670040322048.
    """

    hangup_agent: str
    agent_number: str
    action_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        hangup_agent = self.hangup_agent

        agent_number = self.agent_number

        action_id = self.action_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "hangupAgent": hangup_agent,
                "agentNumber": agent_number,
            }
        )
        if action_id is not UNSET:
            field_dict["actionId"] = action_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        hangup_agent = d.pop("hangupAgent")

        agent_number = d.pop("agentNumber")

        action_id = d.pop("actionId", UNSET)

        hangup_channel_request = cls(
            hangup_agent=hangup_agent,
            agent_number=agent_number,
            action_id=action_id,
        )

        return hangup_channel_request
