from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RequestSpan")


@_attrs_define
class RequestSpan:
    """Timings of the request; instants in Unix milliseconds.

    Attributes:
        request_start_time (int):  Example: 1628668985594.
        req_end_time (int):  Example: 1628668985759.
        proxy_start_time (int | Unset):  Example: 1628668985596.
        proxy_end_time (int | Unset):  Example: 1628668985759.
        biz_span (str | Unset): A duration in whole milliseconds, e.g. `163ms`. Example: 163ms.
        latency (str | Unset): A duration in whole milliseconds, e.g. `163ms`. Example: 163ms.
    """

    request_start_time: int
    req_end_time: int
    proxy_start_time: int | Unset = UNSET
    proxy_end_time: int | Unset = UNSET
    biz_span: str | Unset = UNSET
    latency: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        request_start_time = self.request_start_time

        req_end_time = self.req_end_time

        proxy_start_time = self.proxy_start_time

        proxy_end_time = self.proxy_end_time

        biz_span = self.biz_span

        latency = self.latency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "requestStartTime": request_start_time,
                "reqEndTime": req_end_time,
            }
        )
        if proxy_start_time is not UNSET:
            field_dict["proxyStartTime"] = proxy_start_time
        if proxy_end_time is not UNSET:
            field_dict["proxyEndTime"] = proxy_end_time
        if biz_span is not UNSET:
            field_dict["bizSpan"] = biz_span
        if latency is not UNSET:
            field_dict["latency"] = latency

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        request_start_time = d.pop("requestStartTime")

        req_end_time = d.pop("reqEndTime")

        proxy_start_time = d.pop("proxyStartTime", UNSET)

        proxy_end_time = d.pop("proxyEndTime", UNSET)

        biz_span = d.pop("bizSpan", UNSET)

        latency = d.pop("latency", UNSET)

        request_span = cls(
            request_start_time=request_start_time,
            req_end_time=req_end_time,
            proxy_start_time=proxy_start_time,
            proxy_end_time=proxy_end_time,
            biz_span=biz_span,
            latency=latency,
        )

        request_span.additional_properties = d
        return request_span

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
