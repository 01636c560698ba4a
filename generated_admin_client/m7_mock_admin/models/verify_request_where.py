from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.named_outcome import NamedOutcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="VerifyRequestWhere")


@_attrs_define
class VerifyRequestWhere:
    """Values a matching request has: fields of its body (`agentNumber`, `listenAgent`, `actionId`, ...), and `appKey`,
    `status`, `outcome` of the journal entry.

        Attributes:
            app_key (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example: 2100147.
            status (int | Unset):
            outcome (NamedOutcome | str | Unset): How the request ended, the vocabulary the journal and the mock's access
                log share (`mock_server.model.outcome.Outcome`): one of the named outcomes, or one of three families by status.
                Example: 40903.
    """

    app_key: str | Unset = UNSET
    status: int | Unset = UNSET
    outcome: NamedOutcome | str | Unset = UNSET
    additional_properties: dict[str, bool | int | str] = _attrs_field(
        init=False, factory=dict
    )

    def to_dict(self) -> dict[str, Any]:
        app_key = self.app_key

        status = self.status

        outcome: str | Unset
        if isinstance(self.outcome, Unset):
            outcome = UNSET
        elif isinstance(self.outcome, NamedOutcome):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop

        field_dict.update({})
        if app_key is not UNSET:
            field_dict["appKey"] = app_key
        if status is not UNSET:
            field_dict["status"] = status
        if outcome is not UNSET:
            field_dict["outcome"] = outcome

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        app_key = d.pop("appKey", UNSET)

        status = d.pop("status", UNSET)

        def _parse_outcome(data: object) -> NamedOutcome | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_outcome_type_0 = NamedOutcome(data)

                return componentsschemas_outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NamedOutcome | str | Unset, data)

        outcome = _parse_outcome(d.pop("outcome", UNSET))

        verify_request_where = cls(
            app_key=app_key,
            status=status,
            outcome=outcome,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(data: object) -> bool | int | str:
                return cast(bool | int | str, data)

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        verify_request_where.additional_properties = additional_properties
        return verify_request_where

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> bool | int | str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: bool | int | str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
