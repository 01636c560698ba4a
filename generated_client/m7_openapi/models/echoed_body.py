from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="EchoedBody")


@_attrs_define
class EchoedBody:
    """The request body exactly as the gateway received it (only the fields of the five request bodies can appear: unknown
    fields are rejected before the call is made).

        Attributes:
            listen_agent (str | Unset): An agent number (工号). Example: 9527.
            hangup_agent (str | Unset): An agent number (工号). Example: 9527.
            loot_call_agent (str | Unset): An agent number (工号). Example: 9527.
            whisper_agent (str | Unset): An agent number (工号). Example: 9527.
            pickup_agent (str | Unset): An agent number (工号). Example: 9527.
            agent_number (str | Unset): An agent number (工号). Example: 9527.
            action_id (str | Unset): A caller-chosen label echoed in the response, any text (Chinese included), at most 40
                characters; defaults to the system request id. Example: 437783670040322048.
    """

    listen_agent: str | Unset = UNSET
    hangup_agent: str | Unset = UNSET
    loot_call_agent: str | Unset = UNSET
    whisper_agent: str | Unset = UNSET
    pickup_agent: str | Unset = UNSET
    agent_number: str | Unset = UNSET
    action_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        listen_agent = self.listen_agent

        hangup_agent = self.hangup_agent

        loot_call_agent = self.loot_call_agent

        whisper_agent = self.whisper_agent

        pickup_agent = self.pickup_agent

        agent_number = self.agent_number

        action_id = self.action_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if listen_agent is not UNSET:
            field_dict["listenAgent"] = listen_agent
        if hangup_agent is not UNSET:
            field_dict["hangupAgent"] = hangup_agent
        if loot_call_agent is not UNSET:
            field_dict["lootCallAgent"] = loot_call_agent
        if whisper_agent is not UNSET:
            field_dict["whisperAgent"] = whisper_agent
        if pickup_agent is not UNSET:
            field_dict["pickupAgent"] = pickup_agent
        if agent_number is not UNSET:
            field_dict["agentNumber"] = agent_number
        if action_id is not UNSET:
            field_dict["actionId"] = action_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        listen_agent = d.pop("listenAgent", UNSET)

        hangup_agent = d.pop("hangupAgent", UNSET)

        loot_call_agent = d.pop("lootCallAgent", UNSET)

        whisper_agent = d.pop("whisperAgent", UNSET)

        pickup_agent = d.pop("pickupAgent", UNSET)

        agent_number = d.pop("agentNumber", UNSET)

        action_id = d.pop("actionId", UNSET)

        echoed_body = cls(
            listen_agent=listen_agent,
            hangup_agent=hangup_agent,
            loot_call_agent=loot_call_agent,
            whisper_agent=whisper_agent,
            pickup_agent=pickup_agent,
            agent_number=agent_number,
            action_id=action_id,
        )

        return echoed_body
