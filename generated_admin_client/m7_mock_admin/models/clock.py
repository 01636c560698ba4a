from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Clock")


@_attrs_define
class Clock:
    """An account's clock.

    Attributes:
        now (float): The clock's time now, in Unix seconds (milliseconds as a fraction). Example: 1767225600.0.
        frozen (bool): Whether it stands still (`PUT /__mock/clock`) or runs.
    """

    now: float
    frozen: bool

    def to_dict(self) -> dict[str, Any]:
        now = self.now

        frozen = self.frozen

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "now": now,
                "frozen": frozen,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        now = d.pop("now")

        frozen = d.pop("frozen")

        clock = cls(
            now=now,
            frozen=frozen,
        )

        return clock
