from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.console_config_mode_drift_by_kind import ConsoleConfigModeDriftByKind


T = TypeVar("T", bound="ConsoleConfigModeDrift")


@_attrs_define
class ConsoleConfigModeDrift:
    """The answers from elsewhere checked against the vendor document since the mock started (this process's), and their
    disagreements; each journal entry of such an answer lists its own under `drift`. Absent when simulating.

        Attributes:
            answers (int):  Example: 12.
            disagreeing (int): The answers with at least one disagreement. Example: 2.
            disagreements (int):  Example: 3.
            by_kind (ConsoleConfigModeDriftByKind): The disagreements by kind (`undeclared-field`, `undeclared-code`, ...).
    """

    answers: int
    disagreeing: int
    disagreements: int
    by_kind: ConsoleConfigModeDriftByKind

    def to_dict(self) -> dict[str, Any]:
        answers = self.answers

        disagreeing = self.disagreeing

        disagreements = self.disagreements

        by_kind = self.by_kind.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "answers": answers,
                "disagreeing": disagreeing,
                "disagreements": disagreements,
                "byKind": by_kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.console_config_mode_drift_by_kind import (
            ConsoleConfigModeDriftByKind,
        )

        d = dict(src_dict)
        answers = d.pop("answers")

        disagreeing = d.pop("disagreeing")

        disagreements = d.pop("disagreements")

        by_kind = ConsoleConfigModeDriftByKind.from_dict(d.pop("byKind"))

        console_config_mode_drift = cls(
            answers=answers,
            disagreeing=disagreeing,
            disagreements=disagreements,
            by_kind=by_kind,
        )

        return console_config_mode_drift
