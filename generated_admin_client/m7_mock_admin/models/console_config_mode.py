from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.console_config_mode_fallback import ConsoleConfigModeFallback
from ..models.console_config_mode_kind import ConsoleConfigModeKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.console_config_mode_drift import ConsoleConfigModeDrift


T = TypeVar("T", bound="ConsoleConfigMode")


@_attrs_define
class ConsoleConfigMode:
    """How the vendor operations are answered: `simulate` (the call-state rules), `proxy` (forwarded to the real vendor,
    `--upstream`, signed afresh with the upstream's own key) or `replay` (from a recording, `--replay`). Never a
    credential.

        Attributes:
            kind (ConsoleConfigModeKind):  Example: proxy.
            upstream (None | str): The upstream's base URL (`--upstream`); null when there is none. Example:
                https://v7openapi.7moor.com.
            record (None | str): The HAR file the upstream's exchanges are written to (`--record`). Example: vendor.har.
            replay (None | str): The HAR file answers are replayed from (`--replay`).
            fallback (ConsoleConfigModeFallback): What answers a request the replayed recording does not hold (`--replay-
                fallback`; `none`: a 404 envelope naming it). Example: none.
            drift (ConsoleConfigModeDrift | Unset): The answers from elsewhere checked against the vendor document since the
                mock started (this process's), and their disagreements; each journal entry of such an answer lists its own under
                `drift`. Absent when simulating.
            recorded (int | None | Unset): The exchanges written to the recording so far (null without `--record`). Example:
                12.
            not_recorded (int | None | Unset): The exchanges left out of the recording since it could not be written (a full
                disk, its size bound reached); null without `--record`. Example: 0.
            replayable (int | None | Unset): The answers the replayed recording holds (null without `--replay`).
    """

    kind: ConsoleConfigModeKind
    upstream: None | str
    record: None | str
    replay: None | str
    fallback: ConsoleConfigModeFallback
    drift: ConsoleConfigModeDrift | Unset = UNSET
    recorded: int | None | Unset = UNSET
    not_recorded: int | None | Unset = UNSET
    replayable: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        upstream: None | str
        upstream = self.upstream

        record: None | str
        record = self.record

        replay: None | str
        replay = self.replay

        fallback = self.fallback.value

        drift: dict[str, Any] | Unset = UNSET
        if not isinstance(self.drift, Unset):
            drift = self.drift.to_dict()

        recorded: int | None | Unset
        if isinstance(self.recorded, Unset):
            recorded = UNSET
        else:
            recorded = self.recorded

        not_recorded: int | None | Unset
        if isinstance(self.not_recorded, Unset):
            not_recorded = UNSET
        else:
            not_recorded = self.not_recorded

        replayable: int | None | Unset
        if isinstance(self.replayable, Unset):
            replayable = UNSET
        else:
            replayable = self.replayable

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "upstream": upstream,
                "record": record,
                "replay": replay,
                "fallback": fallback,
            }
        )
        if drift is not UNSET:
            field_dict["drift"] = drift
        if recorded is not UNSET:
            field_dict["recorded"] = recorded
        if not_recorded is not UNSET:
            field_dict["notRecorded"] = not_recorded
        if replayable is not UNSET:
            field_dict["replayable"] = replayable

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.console_config_mode_drift import ConsoleConfigModeDrift

        d = dict(src_dict)
        kind = ConsoleConfigModeKind(d.pop("kind"))

        def _parse_upstream(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        upstream = _parse_upstream(d.pop("upstream"))

        def _parse_record(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        record = _parse_record(d.pop("record"))

        def _parse_replay(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        replay = _parse_replay(d.pop("replay"))

        fallback = ConsoleConfigModeFallback(d.pop("fallback"))

        _drift = d.pop("drift", UNSET)
        drift: ConsoleConfigModeDrift | Unset
        if isinstance(_drift, Unset):
            drift = UNSET
        else:
            drift = ConsoleConfigModeDrift.from_dict(_drift)

        def _parse_recorded(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        recorded = _parse_recorded(d.pop("recorded", UNSET))

        def _parse_not_recorded(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        not_recorded = _parse_not_recorded(d.pop("notRecorded", UNSET))

        def _parse_replayable(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        replayable = _parse_replayable(d.pop("replayable", UNSET))

        console_config_mode = cls(
            kind=kind,
            upstream=upstream,
            record=record,
            replay=replay,
            fallback=fallback,
            drift=drift,
            recorded=recorded,
            not_recorded=not_recorded,
            replayable=replayable,
        )

        return console_config_mode
