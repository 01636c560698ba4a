from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.clock_setting import ClockSetting
    from ..models.faults import Faults


T = TypeVar("T", bound="Snapshot")


@_attrs_define
class Snapshot:
    """An account's call center (the scenario format), fault plan and clock.

    Attributes:
        scenario (Any): A starting state, as in `demo-scenario.yaml` (camelCase keys): the call center of the account
            the request names (the default account when it names none) and, in `accounts`, the call centers of other
            accounts. Each app key is an account, its own call center. Only a scenario file given at start-up may declare
            `accounts` (with their `secret`); the admin API loads one account's call center and refuses `accounts` with
            `40002`.
        faults (Faults | Unset): The faults; each part is optional, an empty object means none. `latency`, `status` and
            `drop` apply to all five operations; `operations` holds faults for one operation, whose parts take the place of
            the parts of the same kind above for requests to it (each with its own count).
        clock (ClockSetting | Unset): How an account's clock is set, in a snapshot: stopped at `frozenAt`, or running
            `offsetSeconds` ahead of real time (0: the real time).
    """

    scenario: Any
    faults: Faults | Unset = UNSET
    clock: ClockSetting | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        scenario: Any
        scenario = self.scenario

        faults: dict[str, Any] | Unset = UNSET
        if not isinstance(self.faults, Unset):
            faults = self.faults.to_dict()

        clock: dict[str, Any] | Unset = UNSET
        if not isinstance(self.clock, Unset):
            clock = self.clock.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "scenario": scenario,
            }
        )
        if faults is not UNSET:
            field_dict["faults"] = faults
        if clock is not UNSET:
            field_dict["clock"] = clock

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.clock_setting import ClockSetting
        from ..models.faults import Faults

        d = dict(src_dict)

        def _parse_scenario(data: object) -> Any:
            return cast(Any, data)

        scenario = _parse_scenario(d.pop("scenario"))

        _faults = d.pop("faults", UNSET)
        faults: Faults | Unset
        if isinstance(_faults, Unset):
            faults = UNSET
        else:
            faults = Faults.from_dict(_faults)

        _clock = d.pop("clock", UNSET)
        clock: ClockSetting | Unset
        if isinstance(_clock, Unset):
            clock = UNSET
        else:
            clock = ClockSetting.from_dict(_clock)

        snapshot = cls(
            scenario=scenario,
            faults=faults,
            clock=clock,
        )

        return snapshot
