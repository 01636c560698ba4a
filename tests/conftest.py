"""Settings shared by every suite: the Hypothesis profiles.

`make test` uses the `default` profile (quick enough for the whole suite to stay within a few
minutes on 2 cores); `make test-thorough` sets HYPOTHESIS_PROFILE=thorough for far more
examples. Example databases are kept out of the repo (.hypothesis/ is ignored).
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from _pytest.nodeid import NodeId
from hypothesis import HealthCheck, settings

from tests.support.document import ROOT

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The in-process mock fixtures (``mock``, ``monitor``, ``next_nonce``) of the property and
# stateful suites; a folder's own conftest may override them. The real Redis server of the
# Redis-backend tests (started on first use, stopped at the end of the session).
pytest_plugins = [
    "tests.support.fixtures",
    "tests.support.redis_fixtures",
    "tests.support.centers",
]

#: The folders whose files take longest (long state machines, servers, subprocesses, wheels,
#: the browser) are collected first. `make test` runs whole files on two workers
#: (pytest-xdist ``--dist loadfile --no-loadscope-reorder``, so in this order): started first,
#: no slow file is left running alone at the end. Other folders follow in their usual order.
SLOW_FOLDERS_FIRST = (
    "stateful",
    "e2e",
    "packaging",
    "testkit",
    "unit",
    "property",
    "browser",
    "docs",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _unique_node_ids(items)

    def folder_rank(item: pytest.Item) -> int:
        parts = item.path.relative_to(ROOT).parts
        folder = parts[1] if len(parts) > 2 and parts[0] == "tests" else ""
        if folder in SLOW_FOLDERS_FIRST:
            return SLOW_FOLDERS_FIRST.index(folder)
        return len(SLOW_FOLDERS_FIRST)

    items.sort(key=folder_rank)  # stable: each file's tests stay together and in order


def _unique_node_ids(items: list[pytest.Item]) -> None:
    """Give every test a node id of its own; fail the run if two still share one.

    Schemathesis' ``@schema.parametrize()`` makes one item per operation, named
    ``test_...[POST /openapi/v1/call/listen]``, but (Schemathesis 4.32 with pytest 9) all with
    the function's node id. pytest-xdist schedules by node id, so on the workers of
    ``make test`` only the first operation would run, silently. Such items get their name as
    the last part of their node id (``Node._id``: pytest has no public setter).
    """
    counts = Counter(item.nodeid for item in items)
    for item in items:
        if counts[item.nodeid] > 1 and item.parent is not None:
            item._id = NodeId.parse(f"{item.parent.nodeid}::{item.name}")
    shared = [nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1]
    if shared:
        raise pytest.UsageError(f"tests share a node id (pytest-xdist would run one): {shared}")
