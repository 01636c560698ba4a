from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClockSetting")


@_attrs_define
class ClockSetting:
    """How an account's clock is set, in a snapshot: stopped at `frozenAt`, or running `offsetSeconds` ahead of real time
    (0: the real time).

        Attributes:
            frozen_at (float | Unset): A time in Unix seconds, within the ten-digit `m7-timestamp` range. Example:
                1767225600.
            offset_seconds (float | Unset):
    """

    frozen_at: float | Unset = UNSET
    offset_seconds: float | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        frozen_at = self.frozen_at

        offset_seconds = self.offset_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if frozen_at is not UNSET:
            field_dict["frozenAt"] = frozen_at
        if offset_seconds is not UNSET:
            field_dict["offsetSeconds"] = offset_seconds

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        frozen_at = d.pop("frozenAt", UNSET)

        offset_seconds = d.pop("offsetSeconds", UNSET)

        clock_setting = cls(
            frozen_at=frozen_at,
            offset_seconds=offset_seconds,
        )

        return clock_setting
