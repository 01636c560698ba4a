"""Scenarios: the starting state of the mock's simulated call center.

A scenario names the media server, the agents (supervisors included) and the live calls at
start-up. It is written in YAML or JSON with the API's camelCase keys, so that a user can copy
``demo-scenario.yaml``, edit it and start the mock with it::

    mediaServer: "172.31.15.8:11100"
    agents:
      - {number: "2000", name: "Zhang Wei", role: supervisor, online: true}
    calls:
      - {id: "call-0001", customer: "13800138000", agent: "9527", state: talking}

``parse_scenario`` checks everything the call center relies on (one call per agent, monitors
are online supervisors, ...) and raises ``ScenarioError`` naming the exact place that is
wrong, e.g. ``agents[2].role: must be 'supervisor' or 'agent', got 'boss'``, because a mock
that starts from an impossible state would answer requests in ways no real call center can.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, cast, get_args

import yaml

__all__ = [
    "AGENT_NUMBER_PATTERN",
    "CALL_STATES",
    "DEFAULT_MEDIA_SERVER",
    "DEMO",
    "DEMO_SCENARIO_PATH",
    "MONITOR_MODES",
    "ROLES",
    "AgentSpec",
    "AgentStatus",
    "CallSpec",
    "CallState",
    "MonitorMode",
    "Role",
    "Scenario",
    "ScenarioError",
    "load_demo",
    "load_scenario",
    "parse_scenario",
    "read_scenario_data",
]

# The vocabulary is defined here, not in callcenter.py, so that the call center can import
# the scenario without a cycle; callcenter.py re-exports these names.
Role = Literal["supervisor", "agent"]
AgentStatus = Literal["offline", "idle", "ringing", "talking", "monitoring"]
CallState = Literal["ringing", "talking"]
MonitorMode = Literal["listen", "whisper", "barge"]

ROLES: Final[tuple[str, ...]] = get_args(Role)
CALL_STATES: Final[tuple[str, ...]] = get_args(CallState)
MONITOR_MODES: Final[tuple[str, ...]] = get_args(MonitorMode)

#: The media server of the vendor's response examples.
DEFAULT_MEDIA_SERVER: Final = "172.31.15.8:11100"

#: The OpenAPI document's ``AgentNumber``: agent numbers the API can address.
AGENT_NUMBER_PATTERN: Final = re.compile(r"[0-9A-Za-z_.@-]{1,32}")

#: The demo scenario as a file users can copy; ``load_demo`` reads it.
DEMO_SCENARIO_PATH: Final = Path(__file__).with_name("demo-scenario.yaml")


class ScenarioError(ValueError):
    """A scenario is invalid; the message names the place, e.g. ``calls[1].agent: ...``."""


@dataclass(frozen=True)
class AgentSpec:
    """An agent (工号) at start-up; a supervisor is an agent with the supervisor role."""

    number: str
    name: str
    role: Role
    online: bool = True


@dataclass(frozen=True)
class CallSpec:
    """A live call at start-up, optionally monitored by a supervisor in some mode."""

    id: str
    customer: str
    agent: str
    state: CallState
    supervisor: str | None = None
    mode: MonitorMode | None = None


@dataclass(frozen=True)
class Scenario:
    """A whole starting state; immutable so that ``CallCenter.reset`` can always return to it."""

    media_server: str
    agents: tuple[AgentSpec, ...]
    calls: tuple[CallSpec, ...] = ()

    def to_data(self) -> dict[str, Any]:
        """The scenario in the file format (camelCase, optional keys omitted when unset)."""
        calls: list[dict[str, Any]] = []
        for call in self.calls:
            item: dict[str, Any] = {
                "id": call.id,
                "customer": call.customer,
                "agent": call.agent,
                "state": call.state,
            }
            if call.supervisor is not None:
                item["supervisor"] = call.supervisor
            if call.mode is not None:
                item["mode"] = call.mode
            calls.append(item)
        return {
            "mediaServer": self.media_server,
            "agents": [
                {"number": a.number, "name": a.name, "role": a.role, "online": a.online}
                for a in self.agents
            ],
            "calls": calls,
        }


# --- parsing -----------------------------------------------------------------------------


def _at(where: str, key: str) -> str:
    """The place of ``key`` inside ``where`` (``agents[2].role``, or ``mediaServer`` at the top)."""
    return f"{where}.{key}" if where else key


def _mapping(value: object, where: str, allowed: tuple[str, ...]) -> Mapping[str, object]:
    """Check ``value`` is a mapping with only ``allowed`` keys: a typo must not pass silently."""
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{where}: must be a mapping, got {type(value).__name__}")
    for key in value:
        if key not in allowed:
            expected = ", ".join(allowed)
            raise ScenarioError(f"{where}: unknown key {key!r} (expected {expected})")
    return cast(Mapping[str, object], value)


def _text(item: Mapping[str, object], key: str, where: str, *, default: str | None = None) -> str:
    """A required (or defaulted) non-empty string; a YAML number gets a hint to quote it."""
    if key not in item:
        if default is not None:
            return default
        raise ScenarioError(f"{_at(where, key)}: is required")
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, str):
        hint = f' (quote it: "{value}")' if isinstance(value, int | float) else ""
        kind = type(value).__name__
        raise ScenarioError(f"{_at(where, key)}: must be a string, got {kind}{hint}")
    if not value.strip():
        raise ScenarioError(f"{_at(where, key)}: must not be empty")
    return value


def _agent_number(item: Mapping[str, object], key: str, where: str) -> str:
    """An agent number in the API's ``AgentNumber`` format, so the API can address it."""
    number = _text(item, key, where)
    if not AGENT_NUMBER_PATTERN.fullmatch(number):
        raise ScenarioError(
            f"{_at(where, key)}: {number!r} is not an agent number (1 to 32 of 0-9 A-Z a-z _ . @ -)"
        )
    return number


