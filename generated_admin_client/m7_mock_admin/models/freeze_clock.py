from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="FreezeClock")


@_attrs_define
class FreezeClock:
    """
    Attributes:
        frozen_at (float): A time in Unix seconds, within the ten-digit `m7-timestamp` range. Example: 1767225600.
    """

    frozen_at: float

    def to_dict(self) -> dict[str, Any]:
        frozen_at = self.frozen_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "frozenAt": frozen_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        frozen_at = d.pop("frozenAt")

        freeze_clock = cls(
            frozen_at=frozen_at,
        )

        return freeze_clock
