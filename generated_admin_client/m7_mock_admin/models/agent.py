from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.agent_status import AgentStatus
from ..models.role import Role

T = TypeVar("T", bound="Agent")


@_attrs_define
class Agent:
    """
    Attributes:
        number (str): An agent number (工号), as in the vendor API. Example: 9527.
        name (str): The agent's display name, any text. Example: Chen Jing.
        role (Role):  Example: supervisor.
        status (AgentStatus): Derived from the calls. Example: talking.
        call_id (None | str): The call the agent is on or monitors (a `CallId`). Example: call-0001.
    """

    number: str
    name: str
    role: Role
    status: AgentStatus
    call_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        name = self.name

        role = self.role.value

        status = self.status.value

        call_id: None | str
        call_id = self.call_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "name": name,
                "role": role,
                "status": status,
                "callId": call_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        number = d.pop("number")

        name = d.pop("name")

        role = Role(d.pop("role"))

        status = AgentStatus(d.pop("status"))

        def _parse_call_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        call_id = _parse_call_id(d.pop("callId"))

        agent = cls(
            number=number,
            name=name,
            role=role,
            status=status,
            call_id=call_id,
        )

        agent.additional_properties = d
        return agent

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
