"""The call center as a Redis hash: its fields read back as the export, and its size is not
an action's cost (``redis_store/center_fields.py``, ``act.lua``)."""

from __future__ import annotations

import contextlib

import redis.asyncio

from mock_server.model.callcenter import CallCenter, CallStateError
from mock_server.model.scenario import AgentSpec, CallSpec, Scenario, load_demo
from mock_server.redis_store.callcenter import RedisCallCenter
from mock_server.redis_store.center_fields import center_data, center_fields
from mock_server.redis_store.keys import AccountKeys


def as_read(fields: dict[str, bytes]) -> dict[bytes, bytes]:
    """The fields as redis-py's ``HGETALL`` returns them."""
    return {name.encode(): value for name, value in fields.items()}


def test_the_fields_read_back_as_the_export_and_index_the_calls() -> None:
    center = CallCenter(load_demo(), clock=lambda: 1_767_600_000.25)
    center.listen("2002", "9527")
    center.hangup_channel("2000", "9529")
    center.start_call("9530", customer="13600136000")
    data = center.export()
    fields = center_fields(data)
    assert center_data(as_read(fields)) == data
    assert {name: fields[name] for name in fields if name.startswith(("on:", "mon:"))} == {
        "on:9527": b"call-0001",
        "on:9528": b"call-0002",
        "on:9530": b"call-0004",
        "mon:2002": b"call-0001",
        "mon:2003": b"call-0002",
    }
    assert center_data({}) is None


async def test_a_call_center_of_thousands_of_agents_is_seeded_and_acted_on(
    redis_client: redis.asyncio.Redis,
) -> None:
    """5,000 agents: more fields than one Lua ``unpack`` takes, so the seed writes in parts."""
    agents = (
        AgentSpec("1", "Lead", "supervisor"),
        *(AgentSpec(str(n), f"Agent {n}", "agent") for n in range(1000, 6000)),
    )
    scenario = Scenario("10.0.0.1:11100", agents, (CallSpec("call-9", "138", "5999", "talking"),))
    keys = AccountKeys("big-center")
    await redis_client.delete(keys.center, keys.scenario)
    center = RedisCallCenter(redis_client, keys, scenario=scenario)
    await center.ensure(scenario)
    assert [agent.number for agent in await center.agents()] == [a.number for a in agents]
    view = await center.act("listen", "1", "5999", supervisor_field="listenAgent")
    assert (view.id, view.supervisor, view.mode) == ("call-9", "1", "listen")
    await center.ensure(load_demo())  # the center exists: nothing is replaced
    assert len(await center.agents()) == 5001


async def test_after_every_action_the_hash_is_exactly_the_fields_of_its_calls(
    redis_client: redis.asyncio.Redis,
) -> None:
    """No index left behind and no field leaked, whatever the action did (act.lua keeps the
    fields itself; this is what the admin path would write)."""
    keys = AccountKeys("fields-after-actions")
    await redis_client.delete(keys.center, keys.scenario)
    center = RedisCallCenter(redis_client, keys, scenario=load_demo())
    await center.ensure(load_demo())
    steps = [
        ("listen", "2002", "9527", "listenAgent"),
        ("whisper", "2002", "9527", "whisperAgent"),
        ("loot_call", "2002", "9527", "lootCallAgent"),
        ("pickup_channel", "2002", "9527", "pickupAgent"),  # the monitor picks up its call
        ("pickup_channel", "2000", "9528", "pickupAgent"),  # a call 2003 monitors
        ("hangup_channel", "2003", "2002", "hangupAgent"),
        ("listen", "2003", "9529", "listenAgent"),  # ringing: refused, writes nothing
        ("pickup_channel", "2003", "9529", "pickupAgent"),  # ringing: answered
        ("listen", "2002", "2000", "listenAgent"),
        ("hangup_channel", "2002", "2000", "hangupAgent"),  # by its monitor
    ]
    for action, supervisor, agent, field in steps:
        with contextlib.suppress(CallStateError):  # refused: must write nothing
            await center.act(action, supervisor, agent, supervisor_field=field)  # type: ignore[arg-type]
        stored = await redis_client.hgetall(keys.center)
        data = center_data(stored)
        assert data is not None
        assert stored == as_read(center_fields(data)), (action, supervisor, agent)
