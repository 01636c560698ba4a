from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.call_result import CallResult
    from ..models.request_info import RequestInfo


T = TypeVar("T", bound="SuccessEnvelope")


@_attrs_define
class SuccessEnvelope:
    """The vendor's success envelope, shared by the five operations.

    Attributes:
        success (bool): Always true on success.
        code (str): "200" on success (a string). Example: 200.
        message (str):  Example: requestSuccess.
        data (CallResult): What the call service answered (`data`).
        request_info (RequestInfo): The gateway's record of the request (`requestInfo`).
        action_id (str): The request's `actionId`, or the system request id when it had none.
    """

    success: bool
    code: str
    message: str
    data: CallResult
    request_info: RequestInfo
    action_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        code = self.code

        message = self.message

        data = self.data.to_dict()

        request_info = self.request_info.to_dict()

        action_id = self.action_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "code": code,
                "message": message,
                "data": data,
                "requestInfo": request_info,
                "actionId": action_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.call_result import CallResult
        from ..models.request_info import RequestInfo

        d = dict(src_dict)
        success = d.pop("success")

        code = d.pop("code")

        message = d.pop("message")

        data = CallResult.from_dict(d.pop("data"))

        request_info = RequestInfo.from_dict(d.pop("requestInfo"))

        action_id = d.pop("actionId")

        success_envelope = cls(
            success=success,
            code=code,
            message=message,
            data=data,
            request_info=request_info,
            action_id=action_id,
        )

        success_envelope.additional_properties = d
        return success_envelope

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
