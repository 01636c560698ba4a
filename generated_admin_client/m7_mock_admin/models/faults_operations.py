from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.operation_faults import OperationFaults


T = TypeVar("T", bound="FaultsOperations")


@_attrs_define
class FaultsOperations:
    """Faults for one operation, by operationId.

    Attributes:
        listen (OperationFaults | Unset): The faults of one operation; an empty object means none.
        hangup_channel (OperationFaults | Unset): The faults of one operation; an empty object means none.
        loot_call (OperationFaults | Unset): The faults of one operation; an empty object means none.
        whisper (OperationFaults | Unset): The faults of one operation; an empty object means none.
        pickup_channel (OperationFaults | Unset): The faults of one operation; an empty object means none.
    """

    listen: OperationFaults | Unset = UNSET
    hangup_channel: OperationFaults | Unset = UNSET
    loot_call: OperationFaults | Unset = UNSET
    whisper: OperationFaults | Unset = UNSET
    pickup_channel: OperationFaults | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        listen: dict[str, Any] | Unset = UNSET
        if not isinstance(self.listen, Unset):
            listen = self.listen.to_dict()

        hangup_channel: dict[str, Any] | Unset = UNSET
        if not isinstance(self.hangup_channel, Unset):
            hangup_channel = self.hangup_channel.to_dict()

        loot_call: dict[str, Any] | Unset = UNSET
        if not isinstance(self.loot_call, Unset):
            loot_call = self.loot_call.to_dict()

        whisper: dict[str, Any] | Unset = UNSET
        if not isinstance(self.whisper, Unset):
            whisper = self.whisper.to_dict()

        pickup_channel: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pickup_channel, Unset):
            pickup_channel = self.pickup_channel.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if listen is not UNSET:
            field_dict["listen"] = listen
        if hangup_channel is not UNSET:
            field_dict["hangupChannel"] = hangup_channel
        if loot_call is not UNSET:
            field_dict["lootCall"] = loot_call
        if whisper is not UNSET:
            field_dict["whisper"] = whisper
        if pickup_channel is not UNSET:
            field_dict["pickupChannel"] = pickup_channel

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.operation_faults import OperationFaults

        d = dict(src_dict)
        _listen = d.pop("listen", UNSET)
        listen: OperationFaults | Unset
        if isinstance(_listen, Unset):
            listen = UNSET
        else:
            listen = OperationFaults.from_dict(_listen)

        _hangup_channel = d.pop("hangupChannel", UNSET)
        hangup_channel: OperationFaults | Unset
        if isinstance(_hangup_channel, Unset):
            hangup_channel = UNSET
        else:
            hangup_channel = OperationFaults.from_dict(_hangup_channel)

        _loot_call = d.pop("lootCall", UNSET)
        loot_call: OperationFaults | Unset
        if isinstance(_loot_call, Unset):
            loot_call = UNSET
        else:
            loot_call = OperationFaults.from_dict(_loot_call)

        _whisper = d.pop("whisper", UNSET)
        whisper: OperationFaults | Unset
        if isinstance(_whisper, Unset):
            whisper = UNSET
        else:
            whisper = OperationFaults.from_dict(_whisper)

        _pickup_channel = d.pop("pickupChannel", UNSET)
        pickup_channel: OperationFaults | Unset
        if isinstance(_pickup_channel, Unset):
            pickup_channel = UNSET
        else:
            pickup_channel = OperationFaults.from_dict(_pickup_channel)

        faults_operations = cls(
            listen=listen,
            hangup_channel=hangup_channel,
            loot_call=loot_call,
            whisper=whisper,
            pickup_channel=pickup_channel,
        )

        return faults_operations
