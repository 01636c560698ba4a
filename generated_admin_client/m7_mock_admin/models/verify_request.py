from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.vendor_operation import VendorOperation
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.verify_request_where import VerifyRequestWhere


T = TypeVar("T", bound="VerifyRequest")


@_attrs_define
class VerifyRequest:
    """What to count, and the rule the count must meet (exactly one of the three).

    Attributes:
        operation (VendorOperation): A vendor operation (its operationId).
        where (VerifyRequestWhere | Unset): Values a matching request has: fields of its body (`agentNumber`,
            `listenAgent`, `actionId`, ...), and `appKey`, `status`, `outcome` of the journal entry.
        exactly (int | Unset): A number of requests.
        at_least (int | Unset): A number of requests.
        at_most (int | Unset): A number of requests.
    """

    operation: VendorOperation
    where: VerifyRequestWhere | Unset = UNSET
    exactly: int | Unset = UNSET
    at_least: int | Unset = UNSET
    at_most: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        operation = self.operation.value

        where: dict[str, Any] | Unset = UNSET
        if not isinstance(self.where, Unset):
            where = self.where.to_dict()

        exactly = self.exactly

        at_least = self.at_least

        at_most = self.at_most

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "operation": operation,
            }
        )
        if where is not UNSET:
            field_dict["where"] = where
        if exactly is not UNSET:
            field_dict["exactly"] = exactly
        if at_least is not UNSET:
            field_dict["atLeast"] = at_least
        if at_most is not UNSET:
            field_dict["atMost"] = at_most

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.verify_request_where import VerifyRequestWhere

        d = dict(src_dict)
        operation = VendorOperation(d.pop("operation"))

        _where = d.pop("where", UNSET)
        where: VerifyRequestWhere | Unset
        if isinstance(_where, Unset):
            where = UNSET
        else:
            where = VerifyRequestWhere.from_dict(_where)

        exactly = d.pop("exactly", UNSET)

        at_least = d.pop("atLeast", UNSET)

        at_most = d.pop("atMost", UNSET)

        verify_request = cls(
            operation=operation,
            where=where,
            exactly=exactly,
            at_least=at_least,
            at_most=at_most,
        )

        return verify_request
