from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AdvanceClock")


@_attrs_define
class AdvanceClock:
    """
    Attributes:
        seconds (float): How far to move the clock forward, in seconds. Example: 301.
    """

    seconds: float

    def to_dict(self) -> dict[str, Any]:
        seconds = self.seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "seconds": seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        seconds = d.pop("seconds")

        advance_clock = cls(
            seconds=seconds,
        )

        return advance_clock
