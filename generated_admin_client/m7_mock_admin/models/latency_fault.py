from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LatencyFault")


@_attrs_define
class LatencyFault:
    """`fixedMs`, or `minMs` and `maxMs` for a uniformly random delay.

    Attributes:
        fixed_ms (int | Unset):  Example: 250.
        min_ms (int | Unset):  Example: 200.
        max_ms (int | Unset):  Example: 800.
    """

    fixed_ms: int | Unset = UNSET
    min_ms: int | Unset = UNSET
    max_ms: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        fixed_ms = self.fixed_ms

        min_ms = self.min_ms

        max_ms = self.max_ms

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if fixed_ms is not UNSET:
            field_dict["fixedMs"] = fixed_ms
        if min_ms is not UNSET:
            field_dict["minMs"] = min_ms
        if max_ms is not UNSET:
            field_dict["maxMs"] = max_ms

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        fixed_ms = d.pop("fixedMs", UNSET)

        min_ms = d.pop("minMs", UNSET)

        max_ms = d.pop("maxMs", UNSET)

        latency_fault = cls(
            fixed_ms=fixed_ms,
            min_ms=min_ms,
            max_ms=max_ms,
        )

        return latency_fault
