from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.vendor_operation import VendorOperation

if TYPE_CHECKING:
    from ..models.near_miss import NearMiss
    from ..models.verification_rule import VerificationRule


T = TypeVar("T", bound="Verification")


@_attrs_define
class Verification:
    """
    Attributes:
        holds (bool): Whether the count meets the rule.
        matched (int): A number of requests.
        operation (VendorOperation): A vendor operation (its operationId).
        rule (VerificationRule): The rule judged, as sent: {"exactly": 1}.
        nearest (list[NearMiss]): When the rule does not hold, the requests closest to the pattern.
    """

    holds: bool
    matched: int
    operation: VendorOperation
    rule: VerificationRule
    nearest: list[NearMiss]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        holds = self.holds

        matched = self.matched

        operation = self.operation.value

        rule = self.rule.to_dict()

        nearest = []
        for nearest_item_data in self.nearest:
            nearest_item = nearest_item_data.to_dict()
            nearest.append(nearest_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "holds": holds,
                "matched": matched,
                "operation": operation,
                "rule": rule,
                "nearest": nearest,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.near_miss import NearMiss
        from ..models.verification_rule import VerificationRule

        d = dict(src_dict)
        holds = d.pop("holds")

        matched = d.pop("matched")

        operation = VendorOperation(d.pop("operation"))

        rule = VerificationRule.from_dict(d.pop("rule"))

        nearest = []
        _nearest = d.pop("nearest")
        for nearest_item_data in _nearest:
            nearest_item = NearMiss.from_dict(nearest_item_data)

            nearest.append(nearest_item)

        verification = cls(
            holds=holds,
            matched=matched,
            operation=operation,
            rule=rule,
            nearest=nearest,
        )

        verification.additional_properties = d
        return verification

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
