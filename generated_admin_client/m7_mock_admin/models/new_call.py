from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.call_state import CallState
from ..types import UNSET, Unset

T = TypeVar("T", bound="NewCall")


@_attrs_define
class NewCall:
    """
    Attributes:
        agent (str): An agent number (工号), as in the vendor API. Example: 9527.
        customer (str): The customer's side of the call, as shown to the agent (usually a phone number). Example:
            13800138000.
        state (CallState | Unset):  Example: talking.
    """

    agent: str
    customer: str
    state: CallState | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        agent = self.agent

        customer = self.customer

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "agent": agent,
                "customer": customer,
            }
        )
        if state is not UNSET:
            field_dict["state"] = state

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        agent = d.pop("agent")

        customer = d.pop("customer")

        _state = d.pop("state", UNSET)
        state: CallState | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = CallState(_state)

        new_call = cls(
            agent=agent,
            customer=customer,
            state=state,
        )

        return new_call
