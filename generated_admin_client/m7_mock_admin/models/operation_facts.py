from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.operation_facts_operation_id import OperationFactsOperationId
from ..models.operation_facts_term import OperationFactsTerm

T = TypeVar("T", bound="OperationFacts")


@_attrs_define
class OperationFacts:
    """
    Attributes:
        operation_id (OperationFactsOperationId):  Example: listen.
        path (str):  Example: /openapi/v1/call/listen.
        supervisor_field (str): The body field naming the acting supervisor. Example: listenAgent.
        term (OperationFactsTerm): The vendor's term. Example: 监听.
    """

    operation_id: OperationFactsOperationId
    path: str
    supervisor_field: str
    term: OperationFactsTerm
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        operation_id = self.operation_id.value

        path = self.path

        supervisor_field = self.supervisor_field

        term = self.term.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "operationId": operation_id,
                "path": path,
                "supervisorField": supervisor_field,
                "term": term,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        operation_id = OperationFactsOperationId(d.pop("operationId"))

        path = d.pop("path")

        supervisor_field = d.pop("supervisorField")

        term = OperationFactsTerm(d.pop("term"))

        operation_facts = cls(
            operation_id=operation_id,
            path=path,
            supervisor_field=supervisor_field,
            term=term,
        )

        operation_facts.additional_properties = d
        return operation_facts

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