def _one_of(choices: tuple[str, ...]) -> str:
    """``'a' or 'b'`` / ``'a', 'b' or 'c'``: the allowed values, for messages."""
    quoted = [repr(c) for c in choices]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}"


def _choice(item: Mapping[str, object], key: str, where: str, choices: tuple[str, ...]) -> str:
    """A required value from a fixed set."""
    if key not in item:
        raise ScenarioError(f"{_at(where, key)}: is required")
    value = item[key]
    if value not in choices:
        raise ScenarioError(f"{_at(where, key)}: must be {_one_of(choices)}, got {value!r}")
    return value


def _parse_agent(value: object, where: str) -> AgentSpec:
    item = _mapping(value, where, ("number", "name", "role", "online"))
    number = _agent_number(item, "number", where)
    name = _text(item, "name", where, default=number)
    role = cast(Role, _choice(item, "role", where, ROLES))
    online = item.get("online", True)
    if not isinstance(online, bool):
        raise ScenarioError(f"{where}.online: must be true or false, got {online!r}")
    return AgentSpec(number=number, name=name, role=role, online=online)


def _parse_call(value: object, where: str) -> CallSpec:
    item = _mapping(value, where, ("id", "customer", "agent", "state", "supervisor", "mode"))
    call_id = _text(item, "id", where)
    customer = _text(item, "customer", where)
    agent = _agent_number(item, "agent", where)
    state = cast(CallState, _choice(item, "state", where, CALL_STATES))
    supervisor: str | None = None
    mode: MonitorMode | None = None
    if item.get("supervisor") is not None:
        supervisor = _agent_number(item, "supervisor", where)
    if item.get("mode") is not None:
        mode = cast(MonitorMode, _choice(item, "mode", where, MONITOR_MODES))
    if supervisor is not None and mode is None:
        raise ScenarioError(f"{where}.mode: is required when the call has a supervisor")
    if mode is not None and supervisor is None:
        raise ScenarioError(f"{where}.mode: given without a supervisor")
    return CallSpec(
        id=call_id, customer=customer, agent=agent, state=state, supervisor=supervisor, mode=mode
    )


def _check_consistency(agents: tuple[AgentSpec, ...], calls: tuple[CallSpec, ...]) -> None:
    """The cross-references: what makes a set of valid records a possible call center."""
    by_number: dict[str, tuple[int, AgentSpec]] = {}
    for i, agent in enumerate(agents):
        if agent.number in by_number:
            first = by_number[agent.number][0]
            raise ScenarioError(
                f"agents[{i}].number: duplicate agent {agent.number} (also agents[{first}])"
            )
        by_number[agent.number] = (i, agent)

    call_ids: dict[str, int] = {}
    busy: dict[str, str] = {}  # agent number -> "on calls[i]" / "monitoring calls[i]"
    for i, call in enumerate(calls):
        where = f"calls[{i}]"
        if call.id in call_ids:
            raise ScenarioError(
                f"{where}.id: duplicate call id {call.id!r} (also calls[{call_ids[call.id]}])"
            )
        call_ids[call.id] = i

        if call.agent not in by_number:
            raise ScenarioError(f"{where}.agent: no agent {call.agent} in agents")
        if not by_number[call.agent][1].online:
            raise ScenarioError(f"{where}.agent: agent {call.agent} is offline")
        if call.agent in busy:
            raise ScenarioError(f"{where}.agent: agent {call.agent} is already {busy[call.agent]}")
        busy[call.agent] = f"on {where}"

        if call.supervisor is None:
            continue
        supervisor = call.supervisor
        if supervisor == call.agent:
            raise ScenarioError(
                f"{where}.supervisor: agent {supervisor} cannot monitor their own call"
            )
        if supervisor not in by_number:
            raise ScenarioError(f"{where}.supervisor: no agent {supervisor} in agents")
        spec = by_number[supervisor][1]
        if spec.role != "supervisor":
            raise ScenarioError(f"{where}.supervisor: agent {supervisor} is not a supervisor")
        if not spec.online:
            raise ScenarioError(f"{where}.supervisor: supervisor {supervisor} is offline")
        if call.state != "talking":
            raise ScenarioError(
                f"{where}.supervisor: the call is {call.state}; only a talking call is monitored"
            )
        if supervisor in busy:
            raise ScenarioError(
                f"{where}.supervisor: supervisor {supervisor} is already {busy[supervisor]}"
            )
        busy[supervisor] = f"monitoring {where}"


