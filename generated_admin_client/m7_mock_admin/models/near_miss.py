from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.named_outcome import NamedOutcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.difference import Difference


T = TypeVar("T", bound="NearMiss")


@_attrs_define
class NearMiss:
    """
    Attributes:
        request_id (str): The request id (`x-request-id`).
        time (datetime.datetime): When the request arrived (UTC).
        differences (list[Difference]):
        operation (None | str | Unset): The vendor operation it was sent to (null for another path).
        status (int | None | Unset): The status sent; null when the connection was dropped.
        outcome (NamedOutcome | str | Unset): How the request ended, the vocabulary the journal and the mock's access
            log share (`mock_server.model.outcome.Outcome`): one of the named outcomes, or one of three families by status.
            Example: 40903.
        app_key (None | str | Unset): The app key: the authenticated one, else the `m7-appkey` header as sent (null when
            there was none).
        body (Any | Unset): The request body as the journal shows it.
    """

    request_id: str
    time: datetime.datetime
    differences: list[Difference]
    operation: None | str | Unset = UNSET
    status: int | None | Unset = UNSET
    outcome: NamedOutcome | str | Unset = UNSET
    app_key: None | str | Unset = UNSET
    body: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        request_id = self.request_id

        time = self.time.isoformat()

        differences = []
        for differences_item_data in self.differences:
            differences_item = differences_item_data.to_dict()
            differences.append(differences_item)

        operation: None | str | Unset
        if isinstance(self.operation, Unset):
            operation = UNSET
        else:
            operation = self.operation

        status: int | None | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        outcome: str | Unset
        if isinstance(self.outcome, Unset):
            outcome = UNSET
        elif isinstance(self.outcome, NamedOutcome):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        app_key: None | str | Unset
        if isinstance(self.app_key, Unset):
            app_key = UNSET
        else:
            app_key = self.app_key

        body = self.body

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "requestId": request_id,
                "time": time,
                "differences": differences,
            }
        )
        if operation is not UNSET:
            field_dict["operation"] = operation
        if status is not UNSET:
            field_dict["status"] = status
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if app_key is not UNSET:
            field_dict["appKey"] = app_key
        if body is not UNSET:
            field_dict["body"] = body

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.difference import Difference

        d = dict(src_dict)
        request_id = d.pop("requestId")

        time = datetime.datetime.fromisoformat(d.pop("time"))

        differences = []
        _differences = d.pop("differences")
        for differences_item_data in _differences:
            differences_item = Difference.from_dict(differences_item_data)

            differences.append(differences_item)

        def _parse_operation(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        operation = _parse_operation(d.pop("operation", UNSET))

        def _parse_status(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_outcome(data: object) -> NamedOutcome | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_outcome_type_0 = NamedOutcome(data)

                return componentsschemas_outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NamedOutcome | str | Unset, data)

        outcome = _parse_outcome(d.pop("outcome", UNSET))

        def _parse_app_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        app_key = _parse_app_key(d.pop("appKey", UNSET))

        body = d.pop("body", UNSET)

        near_miss = cls(
            request_id=request_id,
            time=time,
            differences=differences,
            operation=operation,
            status=status,
            outcome=outcome,
            app_key=app_key,
            body=body,
        )

        near_miss.additional_properties = d
        return near_miss

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
