from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewAccount")


@_attrs_define
class NewAccount:
    """What to create; everything left out is made up (see `createAccount`).

    Attributes:
        app_key (str | Unset): The new account's app key: letters, digits, `.`, `_`, `~` and `-` only, so that it can be
            named in a URL path (`DELETE /__mock/accounts/{appKey}`) as it is. Example: ci-job-42.
        secret (str | Unset): The secret key to sign with (made up when left out).
        scenario (Any | Unset): A starting state, as in `demo-scenario.yaml` (camelCase keys): the call center of the
            account the request names (the default account when it names none) and, in `accounts`, the call centers of other
            accounts. Each app key is an account, its own call center. Only a scenario file given at start-up may declare
            `accounts` (with their `secret`); the admin API loads one account's call center and refuses `accounts` with
            `40002`.
    """

    app_key: str | Unset = UNSET
    secret: str | Unset = UNSET
    scenario: Any | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        app_key = self.app_key

        secret = self.secret

        scenario: Any | Unset
        if isinstance(self.scenario, Unset):
            scenario = UNSET
        else:
            scenario = self.scenario

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if app_key is not UNSET:
            field_dict["appKey"] = app_key
        if secret is not UNSET:
            field_dict["secret"] = secret
        if scenario is not UNSET:
            field_dict["scenario"] = scenario

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        app_key = d.pop("appKey", UNSET)

        secret = d.pop("secret", UNSET)

        def _parse_scenario(data: object) -> Any | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | Unset, data)

        scenario = _parse_scenario(d.pop("scenario", UNSET))

        new_account = cls(
            app_key=app_key,
            secret=secret,
            scenario=scenario,
        )

        return new_account