def parse_scenario(data: object) -> Scenario:
    """Validate decoded YAML/JSON and build a ``Scenario``; raise ``ScenarioError`` if wrong."""
    root = _mapping(data, "scenario", ("mediaServer", "agents", "calls"))
    media_server = DEFAULT_MEDIA_SERVER
    if "mediaServer" in root:
        media_server = _text(root, "mediaServer", "")
    if "agents" not in root:
        raise ScenarioError("agents: is required (a list, possibly empty)")
    raw_agents = root["agents"]
    if not isinstance(raw_agents, list):
        raise ScenarioError(f"agents: must be a list, got {type(raw_agents).__name__}")
    raw_calls = root.get("calls", [])
    if raw_calls is None:
        raw_calls = []
    if not isinstance(raw_calls, list):
        raise ScenarioError(f"calls: must be a list, got {type(raw_calls).__name__}")
    agents = tuple(_parse_agent(a, f"agents[{i}]") for i, a in enumerate(raw_agents))
    calls = tuple(_parse_call(c, f"calls[{i}]") for i, c in enumerate(raw_calls))
    _check_consistency(agents, calls)
    return Scenario(media_server=media_server, agents=agents, calls=calls)


# --- files -------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects duplicate keys, which plain YAML silently overwrites."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _decode(text: str, *, json_format: bool) -> object:
    """Decode JSON, or YAML with the duplicate-key-refusing safe loader."""
    if json_format:
        return json.loads(text)
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass


def read_scenario_data(path: str | Path) -> object:
    """The decoded content of a ``.yaml``/``.yml``/``.json`` scenario file, not yet checked;
    errors start with the file's path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise ScenarioError(f"{path}: unsupported file type {suffix!r} (use .yaml, .yml or .json)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read: {exc}") from exc
    try:
        data = _decode(text, json_format=suffix == ".json")
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path}: invalid JSON: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: invalid YAML: {exc}") from exc
    return data


def load_scenario(path: str | Path) -> Scenario:
    """Read a ``.yaml``/``.yml``/``.json`` scenario file; errors start with the file's path."""
    path = Path(path)
    data = read_scenario_data(path)
    try:
        return parse_scenario(data)
    except ScenarioError as exc:
        raise ScenarioError(f"{path}: {exc}") from exc


# --- the demo ----------------------------------------------------------------------------

#: The built-in demo, equal to ``demo-scenario.yaml`` (a unit test keeps them equal). On a
#: fresh start the vendor page's examples (listen, lootCall, whisper, pickupChannel by 2002
#: on 9527) succeed; its hangupChannel example (2000 on 2002) fails with 40903 because
#: supervisor 2002 has no call of their own.
DEMO: Final = Scenario(
    media_server=DEFAULT_MEDIA_SERVER,
    agents=(
        AgentSpec("2000", "Zhang Wei", "supervisor", online=True),
        AgentSpec("2001", "Wang Fang", "supervisor", online=False),
        AgentSpec("2002", "Li Na", "supervisor", online=True),
        AgentSpec("2003", "Liu Yang", "supervisor", online=True),
        AgentSpec("9527", "Chen Jing", "agent", online=True),
        AgentSpec("9528", "Yang Lei", "agent", online=True),
        AgentSpec("9529", "Zhao Min", "agent", online=True),
        AgentSpec("9530", "Huang Qiang", "agent", online=True),
        AgentSpec("9531", "Zhou Ting", "agent", online=False),
    ),
    calls=(
        CallSpec("call-0001", "13800138000", "9527", "talking"),
        CallSpec("call-0002", "13900139000", "9528", "talking", supervisor="2003", mode="listen"),
        CallSpec("call-0003", "13700137000", "9529", "ringing"),
    ),
)


def load_demo() -> Scenario:
    """The demo scenario, read from ``demo-scenario.yaml`` (the built-in ``DEMO`` if absent).

    Reading the file keeps one editable copy authoritative for users; the fallback keeps the
    mock usable when installed without the data file.
    """
    if DEMO_SCENARIO_PATH.is_file():
        return load_scenario(DEMO_SCENARIO_PATH)
    return DEMO
