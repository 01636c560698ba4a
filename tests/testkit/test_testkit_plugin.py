"""The pytest plugin (``m7_mock_pytest``) as its users meet it: in a pytest run of their own.

Each test writes a small test suite with ``pytester`` and runs it in a pytest process of its
own (``runpytest_subprocess``), where the plugin is loaded by its ``pytest11`` entry point
as for a user who installed the wheel. The suites write what the tests cannot see from
outside (the mock's address, each account's app key) into files, which are checked after.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from m7_call_monitor import CallStateError
from m7_mock_pytest import MockAccount
from m7_mock_pytest._server import running_mock
from tests.support.processes import mock_process

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.socket

#: Seconds a whole inner pytest run may take (it starts a mock of its own, or two under -n 2).
RUN_TIMEOUT = 180


@pytest.fixture(scope="module")
def shared_mock() -> Iterator[str]:
    """A mock process on the demo defaults, as a CI service would run it: its base URL."""
    with mock_process() as base_url:
        yield base_url


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, shared_mock: str) -> RunSuite:
    """Runs a suite; ``shared_mock`` first, so that httpx has imported what it needs before
    ``pytester`` takes its snapshot of ``sys.modules`` (modules imported later are dropped
    after the test, and httpx, holding the first ones' classes, would not know the new
    ones' errors)."""
    for name in [n for n in os.environ if n.startswith("M7_")]:
        monkeypatch.delenv(name)
    return RunSuite(pytester)


class RunSuite:
    """Runs the suite written into ``pytester``'s folder; reads back what it recorded."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.records = pytester.path / "records"
        self.records.mkdir()

    def __call__(self, *args: str, timeout: float = RUN_TIMEOUT) -> pytest.RunResult:
        return self.pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=timeout)

    def recorded(self) -> list[dict[str, str]]:
        return [json.loads(p.read_text()) for p in sorted(self.records.glob("*.json"))]


#: A fixture of the suites that writes what a test saw into records/<test name>.json.
RECORDING_CONFTEST = """
import json, os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def record(request, m7_mock, m7_account):
    yield
    seen = {
        "test": request.node.name,
        "base_url": m7_mock.base_url,
        "app_key": m7_account.app_key,
        "secret": m7_account.secret,
        "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
    }
    Path("records", request.node.name + ".json").write_text(json.dumps(seen))
    SEEN_URLS.add(m7_mock.base_url)


SEEN_URLS = set()


def pytest_sessionfinish(session):
    # after the session's fixtures are torn down, before the process exits
    import httpx

    for url in SEEN_URLS:
        try:
            httpx.get(url + "/__mock/health", timeout=2)
            state = "running"
        except httpx.TransportError:
            state = "stopped"
        Path("records", "after-session.txt").write_text(state)
"""


def _answers(url: str) -> bool:
    try:
        httpx.get(f"{url}/__mock/health", timeout=2)
    except httpx.TransportError:
        return False
    return True


def _account_exists(base_url: str, app_key: str) -> bool:
    response = httpx.get(f"{base_url}/__mock/state", params={"account": app_key}, timeout=10)
    assert response.status_code in (200, 404), response.text
    return response.status_code == 200


def test_the_plugin_starts_a_mock_for_the_session_signs_for_each_test_and_stops_it(
    run: RunSuite,
) -> None:
    run.pytester.makeconftest(RECORDING_CONFTEST)
    run.pytester.makepyfile(
        test_desk="""
        def test_listen(m7_client, m7_account):
            envelope = m7_client.listen(supervisor="2002", agent="9527")
            assert envelope.success is True
            assert m7_client.app_key == m7_account.app_key
            m7_account.verify("listen", agentNumber="9527", exactly=1)

        def test_its_own_account(m7_account):
            # the demo's call center, fresh: the other test's listen is not in it
            m7_account.verify("listen", exactly=0)
            agents = {a["number"]: a["status"] for a in m7_account.state()["agents"]}
            assert agents["2002"] == "idle"
        """
    )
    result = run()
    result.assert_outcomes(passed=2)
    first, second = run.recorded()
    assert first["base_url"] == second["base_url"]  # one mock for the session
    assert first["base_url"].startswith("http://127.0.0.1:")
    assert first["app_key"] != second["app_key"]  # an account per test
    assert (run.records / "after-session.txt").read_text() == "stopped"  # with the session
    assert not _answers(first["base_url"])


@pytest.mark.parametrize("given_by", ["option", "environment"])
def test_a_given_mock_is_used_and_each_test_account_is_deleted_at_teardown(
    run: RunSuite, shared_mock: str, monkeypatch: pytest.MonkeyPatch, given_by: str
) -> None:
    run.pytester.makeconftest(RECORDING_CONFTEST)
    run.pytester.makepyfile(
        test_given="""
        def test_passes(m7_account):
            m7_account.agent_offline("9530")

        def test_fails(m7_account):
            m7_account.call_talking("9530")
            assert False, "a failing test's account is deleted too"
        """
    )
    if given_by == "option":
        result = run(f"--m7-mock-url={shared_mock}")
    else:
        monkeypatch.setenv("M7_MOCK_URL", shared_mock)
        result = run()
    result.assert_outcomes(passed=1, failed=1)
    records = run.recorded()
    assert [r["base_url"] for r in records] == [shared_mock, shared_mock]
    for record in records:
        assert not _account_exists(shared_mock, record["app_key"]), record["test"]
    assert _answers(shared_mock)  # a given mock is left running


XDIST_TEST = """
import json, os, time
from pathlib import Path

BARRIER = Path("records", "barrier")


def arrive_and_wait(name):
    # Both tests mutate agent 9530 before either checks it: they run at the same time.
    (BARRIER / name).touch()
    deadline = time.monotonic() + 60
    while len(list(BARRIER.iterdir())) < 2:
        assert time.monotonic() < deadline, "the other test never ran alongside this one"
        time.sleep(0.05)
"""


def test_under_xdist_two_tests_change_the_same_agent_each_in_its_own_account(
    run: RunSuite, shared_mock: str
) -> None:
    """Two workers, one shared mock: one test takes agent 9530 offline, the other rings it;
    each sees only its own change."""
    (run.records / "barrier").mkdir()
    run.pytester.makeconftest(RECORDING_CONFTEST)
    run.pytester.makepyfile(
        barrier=XDIST_TEST,
        test_offline="""
        from barrier import arrive_and_wait

        def test_9530_goes_offline(m7_account):
            m7_account.agent_offline("9530")
            arrive_and_wait("offline")
            agents = {a["number"]: a for a in m7_account.state()["agents"]}
            assert agents["9530"]["status"] == "offline"
            assert all(c["agent"] != "9530" for c in m7_account.state()["calls"])
        """,
        test_ringing="""
        from barrier import arrive_and_wait

        def test_9530_rings(m7_account):
            call = m7_account.call_ringing("9530")
            arrive_and_wait("ringing")
            agents = {a["number"]: a for a in m7_account.state()["agents"]}
            assert agents["9530"]["status"] == "ringing"
            assert agents["9530"]["callId"] == call["id"]
        """,
    )
    result = run("-n", "2", "--dist", "loadfile", f"--m7-mock-url={shared_mock}")
    result.assert_outcomes(passed=2)
    records = run.recorded()
    assert sorted(r["worker"] for r in records) == ["gw0", "gw1"]
    assert records[0]["app_key"] != records[1]["app_key"]


NEVER_CAME = """
from pathlib import Path


def cut_off(monitor):
    # the code under test: it cuts off the wrong agent
    monitor.hangup(supervisor="2000", agent="9530")


def test_the_call_expected(m7_account, m7_client):
    Path("records", "secret").write_text(m7_account.secret)
    m7_account.call_talking("9530")
    cut_off(m7_client)
    m7_account.verify("hangupChannel", agentNumber="9527", exactly=1)
"""


def test_a_call_that_never_came_fails_naming_the_nearest_request_and_what_differed(
    run: RunSuite, shared_mock: str
) -> None:
    run.pytester.makepyfile(test_never_came=NEVER_CAME)
    result = run(f"--m7-mock-url={shared_mock}")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            '*AssertionError: expected hangupChannel with agentNumber="9527" exactly 1 time, '
            "but 0 requests matched",
            "*the nearest requests, and what differed:",
            "*1. hangupChannel at ????-??-??T??:??:??.???+00:00, answered 200, request id *",
            '*body {"hangupAgent": "2000", "agentNumber": "9530"*}',
            '*body.agentNumber: expected "9527", was "9530"',
        ]
    )
    secret = (run.records / "secret").read_text()
    assert secret not in output
    assert "_account.py" not in output  # the helper's own frame is hidden


def test_a_refused_signature_is_a_near_miss_with_its_reason(
    run: RunSuite, shared_mock: str
) -> None:
    run.pytester.makepyfile(
        test_refused="""
        from m7_call_monitor import AuthError, CallMonitor
        import pytest

        def test_listen_with_the_wrong_secret(m7_account):
            with CallMonitor(m7_account.base_url, m7_account.app_key, "not-the-secret",
                             retries=0) as wrong:
                with pytest.raises(AuthError):
                    wrong.listen(supervisor="2002", agent="9527")
            m7_account.verify("listen", exactly=1)
        """
    )
    result = run(f"--m7-mock-url={shared_mock}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*expected listen exactly 1 time, but 0 requests matched",
            "*1. listen at *, answered 401 *",
            '*authentication: expected "accepted", was "*',
        ]
    )


def test_the_account_keeps_its_secret_out_of_its_repr(shared_mock: str) -> None:
    with running_mock(shared_mock) as server, server.account() as account:
        assert isinstance(account, MockAccount)
        assert account.secret
        assert account.secret not in repr(account)
        assert account.app_key in repr(account)
        with account.call_monitor() as monitor:
            assert account.secret not in repr(monitor)


def test_verify_takes_exactly_one_rule(shared_mock: str) -> None:
    with running_mock(shared_mock) as server, server.account() as account:
        with pytest.raises(TypeError, match="exactly one of"):
            account.verify("listen")
        with pytest.raises(TypeError, match="exactly one of"):
            account.verify("listen", exactly=1, at_most=2)
        assert account.verify("listen", at_most=0) == 0


def test_verify_names_the_operations_for_one_it_does_not_know(shared_mock: str) -> None:
    with (
        running_mock(shared_mock) as server,
        server.account() as account,
        pytest.raises(ValueError, match="no operation 'hangup'") as refused,
    ):
        account.verify("hangup", exactly=1)  # type: ignore[arg-type]
    message = str(refused.value)
    assert "listen, hangupChannel, lootCall, whisper, pickupChannel" in message
    assert "hangup() is hangupChannel" in message


def test_a_refused_arrangement_names_the_operation_and_the_mocks_reason(
    shared_mock: str,
) -> None:
    from m7_mock_pytest import MockAdminError

    with running_mock(shared_mock) as server, server.account() as account:
        with pytest.raises(MockAdminError, match=r"^startCall: 409 40906 ") as raised:
            account.call_talking("9527")  # already talking in the demo's call center
        assert account.secret not in str(raised.value)


def test_a_deleted_account_is_gone_and_deleting_again_does_nothing(shared_mock: str) -> None:
    with running_mock(shared_mock) as server:
        account = server.create_account()
        assert _account_exists(shared_mock, account.app_key)
        account.delete()
        account.delete()
        assert not _account_exists(shared_mock, account.app_key)


def test_a_mock_that_never_answers_fails_within_the_bound(
    run: RunSuite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A given URL where nothing listens: every test errors with the reason, in bounded
    time (``START_TIMEOUT``, shortened here), not a hang."""
    run.pytester.makepyfile(
        test_nothing="""
        def test_one(m7_account):
            pass
        """
    )
    run.pytester.makeconftest("import m7_mock_pytest._server as s\ns.START_TIMEOUT = 1.0\n")
    # the discard port: nothing answers; a run that waited without bound would time out
    result = run("--m7-mock-url=http://127.0.0.1:9", timeout=60)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*did not answer /__mock/health within*"])


def test_the_plugin_costs_a_suite_that_uses_no_fixture_almost_nothing() -> None:
    """pytest loads the plugin in every session of an environment holding the wheel: its
    import must not pull in the admin client, httpx or the mock."""
    script = (
        "import sys, m7_mock_pytest.plugin\n"
        "heavy = [m for m in ('m7_mock_admin', 'httpx', 'mock_server', 'm7_call_monitor')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_a_given_mock_with_an_admin_token_takes_it_from_the_environment(
    run: RunSuite, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "testkit-admin-token-5b1d"
    run.pytester.makepyfile(
        test_token="""
        def test_arrange(m7_account):
            m7_account.agent_offline("9530")
        """
    )
    with mock_process("--admin-token", token) as url:
        refused = run(f"--m7-mock-url={url}")
        monkeypatch.setenv("M7_MOCK_ADMIN_TOKEN", token)
        accepted = run(f"--m7-mock-url={url}")
    refused.assert_outcomes(errors=1)
    refused.stdout.fnmatch_lines(["*MockAdminError: createAccount: 401 *"])
    accepted.assert_outcomes(passed=1)
    assert token not in refused.stdout.str() + accepted.stdout.str()


FAILING_WITH_THE_SECRET_AT_HAND = """
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def record_the_secret(m7_account):
    with Path("records", "secrets").open("a") as secrets:
        secrets.write(m7_account.secret + "\\n")


def test_a_refused_call(m7_client):
    m7_client.listen(supervisor="2002", agent="9999")


def test_a_dropped_call(m7_account, m7_client):
    m7_account.set_faults({"drop": {"count": 3}})
    m7_client.hangup(supervisor="2000", agent="9527")


def test_a_refused_arrangement(m7_account):
    m7_account.supervisor_monitoring("2001", "9527")  # 2001 is offline


def test_a_verification(m7_account, m7_client):
    m7_client.listen(supervisor="2002", agent="9527")
    m7_account.verify("listen", agentNumber="9528", exactly=1)
"""


@pytest.mark.parametrize(
    "options",
    [(), ("-l",), ("--showlocals", "--tb=long"), ("--full-trace", "-l")],
    ids=["default", "-l", "long-showlocals", "full-trace-l"],
)
def test_failing_calls_and_arrangements_never_show_the_secret(
    run: RunSuite, shared_mock: str, options: tuple[str, ...]
) -> None:
    """pytest prints the arguments of a traceback's frames and, with ``-l``, their locals:
    no frame of the plugin or of the client it gives holds the bare secret."""
    run.pytester.makepyfile(test_secret=FAILING_WITH_THE_SECRET_AT_HAND)
    result = run(f"--m7-mock-url={shared_mock}", *options)
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(["*CallStateError: 40402: agentNumber: no agent 9999*"])
    result.stdout.fnmatch_lines(["*TransportError: *the action may have happened*"])
    result.stdout.fnmatch_lines(["*CallStateError: *2001*"])
    result.stdout.fnmatch_lines(['*expected listen with agentNumber="9528" exactly 1 time*'])
    secrets = (run.records / "secrets").read_text().split()
    assert len(secrets) == 4
    output = result.stdout.str() + result.stderr.str()
    assert [secret for secret in secrets if secret in output] == []


def _listen(account: MockAccount, headers: dict[str, str]) -> int:
    body = {"listenAgent": "2002", "agentNumber": "9527"}
    url = account.base_url + "/openapi/v1/call/listen"
    return httpx.post(url, json=body, headers=headers, timeout=10).status_code


def _signed_in_time(call: Callable[..., object]) -> None:
    """Make the vendor call; the call center may refuse it (a supervisor already busy), its
    signature must pass."""
    with contextlib.suppress(CallStateError):
        call(supervisor="2002", agent="9527")


def test_the_plugin_signs_on_the_accounts_clock_wherever_the_test_moved_it(
    shared_mock: str,
) -> None:
    """The vendor refuses a timestamp more than 300 s from the account's clock: the plugin's
    own requests, and its clients', are signed on that clock, not on this machine's."""
    with running_mock(shared_mock) as server, server.account() as account:
        account.advance_clock(400)  # running, 400 s ahead
        account.call_talking("9530")
        assert account.supervisor_monitoring("2000", "9530")["success"] is True
        with account.call_monitor(retries=0) as monitor:
            monitor.listen(supervisor="2002", agent="9527")
            assert _listen(account, account.signed_headers()) != 401

            later = account.freeze_clock(time.time() + 86_400)  # frozen, a day ahead
            _signed_in_time(monitor.whisper)
            account.advance_clock(1000)
            _signed_in_time(monitor.barge)
            assert account.now() == later + 1000
            saved = account.snapshot()

            account.resume_real_clock()
            _signed_in_time(monitor.listen)
            account.load_snapshot(saved)  # the snapshot's clock: frozen, a day ahead
            _signed_in_time(monitor.listen)

            # set behind the plugin's back: one reading of the clock catches up
            httpx.put(
                f"{shared_mock}/__mock/clock",
                params={"account": account.app_key},
                json={"frozenAt": time.time() - 3600},
                timeout=10,
            ).raise_for_status()
            account.now()
            _signed_in_time(monitor.listen)
        assert account.verify("listen", status=401, exactly=0) == 0
        assert _listen(account, account.signed_headers(at=time.time())) == 401  # real time
