from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AccountCredentials")


@_attrs_define
class AccountCredentials:
    """A new account's app key and secret: the only answer that shows a secret, made for the caller who created the
    account.

        Attributes:
            app_key (str): An account's app key (the vendor API's `m7-appkey`). Example: 2100147.
            secret (str):
    """

    app_key: str
    secret: str

    def to_dict(self) -> dict[str, Any]:
        app_key = self.app_key

        secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "appKey": app_key,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        app_key = d.pop("appKey")

        secret = d.pop("secret")

        account_credentials = cls(
            app_key=app_key,
            secret=secret,
        )

        return account_credentials
