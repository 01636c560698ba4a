"""``--pin-workers``: each worker takes a slot of its own, and its slot's CPU."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_server.pinning import can_pin, pin_worker

pytestmark = pytest.mark.skipif(not can_pin(), reason="pinning is Linux's")


@pytest.fixture
def cpus() -> Iterator[list[int]]:
    """This process's CPUs, given back after the test (pinning narrows them)."""
    allowed = os.sched_getaffinity(0)
    try:
        yield sorted(allowed)
    finally:
        os.sched_setaffinity(0, allowed)


def test_workers_take_distinct_slots_and_a_cpu_each(cpus: list[int], tmp_path: Path) -> None:
    first = pin_worker(4010, 2, tmp_path)
    assert first == cpus[0]
    assert os.sched_getaffinity(0) == {cpus[0]}
    os.sched_setaffinity(0, set(cpus))  # as the next worker starts, with every CPU
    second = pin_worker(4010, 2, tmp_path)
    assert second == cpus[1 % len(cpus)]
    assert os.sched_getaffinity(0) == {second}
    assert pin_worker(4010, 2, tmp_path) is None  # both slots held: stays where it is
    os.sched_setaffinity(0, set(cpus))
    assert pin_worker(4011, 2, tmp_path) == cpus[0]  # another server, its own slots
