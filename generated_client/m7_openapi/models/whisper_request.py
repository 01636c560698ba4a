from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WhisperRequest")


@_attrs_define
class WhisperRequest:
    """Body of whisper (耳语).

    Attributes:
        whisper_agent (str): An agent number (工号). Example: 9527.
        agent_number (str): An agent number (工号). Example: 9527.
        action_id (str | Unset): A caller-chosen label echoed in the response, any text (Chinese included), at most 40
            characters; defaults to the system request id. Example: 437783670040322048.
    """

    whisper_agent: str
    agent_number: str
    action_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        whisper_agent = self.whisper_agent

        agent_number = self.agent_number

        action_id = self.action_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "whisperAgent": whisper_agent,
                "agentNumber": agent_number,
            }
        )
        if action_id is not UNSET:
            field_dict["actionId"] = action_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        whisper_agent = d.pop("whisperAgent")

        agent_number = d.pop("agentNumber")

        action_id = d.pop("actionId", UNSET)

        whisper_request = cls(
            whisper_agent=whisper_agent,
            agent_number=agent_number,
            action_id=action_id,
        )

        return whisper_request
