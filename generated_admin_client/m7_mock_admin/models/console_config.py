from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.console_config_auth_mode import ConsoleConfigAuthMode

if TYPE_CHECKING:
    from ..models.console_config_mode import ConsoleConfigMode
    from ..models.operation_facts import OperationFacts
    from ..models.page_signing import PageSigning


T = TypeVar("T", bound="ConsoleConfig")


@_attrs_define
class ConsoleConfig:
    """
    Attributes:
        auth_mode (ConsoleConfigAuthMode): How the vendor API authenticates (`--auth-mode`). Example: strict.
        signing (PageSigning):
        operations (list[OperationFacts]):
        mode (ConsoleConfigMode): How the vendor operations are answered: `simulate` (the call-state rules), `proxy`
            (forwarded to the real vendor, `--upstream`, signed afresh with the upstream's own key) or `replay` (from a
            recording, `--replay`). Never a credential.
    """

    auth_mode: ConsoleConfigAuthMode
    signing: PageSigning
    operations: list[OperationFacts]
    mode: ConsoleConfigMode
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auth_mode = self.auth_mode.value

        signing = self.signing.to_dict()

        operations = []
        for operations_item_data in self.operations:
            operations_item = operations_item_data.to_dict()
            operations.append(operations_item)

        mode = self.mode.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "authMode": auth_mode,
                "signing": signing,
                "operations": operations,
                "mode": mode,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.console_config_mode import ConsoleConfigMode
        from ..models.operation_facts import OperationFacts
        from ..models.page_signing import PageSigning

        d = dict(src_dict)
        auth_mode = ConsoleConfigAuthMode(d.pop("authMode"))

        signing = PageSigning.from_dict(d.pop("signing"))

        operations = []
        _operations = d.pop("operations")
        for operations_item_data in _operations:
            operations_item = OperationFacts.from_dict(operations_item_data)

            operations.append(operations_item)

        mode = ConsoleConfigMode.from_dict(d.pop("mode"))

        console_config = cls(
            auth_mode=auth_mode,
            signing=signing,
            operations=operations,
            mode=mode,
        )

        console_config.additional_properties = d
        return console_config

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
