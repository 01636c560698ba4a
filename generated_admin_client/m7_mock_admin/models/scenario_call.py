from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.call_state import CallState
from ..models.monitor_mode import MonitorMode
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScenarioCall")


@_attrs_define
class ScenarioCall:
    """
    Attributes:
        id (str): A call's id: `call-` and a number for the calls the mock starts (`call-0004`), or the id a scenario
            gives; letters, digits and `_ . ~ -`, so that it is usable in a URL path as is. Example: call-0001.
        customer (str): The customer's side of the call, as shown to the agent (usually a phone number). Example:
            13800138000.
        agent (str): An agent number (工号), as in the vendor API. Example: 9527.
        state (CallState):  Example: talking.
        supervisor (str | Unset): An agent number (工号), as in the vendor API. Example: 9527.
        mode (MonitorMode | Unset): How the supervisor monitors the call (lootCall is `barge`). Example: listen.
    """

    id: str
    customer: str
    agent: str
    state: CallState
    supervisor: str | Unset = UNSET
    mode: MonitorMode | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        customer = self.customer

        agent = self.agent

        state = self.state.value

        supervisor = self.supervisor

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "customer": customer,
                "agent": agent,
                "state": state,
            }
        )
        if supervisor is not UNSET:
            field_dict["supervisor"] = supervisor
        if mode is not UNSET:
            field_dict["mode"] = mode

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        customer = d.pop("customer")

        agent = d.pop("agent")

        state = CallState(d.pop("state"))

        supervisor = d.pop("supervisor", UNSET)

        _mode = d.pop("mode", UNSET)
        mode: MonitorMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = MonitorMode(_mode)

        scenario_call = cls(
            id=id,
            customer=customer,
            agent=agent,
            state=state,
            supervisor=supervisor,
            mode=mode,
        )

        return scenario_call
