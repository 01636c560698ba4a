from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.drop_fault import DropFault
    from ..models.faults_operations import FaultsOperations
    from ..models.latency_fault import LatencyFault
    from ..models.status_fault import StatusFault


T = TypeVar("T", bound="Faults")


@_attrs_define
class Faults:
    """The faults; each part is optional, an empty object means none. `latency`, `status` and `drop` apply to all five
    operations; `operations` holds faults for one operation, whose parts take the place of the parts of the same kind
    above for requests to it (each with its own count).

        Attributes:
            latency (LatencyFault | Unset): `fixedMs`, or `minMs` and `maxMs` for a uniformly random delay.
            status (StatusFault | Unset): Answer `status` (with the error envelope) for the next `count` requests, or for a
                `ratio` of the requests (exactly one of the two; `ratio: 1` for every request). The envelope's `code` is the
                status, or the business `code` when given (e.g. status 409 with code `40903`, "the agent has no live call").
            drop (DropFault | Unset): Close the connection without a response for the next `count` requests.
            operations (FaultsOperations | Unset): Faults for one operation, by operationId.
            seed (int | Unset): With a seed, what chance decides (a latency between `minMs` and `maxMs`, a status by
                `ratio`) is drawn from one sequence that starts again at every `PUT`: the same requests get the same faults in
                every run, on either backend. Without one, chance. Example: 42.
    """

    latency: LatencyFault | Unset = UNSET
    status: StatusFault | Unset = UNSET
    drop: DropFault | Unset = UNSET
    operations: FaultsOperations | Unset = UNSET
    seed: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        latency: dict[str, Any] | Unset = UNSET
        if not isinstance(self.latency, Unset):
            latency = self.latency.to_dict()

        status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.to_dict()

        drop: dict[str, Any] | Unset = UNSET
        if not isinstance(self.drop, Unset):
            drop = self.drop.to_dict()

        operations: dict[str, Any] | Unset = UNSET
        if not isinstance(self.operations, Unset):
            operations = self.operations.to_dict()

        seed = self.seed

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if latency is not UNSET:
            field_dict["latency"] = latency
        if status is not UNSET:
            field_dict["status"] = status
        if drop is not UNSET:
            field_dict["drop"] = drop
        if operations is not UNSET:
            field_dict["operations"] = operations
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.drop_fault import DropFault
        from ..models.faults_operations import FaultsOperations
        from ..models.latency_fault import LatencyFault
        from ..models.status_fault import StatusFault

        d = dict(src_dict)
        _latency = d.pop("latency", UNSET)
        latency: LatencyFault | Unset
        if isinstance(_latency, Unset):
            latency = UNSET
        else:
            latency = LatencyFault.from_dict(_latency)

        _status = d.pop("status", UNSET)
        status: StatusFault | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = StatusFault.from_dict(_status)

        _drop = d.pop("drop", UNSET)
        drop: DropFault | Unset
        if isinstance(_drop, Unset):
            drop = UNSET
        else:
            drop = DropFault.from_dict(_drop)

        _operations = d.pop("operations", UNSET)
        operations: FaultsOperations | Unset
        if isinstance(_operations, Unset):
            operations = UNSET
        else:
            operations = FaultsOperations.from_dict(_operations)

        seed = d.pop("seed", UNSET)

        faults = cls(
            latency=latency,
            status=status,
            drop=drop,
            operations=operations,
            seed=seed,
        )

        return faults
