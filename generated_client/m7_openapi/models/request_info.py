from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.echoed_body import EchoedBody
    from ..models.request_span import RequestSpan


T = TypeVar("T", bound="RequestInfo")


@_attrs_define
class RequestInfo:
    """The gateway's record of the request (`requestInfo`).

    Attributes:
        request_id (str): The gateway's request id (32 hexadecimal digits). Example: 8eef3e90fa7a11eb95011fe29e32d87e.
        url (str): The path that was called. Example: /openapi/v1/call/listen.
        body (EchoedBody): The request body exactly as the gateway received it (only the fields of the five request
            bodies can appear: unknown fields are rejected before the call is made).
        span (RequestSpan): Timings of the request; instants in Unix milliseconds.
        proxy_url (str | Unset): The internal URL the gateway forwarded to. Example:
            http://v7-call/call/openapi/v1/call/listen.
    """

    request_id: str
    url: str
    body: EchoedBody
    span: RequestSpan
    proxy_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        request_id = self.request_id

        url = self.url

        body = self.body.to_dict()

        span = self.span.to_dict()

        proxy_url = self.proxy_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "requestId": request_id,
                "url": url,
                "body": body,
                "span": span,
            }
        )
        if proxy_url is not UNSET:
            field_dict["proxyUrl"] = proxy_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.echoed_body import EchoedBody
        from ..models.request_span import RequestSpan

        d = dict(src_dict)
        request_id = d.pop("requestId")

        url = d.pop("url")

        body = EchoedBody.from_dict(d.pop("body"))

        span = RequestSpan.from_dict(d.pop("span"))

        proxy_url = d.pop("proxyUrl", UNSET)

        request_info = cls(
            request_id=request_id,
            url=url,
            body=body,
            span=span,
            proxy_url=proxy_url,
        )

        request_info.additional_properties = d
        return request_info

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
