"""The m7 mock inside your own tests: a pytest plugin (``pytest11`` entry point ``m7_mock``).

Installing the ``m7-mock-server`` wheel makes these fixtures available, nothing to configure:

* ``m7_mock``: the session's mock server (started on a free port, or the one named by
  ``--m7-mock-url`` / ``M7_MOCK_URL``);
* ``m7_account``: a fresh account of its own for each test (its credentials, call center,
  journal, faults and clock), deleted when the test ends;
* ``m7_client``: a ``m7_call_monitor.CallMonitor`` signed with that account.

The account (:class:`MockAccount`) arranges the call center in its own words, sets faults,
moves the clock, saves and loads snapshots, and verifies what was sent. The guide:
``docs/testing-with-the-mock.md``.

The names below are imported on first use: pytest imports this package in every session of
an environment holding the wheel, and a suite that never asks for a fixture must not pay
for the admin client's import (a third of a second).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from m7_mock_pytest._account import MockAccount
    from m7_mock_pytest._admin import MockAdminError
    from m7_mock_pytest._server import MockServer, MockStartError

__all__ = ["MockAccount", "MockAdminError", "MockServer", "MockStartError"]

_HOMES = {
    "MockAccount": "m7_mock_pytest._account",
    "MockAdminError": "m7_mock_pytest._admin",
    "MockServer": "m7_mock_pytest._server",
    "MockStartError": "m7_mock_pytest._server",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
