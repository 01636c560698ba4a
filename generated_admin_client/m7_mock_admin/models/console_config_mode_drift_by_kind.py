from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConsoleConfigModeDriftByKind")


@_attrs_define
class ConsoleConfigModeDriftByKind:
    """The disagreements by kind (`undeclared-field`, `undeclared-code`, ...).

    Attributes:
        undeclared_status (int | Unset):
        content_type (int | Unset):
        not_json (int | Unset):
        undeclared_field (int | Unset):
        missing_field (int | Unset):
        type_ (int | Unset):
        format_ (int | Unset):
        value (int | Unset):
        undeclared_code (int | Unset):
        code_status (int | Unset):
    """

    undeclared_status: int | Unset = UNSET
    content_type: int | Unset = UNSET
    not_json: int | Unset = UNSET
    undeclared_field: int | Unset = UNSET
    missing_field: int | Unset = UNSET
    type_: int | Unset = UNSET
    format_: int | Unset = UNSET
    value: int | Unset = UNSET
    undeclared_code: int | Unset = UNSET
    code_status: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        undeclared_status = self.undeclared_status

        content_type = self.content_type

        not_json = self.not_json

        undeclared_field = self.undeclared_field

        missing_field = self.missing_field

        type_ = self.type_

        format_ = self.format_

        value = self.value

        undeclared_code = self.undeclared_code

        code_status = self.code_status

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if undeclared_status is not UNSET:
            field_dict["undeclared-status"] = undeclared_status
        if content_type is not UNSET:
            field_dict["content-type"] = content_type
        if not_json is not UNSET:
            field_dict["not-json"] = not_json
        if undeclared_field is not UNSET:
            field_dict["undeclared-field"] = undeclared_field
        if missing_field is not UNSET:
            field_dict["missing-field"] = missing_field
        if type_ is not UNSET:
            field_dict["type"] = type_
        if format_ is not UNSET:
            field_dict["format"] = format_
        if value is not UNSET:
            field_dict["value"] = value
        if undeclared_code is not UNSET:
            field_dict["undeclared-code"] = undeclared_code
        if code_status is not UNSET:
            field_dict["code-status"] = code_status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        undeclared_status = d.pop("undeclared-status", UNSET)

        content_type = d.pop("content-type", UNSET)

        not_json = d.pop("not-json", UNSET)

        undeclared_field = d.pop("undeclared-field", UNSET)

        missing_field = d.pop("missing-field", UNSET)

        type_ = d.pop("type", UNSET)

        format_ = d.pop("format", UNSET)

        value = d.pop("value", UNSET)

        undeclared_code = d.pop("undeclared-code", UNSET)

        code_status = d.pop("code-status", UNSET)

        console_config_mode_drift_by_kind = cls(
            undeclared_status=undeclared_status,
            content_type=content_type,
            not_json=not_json,
            undeclared_field=undeclared_field,
            missing_field=missing_field,
            type_=type_,
            format_=format_,
            value=value,
            undeclared_code=undeclared_code,
            code_status=code_status,
        )

        return console_config_mode_drift_by_kind
