from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="StatusFault")


@_attrs_define
class StatusFault:
    """Answer `status` (with the error envelope) for the next `count` requests, or for a `ratio` of the requests (exactly
    one of the two; `ratio: 1` for every request). The envelope's `code` is the status, or the business `code` when
    given (e.g. status 409 with code `40903`, "the agent has no live call").

        Attributes:
            status (int):  Example: 503.
            code (str | Unset): The error envelope's code instead of the status. Example: 40903.
            count (int | Unset):  Example: 3.
            ratio (float | Unset):  Example: 0.25.
    """

    status: int
    code: str | Unset = UNSET
    count: int | Unset = UNSET
    ratio: float | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        code = self.code

        count = self.count

        ratio = self.ratio

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if count is not UNSET:
            field_dict["count"] = count
        if ratio is not UNSET:
            field_dict["ratio"] = ratio

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = d.pop("status")

        code = d.pop("code", UNSET)

        count = d.pop("count", UNSET)

        ratio = d.pop("ratio", UNSET)

        status_fault = cls(
            status=status,
            code=code,
            count=count,
            ratio=ratio,
        )

        return status_fault
