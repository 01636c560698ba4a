from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="VerificationRule")


@_attrs_define
class VerificationRule:
    """The rule judged, as sent: {"exactly": 1}.

    Attributes:
        exactly (int | Unset): A number of requests.
        at_least (int | Unset): A number of requests.
        at_most (int | Unset): A number of requests.
    """

    exactly: int | Unset = UNSET
    at_least: int | Unset = UNSET
    at_most: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        exactly = self.exactly

        at_least = self.at_least

        at_most = self.at_most

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if exactly is not UNSET:
            field_dict["exactly"] = exactly
        if at_least is not UNSET:
            field_dict["atLeast"] = at_least
        if at_most is not UNSET:
            field_dict["atMost"] = at_most

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        exactly = d.pop("exactly", UNSET)

        at_least = d.pop("atLeast", UNSET)

        at_most = d.pop("atMost", UNSET)

        verification_rule = cls(
            exactly=exactly,
            at_least=at_least,
            at_most=at_most,
        )

        return verification_rule
