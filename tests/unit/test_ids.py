"""The system request ids: 18 digits, strictly increasing, never the same for two workers."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.model.accounts import AccountPlan
from mock_server.model.ids import NODE_BITS, SystemIds, new_request_id
from mock_server.model.scenario import DEMO
from mock_server.redis_store.state import redis_accounts, worker_node
from tests.support.clock import Clock


def test_ids_are_18_digits_and_strictly_increasing_on_a_stopped_clock() -> None:
    ids = SystemIds(Clock(), node=3)
    issued = [int(ids.next()) for _ in range(5000)]  # more than one millisecond's sequence
    assert all(len(str(value)) == 18 for value in issued)
    assert all(later > earlier for earlier, later in itertools.pairwise(issued))


def test_an_id_names_its_node_in_its_low_bits() -> None:
    for node in (0, 1, 200, (1 << NODE_BITS) - 1):
        assert int(SystemIds(Clock(), node=node).next()) % (1 << NODE_BITS) == node


def test_a_node_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="node 256"):
        SystemIds(Clock(), node=1 << NODE_BITS)


@given(
    nodes=st.lists(st.integers(0, (1 << NODE_BITS) - 1), min_size=2, max_size=4, unique=True),
    steps=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([0.0, 0.0, 0.0005, 0.001, -0.002, 1.0])),
        max_size=300,
    ),
)
def test_issuers_on_different_nodes_never_issue_the_same_id(
    nodes: list[int], steps: list[tuple[int, float]]
) -> None:
    clock = Clock()
    issuers = [SystemIds(clock, node=node) for node in nodes]
    issued: list[list[int]] = [[] for _ in issuers]
    for which, advance in steps:
        clock.now += advance  # a shared clock, also stepping back
        index = which % len(issuers)
        issued[index].append(int(issuers[index].next()))
    everything = [value for values in issued for value in values]
    assert len(set(everything)) == len(everything)
    for values in issued:
        assert values == sorted(set(values))


def test_workers_on_one_redis_take_distinct_nodes(redis_url: str) -> None:
    rng = random.Random(1)
    nodes = [worker_node(redis_url, rng) for _ in range(1 << NODE_BITS)]
    assert sorted(nodes) == list(range(1 << NODE_BITS))


def test_each_worker_built_on_redis_issues_ids_of_its_own_node(redis_url: str) -> None:
    plan = AccountPlan(default="a", secrets={"a": "s", "b": "t"}, scenarios={"a": DEMO, "b": DEMO})
    first, second = (redis_accounts(redis_url, plan) for _ in range(2))
    assert first.of("a").ids.node == first.of("b").ids.node  # one node per worker
    assert first.of("a").ids.node != second.of("a").ids.node


def test_request_ids_are_32_hex_digits_and_differ() -> None:
    ids = {new_request_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(value) == 32 and int(value, 16) >= 0 for value in ids)
