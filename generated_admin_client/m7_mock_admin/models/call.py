from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.call_mode_type_1 import CallModeType1
from ..models.call_mode_type_2_type_1 import CallModeType2Type1
from ..models.call_mode_type_3_type_1 import CallModeType3Type1
from ..models.call_state import CallState

T = TypeVar("T", bound="Call")


@_attrs_define
class Call:
    """
    Attributes:
        id (str): A call's id: `call-` and a number for the calls the mock starts (`call-0004`), or the id a scenario
            gives; letters, digits and `_ . ~ -`, so that it is usable in a URL path as is. Example: call-0001.
        customer (str): The customer's side of the call, as shown to the agent (usually a phone number). Example:
            13800138000.
        agent (str): An agent number (工号), as in the vendor API. Example: 9527.
        state (CallState):  Example: talking.
        supervisor (None | str): The supervisor monitoring the call (an `AgentNumber`). Example: 2003.
        mode (CallModeType1 | CallModeType2Type1 | CallModeType3Type1 | None):  Example: listen.
        started_at (float): Unix seconds. Example: 1767601812.345.
        answered_at (float | None): Unix seconds; null while ringing. Example: 1767601815.002.
    """

    id: str
    customer: str
    agent: str
    state: CallState
    supervisor: None | str
    mode: CallModeType1 | CallModeType2Type1 | CallModeType3Type1 | None
    started_at: float
    answered_at: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        customer = self.customer

        agent = self.agent

        state = self.state.value

        supervisor: None | str
        supervisor = self.supervisor

        mode: None | str
        if (
            isinstance(self.mode, CallModeType1)
            or isinstance(self.mode, CallModeType2Type1)
            or isinstance(self.mode, CallModeType3Type1)
        ):
            mode = self.mode.value
        else:
            mode = self.mode

        started_at = self.started_at

        answered_at: float | None
        answered_at = self.answered_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "customer": customer,
                "agent": agent,
                "state": state,
                "supervisor": supervisor,
                "mode": mode,
                "startedAt": started_at,
                "answeredAt": answered_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        customer = d.pop("customer")

        agent = d.pop("agent")

        state = CallState(d.pop("state"))

        def _parse_supervisor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        supervisor = _parse_supervisor(d.pop("supervisor"))

        def _parse_mode(
            data: object,
        ) -> CallModeType1 | CallModeType2Type1 | CallModeType3Type1 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                mode_type_1 = CallModeType1(data)

                return mode_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                mode_type_2_type_1 = CallModeType2Type1(data)

                return mode_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                mode_type_3_type_1 = CallModeType3Type1(data)

                return mode_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                CallModeType1 | CallModeType2Type1 | CallModeType3Type1 | None, data
            )

        mode = _parse_mode(d.pop("mode"))

        started_at = d.pop("startedAt")

        def _parse_answered_at(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        answered_at = _parse_answered_at(d.pop("answeredAt"))

        call = cls(
            id=id,
            customer=customer,
            agent=agent,
            state=state,
            supervisor=supervisor,
            mode=mode,
            started_at=started_at,
            answered_at=answered_at,
        )

        call.additional_properties = d
        return call

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
