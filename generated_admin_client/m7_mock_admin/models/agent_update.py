from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.role import Role
from ..types import UNSET, Unset

T = TypeVar("T", bound="AgentUpdate")


@_attrs_define
class AgentUpdate:
    """What to set; an omitted field is left as is (or defaulted on creation).

    Attributes:
        name (str | Unset): The agent's display name, any text. Example: Chen Jing.
        role (Role | Unset):  Example: supervisor.
        online (bool | Unset):  Example: True.
    """

    name: str | Unset = UNSET
    role: Role | Unset = UNSET
    online: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        online = self.online

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if role is not UNSET:
            field_dict["role"] = role
        if online is not UNSET:
            field_dict["online"] = online

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _role = d.pop("role", UNSET)
        role: Role | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = Role(_role)

        online = d.pop("online", UNSET)

        agent_update = cls(
            name=name,
            role=role,
            online=online,
        )

        return agent_update
