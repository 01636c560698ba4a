from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.role import Role
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScenarioAgent")


@_attrs_define
class ScenarioAgent:
    """An agent; `name` defaults to the number, `online` to true.

    Attributes:
        number (str): An agent number (工号), as in the vendor API. Example: 9527.
        role (Role):  Example: supervisor.
        name (str | Unset): The agent's display name, any text. Example: Chen Jing.
        online (bool | Unset):  Example: True.
    """

    number: str
    role: Role
    name: str | Unset = UNSET
    online: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        role = self.role.value

        name = self.name

        online = self.online

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "number": number,
                "role": role,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if online is not UNSET:
            field_dict["online"] = online

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        number = d.pop("number")

        role = Role(d.pop("role"))

        name = d.pop("name", UNSET)

        online = d.pop("online", UNSET)

        scenario_agent = cls(
            number=number,
            role=role,
            name=name,
            online=online,
        )

        return scenario_agent
