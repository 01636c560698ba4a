"""Scenario files: loading, the demo, and a precise ScenarioError for every way to be wrong."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.model import scenario as scenario_module
from mock_server.model.callcenter import CallCenter
from mock_server.model.scenario import (
    DEFAULT_MEDIA_SERVER,
    DEMO,
    DEMO_SCENARIO_PATH,
    AgentSpec,
    CallSpec,
    CallState,
    MonitorMode,
    Role,
    Scenario,
    ScenarioError,
    load_demo,
    load_scenario,
    parse_scenario,
)

Data = dict[str, Any]


def demo_data() -> Data:
    """A fresh, deep copy of the demo in the file format, to mutate in one place."""
    return copy.deepcopy(DEMO.to_data())


# --- the demo ----------------------------------------------------------------------------------


def test_demo_file_equals_load_demo_and_the_builtin() -> None:
    assert load_scenario(DEMO_SCENARIO_PATH) == DEMO
    assert load_demo() == DEMO


def test_demo_file_spells_out_every_key() -> None:
    """The file users copy shows every field, relying on no default."""
    raw = yaml.safe_load(DEMO_SCENARIO_PATH.read_text(encoding="utf-8"))
    assert raw == DEMO.to_data()


def test_demo_content() -> None:
    agents = {a.number: (a.role, a.online) for a in DEMO.agents}
    assert agents == {
        "2000": ("supervisor", True),
        "2001": ("supervisor", False),
        "2002": ("supervisor", True),
        "2003": ("supervisor", True),
        "9527": ("agent", True),
        "9528": ("agent", True),
        "9529": ("agent", True),
        "9530": ("agent", True),
        "9531": ("agent", False),
    }
    assert DEMO.media_server == "172.31.15.8:11100"
    assert [(c.agent, c.state, c.supervisor, c.mode) for c in DEMO.calls] == [
        ("9527", "talking", None, None),
        ("9528", "talking", "2003", "listen"),
        ("9529", "ringing", None, None),
    ]
    assert all(a.name and a.name != a.number for a in DEMO.agents)


def test_load_demo_falls_back_to_the_builtin_without_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(scenario_module, "DEMO_SCENARIO_PATH", tmp_path / "absent.yaml")
    assert load_demo() is DEMO


def test_load_demo_reads_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    edited = tmp_path / "demo-scenario.yaml"
    edited.write_text('mediaServer: "1.2.3.4:5"\nagents: []\n', encoding="utf-8")
    monkeypatch.setattr(scenario_module, "DEMO_SCENARIO_PATH", edited)
    assert load_demo() == Scenario(media_server="1.2.3.4:5", agents=())


def test_scenarios_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEMO.media_server = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEMO.agents[0].online = False  # type: ignore[misc]


def test_to_data_round_trips() -> None:
    assert parse_scenario(DEMO.to_data()) == DEMO


# --- loading files -----------------------------------------------------------------------------


def test_load_json(tmp_path: Path) -> None:
    path = tmp_path / "center.json"
    path.write_text(json.dumps(DEMO.to_data()), encoding="utf-8")
    assert load_scenario(path) == DEMO
    assert load_scenario(str(path)) == DEMO


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".YAML"])
def test_load_yaml(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"center{suffix}"
    path.write_text(yaml.safe_dump(DEMO.to_data(), allow_unicode=True), encoding="utf-8")
    assert load_scenario(path) == DEMO


def test_defaults(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(
        'agents:\n  - {number: "1", role: supervisor}\n  - {number: "2", role: agent}\n',
        encoding="utf-8",
    )
    assert load_scenario(path) == Scenario(
        media_server=DEFAULT_MEDIA_SERVER,
        agents=(AgentSpec("1", "1", "supervisor", True), AgentSpec("2", "2", "agent", True)),
        calls=(),
    )


def test_null_calls_and_supervisor_mean_none() -> None:
    data: Data = {
        "agents": [{"number": "1", "role": "agent"}],
        "calls": [
            {
                "id": "c",
                "customer": "x",
                "agent": "1",
                "state": "talking",
                "supervisor": None,
                "mode": None,
            }
        ],
    }
    assert parse_scenario(data).calls == (CallSpec("c", "x", "1", "talking"),)
    assert parse_scenario({"agents": [], "calls": None}).calls == ()


def test_chinese_names_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "zh.yaml"
    path.write_text('agents:\n  - {number: "1", name: "张伟", role: agent}\n', encoding="utf-8")
    assert load_scenario(path).agents[0].name == "张伟"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("c.txt", "agents: []", "unsupported file type '.txt' (use .yaml, .yml or .json)"),
        ("c.yaml", "agents: [", "invalid YAML: "),
        ("c.json", "{agents: []}", "invalid JSON: "),
        ("c.yaml", "agents: []\nagents: []\n", "invalid YAML: "),
        ("c.yaml", "- 1\n", "scenario: must be a mapping, got list"),
        ("c.yaml", "agents:\n  - {number: 2000, role: agent}\n", "agents[0].number: must be"),
        ("c.json", "[]", "scenario: must be a mapping, got list"),
        ("c.yaml", "", "scenario: must be a mapping, got NoneType"),
    ],
)
def test_file_errors_name_the_file(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}: {expected}")


def test_duplicate_yaml_keys_are_named(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text('agents:\n  - {number: "1", number: "2", role: agent}\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="duplicate key 'number'"):
        load_scenario(path)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}: cannot read: ")


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"agents: []\n# \xff\n")
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(path)


def test_unquoted_number_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text("agents:\n  - {number: 2000, role: agent}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert (
        str(info.value) == f'{path}: agents[0].number: must be a string, got int (quote it: "2000")'
    )


def test_scenario_error_is_a_value_error() -> None:
    assert issubclass(ScenarioError, ValueError)


# --- every validation error --------------------------------------------------------------------

Mutation = Callable[[Data], object]


def set_at(path: str, value: object) -> Mutation:
    """A mutation setting ``agents.2.role``-style paths of the demo data."""

    def mutate(data: Data) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def delete_at(path: str) -> Mutation:
    def mutate(data: Data) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]

    return mutate


def append_call(**call: object) -> Mutation:
    def mutate(data: Data) -> None:
        data["calls"].append(call)

    return mutate


def append_agent(**agent: object) -> Mutation:
    def mutate(data: Data) -> None:
        data["agents"].append(agent)

    return mutate


INVALID: list[tuple[str, Mutation, str]] = [
    # the top level
    ("unknown top key", set_at("agent", []), "scenario: unknown key 'agent' (expected "),
    ("agents missing", delete_at("agents"), "agents: is required (a list, possibly empty)"),
    ("agents not a list", set_at("agents", {}), "agents: must be a list, got dict"),
    ("calls not a list", set_at("calls", "none"), "calls: must be a list, got str"),
    ("mediaServer empty", set_at("mediaServer", " "), "mediaServer: must not be empty"),
    (
        "mediaServer a number",
        set_at("mediaServer", 11100),
        'mediaServer: must be a string, got int (quote it: "11100")',
    ),
    # agents[i]
    ("agent not a mapping", set_at("agents.2", "2002"), "agents[2]: must be a mapping, got str"),
    (
        "agent unknown key",
        set_at("agents.2.team", "a"),
        "agents[2]: unknown key 'team' (expected number, name, role, online)",
    ),
    ("agent number missing", delete_at("agents.2.number"), "agents[2].number: is required"),
    (
        "agent number bool",
        set_at("agents.2.number", True),
        "agents[2].number: must be a string, got bool",
    ),
    (
        "agent number format",
        set_at("agents.2.number", "20 02"),
        "agents[2].number: '20 02' is not an agent number (1 to 32 of 0-9 A-Z a-z _ . @ -)",
    ),
    (
        "agent number too long",
        set_at("agents.2.number", "9" * 33),
        f"agents[2].number: '{'9' * 33}' is not an agent number",
    ),
    ("agent name empty", set_at("agents.2.name", ""), "agents[2].name: must not be empty"),
    ("agent name list", set_at("agents.2.name", []), "agents[2].name: must be a string, got list"),
    ("agent role missing", delete_at("agents.2.role"), "agents[2].role: is required"),
    (
        "agent role invalid",
        set_at("agents.2.role", "boss"),
        "agents[2].role: must be 'supervisor' or 'agent', got 'boss'",
    ),
    (
        "agent online not bool",
        set_at("agents.2.online", "yes"),
        "agents[2].online: must be true or false, got 'yes'",
    ),
    (
        "duplicate agent",
        append_agent(number="2002", name="Li Na II", role="agent"),
        "agents[9].number: duplicate agent 2002 (also agents[2])",
    ),
    # calls[i]: the records
    ("call not a mapping", set_at("calls.1", 7), "calls[1]: must be a mapping, got int"),
    (
        "call unknown key",
        set_at("calls.1.queue", "q"),
        "calls[1]: unknown key 'queue' (expected id, customer, agent, state, supervisor, mode)",
    ),
    ("call id missing", delete_at("calls.1.id"), "calls[1].id: is required"),
    ("call customer missing", delete_at("calls.1.customer"), "calls[1].customer: is required"),
    ("call customer empty", set_at("calls.1.customer", ""), "calls[1].customer: must not be empty"),
    ("call agent missing", delete_at("calls.1.agent"), "calls[1].agent: is required"),
    ("call state missing", delete_at("calls.1.state"), "calls[1].state: is required"),
    (
        "call state invalid",
        set_at("calls.1.state", "held"),
        "calls[1].state: must be 'ringing' or 'talking', got 'held'",
    ),
    (
        "call mode invalid",
        set_at("calls.1.mode", "spy"),
        "calls[1].mode: must be 'listen', 'whisper' or 'barge', got 'spy'",
    ),
    (
        "supervisor without mode",
        delete_at("calls.1.mode"),
        "calls[1].mode: is required when the call has a supervisor",
    ),
    (
        "mode without supervisor",
        set_at("calls.0.mode", "listen"),
        "calls[0].mode: given without a supervisor",
    ),
    (
        "supervisor number format",
        set_at("calls.1.supervisor", "a b"),
        "calls[1].supervisor: 'a b' is not an agent number",
    ),
    # calls[i]: the cross-references
    (
        "duplicate call id",
        set_at("calls.2.id", "call-0001"),
        "calls[2].id: duplicate call id 'call-0001' (also calls[0])",
    ),
    (
        "unknown call agent",
        set_at("calls.0.agent", "8888"),
        "calls[0].agent: no agent 8888 in agents",
    ),
    (
        "offline call agent",
        set_at("calls.2.agent", "9531"),
        "calls[2].agent: agent 9531 is offline",
    ),
    (
        "agent on two calls",
        set_at("calls.2.agent", "9527"),
        "calls[2].agent: agent 9527 is already on calls[0]",
    ),
    (
        "monitoring supervisor also on a call",
        append_call(id="c9", customer="1", agent="2003", state="ringing"),
        "calls[3].agent: agent 2003 is already monitoring calls[1]",
    ),
    (
        "supervisor on a call also monitoring",
        set_at("calls.0.agent", "2003"),
        "calls[1].supervisor: supervisor 2003 is already on calls[0]",
    ),
    (
        "supervisor monitoring two calls",
        append_call(
            id="c9", customer="1", agent="9530", state="talking", supervisor="2003", mode="whisper"
        ),
        "calls[3].supervisor: supervisor 2003 is already monitoring calls[1]",
    ),
    (
        "unknown supervisor",
        set_at("calls.1.supervisor", "2999"),
        "calls[1].supervisor: no agent 2999 in agents",
    ),
    (
        "monitor not a supervisor",
        set_at("calls.1.supervisor", "9530"),
        "calls[1].supervisor: agent 9530 is not a supervisor",
    ),
    (
        "monitor offline",
        set_at("calls.1.supervisor", "2001"),
        "calls[1].supervisor: supervisor 2001 is offline",
    ),
    (
        "monitor of own call",
        set_at("calls.1.supervisor", "9528"),
        "calls[1].supervisor: agent 9528 cannot monitor their own call",
    ),
    (
        "monitor of a ringing call",
        set_at("calls.1.state", "ringing"),
        "calls[1].supervisor: the call is ringing; only a talking call is monitored",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "expected"), [(m, e) for _, m, e in INVALID], ids=[n for n, _, _ in INVALID]
)
def test_invalid_scenario_is_named_precisely(mutation: Mutation, expected: str) -> None:
    data = demo_data()
    mutation(data)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    assert str(info.value).startswith(expected), str(info.value)


def test_the_root_must_be_a_mapping() -> None:
    with pytest.raises(ScenarioError, match=r"^scenario: must be a mapping, got str$"):
        parse_scenario("agents")


# --- properties --------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


def paths_of(node: object, prefix: str = "") -> list[str]:
    """Every ``a.0.b`` path inside the demo data, to replace one of them."""
    found: list[str] = []
    items: list[tuple[str, object]] = []
    if isinstance(node, dict):
        items = [(str(k), v) for k, v in node.items()]
    elif isinstance(node, list):
        items = [(str(i), v) for i, v in enumerate(node)]
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else key
        found.append(path)
        found.extend(paths_of(value, path))
    return found


DEMO_PATHS = paths_of(DEMO.to_data())
PLACE = re.compile(r"^(scenario|mediaServer|agents|calls)(\[\d+\])?(\.\w+)?: \S")


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(DEMO_PATHS), json_values)
def test_any_bad_value_gives_a_scenario_error_or_a_valid_center(path: str, value: object) -> None:
    """No TypeError/KeyError leaks out; whatever is accepted builds a consistent center."""
    data = demo_data()
    set_at(path, value)(data)
    try:
        scenario = parse_scenario(data)
    except ScenarioError as exc:
        error = str(exc)
    else:
        error = ""
    if error:
        assert PLACE.match(error), error
        return
    center = CallCenter(scenario)
    for call in center.calls():
        assert center.agent(call.agent).status == call.state
        if call.supervisor is not None:
            assert center.agent(call.supervisor).status == "monitoring"


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_arbitrary_json_gives_a_scenario_or_a_scenario_error(value: object) -> None:
    with contextlib.suppress(ScenarioError):
        assert isinstance(parse_scenario(value), Scenario)


ROLES: list[Role] = ["supervisor", "agent"]
STATES: list[CallState] = ["ringing", "talking"]
MODES: list[MonitorMode] = ["listen", "whisper", "barge"]


@st.composite
def valid_scenarios(draw: st.DrawFn) -> Scenario:
    """Scenarios that are valid by construction: free online agents take calls and monitors."""
    numbers = draw(
        st.lists(st.from_regex(r"[0-9A-Za-z_.@-]{1,6}", fullmatch=True), unique=True, max_size=8)
    )
    agents = tuple(
        AgentSpec(
            n,
            draw(st.text(min_size=1, max_size=6).filter(str.strip)),
            draw(st.sampled_from(ROLES)),
            draw(st.booleans()),
        )
        for n in numbers
    )
    free = [a for a in agents if a.online]
    calls: list[CallSpec] = []
    for index, agent in enumerate(draw(st.permutations(free))[: draw(st.integers(0, len(free)))]):
        if agent not in free:
            continue
        free.remove(agent)
        state = draw(st.sampled_from(STATES))
        monitors = [a for a in free if a.role == "supervisor"]
        if state == "talking" and monitors and draw(st.booleans()):
            monitor = draw(st.sampled_from(monitors))
            free.remove(monitor)
            mode = draw(st.sampled_from(MODES))
            calls.append(CallSpec(f"call-{index}", "c", agent.number, state, monitor.number, mode))
        else:
            calls.append(CallSpec(f"call-{index}", "c", agent.number, state))
    media = draw(st.text(min_size=1, max_size=10).filter(str.strip))
    return Scenario(media_server=media, agents=agents, calls=tuple(calls))


@settings(max_examples=200, deadline=None)
@given(valid_scenarios())
def test_every_valid_scenario_round_trips_through_json_and_yaml(scenario: Scenario) -> None:
    assert parse_scenario(scenario.to_data()) == scenario
    assert parse_scenario(json.loads(json.dumps(scenario.to_data()))) == scenario
    assert parse_scenario(yaml.safe_load(yaml.safe_dump(scenario.to_data()))) == scenario
