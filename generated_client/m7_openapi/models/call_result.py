from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.call_service_request import CallServiceRequest
    from ..models.call_service_response import CallServiceResponse


T = TypeVar("T", bound="CallResult")


@_attrs_define
class CallResult:
    """What the call service answered (`data`).

    Attributes:
        code (int): The call service's status, an integer (200). Example: 200.
        request (CallServiceRequest):
        response (CallServiceResponse):
        message (str):  Example: call-api-server-ok.
        start_time (str | Unset): Local time of the call service, `YYYY-MM-DD HH:MM:SS.mmm`. Example: 2021-08-11
            16:03:05.673.
        end_time (str | Unset): Local time of the call service, `YYYY-MM-DD HH:MM:SS.mmm`. Example: 2021-08-11
            16:03:05.673.
        timezone (str | Unset):  Example: UTC+8.
        version (str | Unset):  Example: 2020102501.
    """

    code: int
    request: CallServiceRequest
    response: CallServiceResponse
    message: str
    start_time: str | Unset = UNSET
    end_time: str | Unset = UNSET
    timezone: str | Unset = UNSET
    version: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        request = self.request.to_dict()

        response = self.response.to_dict()

        message = self.message

        start_time = self.start_time

        end_time = self.end_time

        timezone = self.timezone

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "request": request,
                "response": response,
                "message": message,
            }
        )
        if start_time is not UNSET:
            field_dict["startTime"] = start_time
        if end_time is not UNSET:
            field_dict["endTime"] = end_time
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.call_service_request import CallServiceRequest
        from ..models.call_service_response import CallServiceResponse

        d = dict(src_dict)
        code = d.pop("code")

        request = CallServiceRequest.from_dict(d.pop("request"))

        response = CallServiceResponse.from_dict(d.pop("response"))

        message = d.pop("message")

        start_time = d.pop("startTime", UNSET)

        end_time = d.pop("endTime", UNSET)

        timezone = d.pop("timezone", UNSET)

        version = d.pop("version", UNSET)

        call_result = cls(
            code=code,
            request=request,
            response=response,
            message=message,
            start_time=start_time,
            end_time=end_time,
            timezone=timezone,
            version=version,
        )

        call_result.additional_properties = d
        return call_result

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
