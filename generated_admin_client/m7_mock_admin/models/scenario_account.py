from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.scenario_agent import ScenarioAgent
    from ..models.scenario_call import ScenarioCall


T = TypeVar("T", bound="ScenarioAccount")


@_attrs_define
class ScenarioAccount:
    """One account (app key) and, when `agents` is given, its own call center; without `agents` it starts from the
    scenario's top-level call center (or the demo).

        Attributes:
            app_key (str): An account's app key (the vendor API's `m7-appkey`). Example: 2100147.
            secret (str | Unset): The account's secret key (start-up files only; never shown).
            media_server (str | Unset): The media server (host:port) the vendor API's success responses carry
                (`data.response.data.mediaServer`). Example: 172.31.15.8:11100.
            agents (list[ScenarioAgent] | Unset):
            calls (list[ScenarioCall] | Unset):
    """

    app_key: str
    secret: str | Unset = UNSET
    media_server: str | Unset = UNSET
    agents: list[ScenarioAgent] | Unset = UNSET
    calls: list[ScenarioCall] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        app_key = self.app_key

        secret = self.secret

        media_server = self.media_server

        agents: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.agents, Unset):
            agents = []
            for agents_item_data in self.agents:
                agents_item = agents_item_data.to_dict()
                agents.append(agents_item)

        calls: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.calls, Unset):
            calls = []
            for calls_item_data in self.calls:
                calls_item = calls_item_data.to_dict()
                calls.append(calls_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "appKey": app_key,
            }
        )
        if secret is not UNSET:
            field_dict["secret"] = secret
        if media_server is not UNSET:
            field_dict["mediaServer"] = media_server
        if agents is not UNSET:
            field_dict["agents"] = agents
        if calls is not UNSET:
            field_dict["calls"] = calls

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.scenario_agent import ScenarioAgent
        from ..models.scenario_call import ScenarioCall

        d = dict(src_dict)
        app_key = d.pop("appKey")

        secret = d.pop("secret", UNSET)

        media_server = d.pop("mediaServer", UNSET)

        _agents = d.pop("agents", UNSET)
        agents: list[ScenarioAgent] | Unset = UNSET
        if _agents is not UNSET:
            agents = []
            for agents_item_data in _agents:
                agents_item = ScenarioAgent.from_dict(agents_item_data)

                agents.append(agents_item)

        _calls = d.pop("calls", UNSET)
        calls: list[ScenarioCall] | Unset = UNSET
        if _calls is not UNSET:
            calls = []
            for calls_item_data in _calls:
                calls_item = ScenarioCall.from_dict(calls_item_data)

                calls.append(calls_item)

        scenario_account = cls(
            app_key=app_key,
            secret=secret,
            media_server=media_server,
            agents=agents,
            calls=calls,
        )

        return scenario_account
