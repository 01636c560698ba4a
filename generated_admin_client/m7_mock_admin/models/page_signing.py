from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.page_signing_accounts_item import PageSigningAccountsItem


T = TypeVar("T", bound="PageSigning")


@_attrs_define
class PageSigning:
    """
    Attributes:
        enabled (bool): Whether pages get the secret keys and sign in the browser. Example: True.
        reason (None | str): Why pages may not sign (null when they may).
        accounts (list[PageSigningAccountsItem]): The accounts; `secretKey` only when `enabled`.
    """

    enabled: bool
    reason: None | str
    accounts: list[PageSigningAccountsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        reason: None | str
        reason = self.reason

        accounts = []
        for accounts_item_data in self.accounts:
            accounts_item = accounts_item_data.to_dict()
            accounts.append(accounts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enabled": enabled,
                "reason": reason,
                "accounts": accounts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.page_signing_accounts_item import PageSigningAccountsItem

        d = dict(src_dict)
        enabled = d.pop("enabled")

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        accounts = []
        _accounts = d.pop("accounts")
        for accounts_item_data in _accounts:
            accounts_item = PageSigningAccountsItem.from_dict(accounts_item_data)

            accounts.append(accounts_item)

        page_signing = cls(
            enabled=enabled,
            reason=reason,
            accounts=accounts,
        )

        page_signing.additional_properties = d
        return page_signing

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
