"""The contract suite's target: any deployment of the API, or the mock when none is named.

``make contract BASE_URL=https://... M7_APP_KEY=... M7_SECRET_KEY=...`` runs the suite against
that deployment (the Makefile passes ``BASE_URL`` on as ``M7_CONTRACT_BASE_URL``, so a stray
``BASE_URL`` in a developer's shell never redirects ``make test``). Without it, the session
starts the mock as a real process with its demo account and scenario.

Everything here is safe on a live deployment: the authentication, validation and conformance
checks send either requests that must be refused before anything happens, or a *probe* body
naming agent numbers no call center has (so even a server that wrongly accepted it could not
act on anyone). The call-changing checks run only on the agents named in
``M7_CONTRACT_SUPERVISOR`` and ``M7_CONTRACT_AGENT`` (preset to the demo's 2002 and 9527 on
the self-started mock) and are skipped otherwise, because on a real deployment they listen
to, barge into, take over and hang up that agent's live call.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.contract import DEMO, Contract, Target, target_from_environment
from tests.support.processes import mock_process


@pytest.fixture(scope="session")
def target() -> Iterator[Target]:
    configured = target_from_environment()
    if configured is not None:
        yield configured
        return
    with mock_process() as base_url:
        yield Target(
            base_url=base_url,
            app_key=DEMO["app_key"],
            secret_key=DEMO["secret_key"],
            supervisor=os.environ.get("M7_CONTRACT_SUPERVISOR") or DEMO["supervisor"],
            agent=os.environ.get("M7_CONTRACT_AGENT") or DEMO["agent"],
            is_local_mock=True,
        )


@pytest.fixture(scope="session")
def contract(target: Target) -> Iterator[Contract]:
    client = Contract(target)
    yield client
    client.close()
