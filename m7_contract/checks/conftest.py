"""The contract suite's target: any deployment of the API, or the mock when none is named.

``m7-contract --base-url https://...`` (or ``make contract BASE_URL=https://...``), with
``M7_APP_KEY`` and ``M7_SECRET_KEY`` in the environment, runs the suite against that
deployment (the command passes the URL on as ``M7_CONTRACT_BASE_URL``, so a stray
``BASE_URL`` in a developer's shell never redirects ``make test``). Without it, the session
starts the mock as a real process with its demo account and scenario.

Everything here is safe on a live deployment: the authentication, validation and conformance
checks send either requests that must be refused before anything happens, or a *probe* body
naming agent numbers no call center has (so even a server that wrongly accepted it could not
act on anyone). The call-changing checks run only on the agents named in
``M7_CONTRACT_SUPERVISOR`` and ``M7_CONTRACT_AGENT`` (preset to the demo's 2002 and 9527 on
the self-started mock) and are skipped otherwise, because on a real deployment they listen
to, barge into, take over and hang up that agent's live call.

The suite ends in bounded time (``m7_contract/client.py``: a timeout per request, a total
budget, a stop after a few unanswered requests); a missing credential or a bad limit is one
usage error before any test runs; the session ends with a summary of the rules the target
broke (``ContractSummary``).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from m7_contract.client import (
    DEMO,
    Contract,
    ContractConfigError,
    Target,
    limits_from_environment,
    target_from_environment,
)
from m7_contract.local_mock import local_mock
from m7_contract.summary import ContractSummary

HERE = Path(__file__).resolve().parent
_SUMMARY = pytest.StashKey[ContractSummary]()


def pytest_configure(config: pytest.Config) -> None:
    """The marker the checks carry, declared here too: ``m7-contract`` runs them without the
    repository's configuration."""
    config.addinivalue_line("markers", "socket: starts the mock as a real process")


def _is_contract(nodeid_or_path: str | Path) -> bool:
    return Path(str(nodeid_or_path).split("::")[0]).resolve().is_relative_to(HERE)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse to start, once, when the environment names no usable target or limits."""
    if not any(_is_contract(item.path) for item in items):
        return
    try:
        target_from_environment()
        limits_from_environment()
    except ContractConfigError as exc:
        raise pytest.UsageError(f"contract suite: {exc}") from None
    config.stash[_SUMMARY] = ContractSummary()


def pytest_collection_finish(session: pytest.Session) -> None:
    summary = session.config.stash.get(_SUMMARY, None)
    if summary is not None:  # counted after deselection (-k, -m)
        summary.collected = sum(1 for item in session.items if _is_contract(item.path))


@pytest.fixture(scope="session")
def target() -> Iterator[Target]:
    configured = target_from_environment()
    if configured is not None:
        yield configured
        return
    with local_mock() as base_url:
        yield Target(
            base_url=base_url,
            app_key=DEMO["app_key"],
            secret_key=DEMO["secret_key"],
            supervisor=os.environ.get("M7_CONTRACT_SUPERVISOR") or DEMO["supervisor"],
            agent=os.environ.get("M7_CONTRACT_AGENT") or DEMO["agent"],
            is_local_mock=True,
        )


@pytest.fixture(scope="session")
def contract(target: Target, pytestconfig: pytest.Config) -> Iterator[Contract]:
    client = Contract(target, limits_from_environment())
    summary = pytestconfig.stash.get(_SUMMARY, None)
    if summary is not None:
        summary.contract = client
    yield client
    client.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    summary = item.config.stash.get(_SUMMARY, None)
    if summary is not None:
        summary.record(report)
    return report


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Stop the session after this test once the suite has stopped sending."""
    summary = item.config.stash.get(_SUMMARY, None)
    if summary is not None and summary.contract is not None and summary.contract.stop_reason:
        item.session.shouldstop = f"contract suite: {summary.contract.stop_reason}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    summary = terminalreporter.config.stash.get(_SUMMARY, None)
    if summary is not None and summary.ran:
        terminalreporter.write_sep("=", "contract summary")
        for line in summary.lines():
            terminalreporter.write_line(line)
