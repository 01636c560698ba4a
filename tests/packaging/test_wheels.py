"""The wheels of ``make dist`` install into a fresh virtualenv and run from any directory.

What a user of the packages does: build them, ``pip install`` them (their declared
dependencies resolved by pip, pinned to the runtime lock's versions so that pip's cache
serves them), start ``m7-mock`` from a folder that is not the repository, and call it with
the installed client and the ``m7`` command. A dependency missing from a ``pyproject.toml``,
or a document the wheel does not carry, fails here as it would for the user.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import zipfile
from email.parser import Parser
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.document import ROOT
from tests.support.processes import free_port, running
from tests.support.wheels import clean_environment, installed_wheels, run

pytestmark = pytest.mark.socket

DEMO = {"M7_APP_KEY": "2100147", "M7_SECRET_KEY": "m7-demo-secret"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding only the two wheels and what they declare; yields its bin/."""
    root = tmp_path_factory.mktemp("wheels")
    return installed_wheels(root, lock=ROOT / "requirements-runtime.lock")


def test_the_installed_mock_serves_its_documents_and_the_installed_client_calls_it(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_environment()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    argv = [str(installed / "m7-mock"), "--port", str(port)]
    with running("installed-mock", argv, ready_url=f"{base_url}/ui/", env=env, cwd=elsewhere):
        document = httpx.get(f"{base_url}/openapi.json", timeout=5).json()
        assert "/openapi/v1/call/listen" in document["paths"]
        admin = httpx.get(f"{base_url}/__mock/openapi.json", timeout=5).json()
        assert admin["info"]["title"]
        assert httpx.get(f"{base_url}/__mock/health", timeout=5).json() == {"status": "ready"}
        start_page = httpx.get(f"{base_url}/", timeout=5).text
        assert '<a href="/docs/mock-server.md">' in start_page  # the guides are bundled
        guide = httpx.get(f"{base_url}/docs/mock-server.md", timeout=5)
        assert '<h3 id="limits">Limits</h3>' in guide.text  # rendered: markdown-it-py came along
        image = httpx.get(f"{base_url}/docs/images/console-listen.png", timeout=5)
        assert image.content == (ROOT / "docs" / "images" / "console-listen.png").read_bytes()

        client_env = {**env, **DEMO, "M7_BASE_URL": base_url}
        listened = run(
            [str(installed / "m7"), "listen", "--supervisor", "2002", "--agent", "9527"],
            elsewhere,
            client_env,
        )
        assert json.loads(listened)["success"] is True

        script = (
            "import m7_call_monitor, mock_server\n"
            "from m7_call_monitor import CallMonitor\n"
            "with CallMonitor() as monitor:\n"
            "    envelope = monitor.whisper(supervisor='2002', agent='9527', action_id='wheel')\n"
            "print(envelope.action_id, m7_call_monitor.__file__, mock_server.__file__)\n"
        )
        printed = run([str(installed / "python"), "-c", script], elsewhere, client_env).split()
    assert printed[0] == "wheel"
    for module_file in printed[1:]:  # imported from the virtualenv, not from the repository
        assert Path(module_file).is_relative_to(installed.parent), module_file


def test_the_mock_wheel_carries_the_admin_client_that_drives_the_installed_mock(
    installed: Path, tmp_path: Path
) -> None:
    """``m7_mock_admin`` (generated from the admin document) comes with the mock's wheel, typed
    (``py.typed``), and imports and calls the installed mock from the virtualenv alone: the
    pytest plugin the wheel ships relies on it."""
    (wheel,) = (installed.parent.parent / "dist").glob("m7_mock_server-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"m7_mock_admin/__init__.py", "m7_mock_admin/py.typed"} <= names
    env = clean_environment()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    argv = [str(installed / "m7-mock"), "--port", str(port)]
    script = (
        "import sys, m7_mock_admin\n"
        "from m7_mock_admin.api.health import get_health\n"
        "with m7_mock_admin.Client(base_url=sys.argv[1] + '/__mock') as client:\n"
        "    health = get_health.sync(client=client)\n"
        "print(health.to_dict()['status'], m7_mock_admin.__file__)\n"
    )
    with running("installed-mock", argv, ready_url=f"{base_url}/__mock/health", env=env):
        printed = run([str(installed / "python"), "-c", script, base_url], tmp_path, env)
    status, module_file = printed.split()
    assert status == "ready"
    assert Path(module_file).is_relative_to(installed.parent), module_file


def test_the_mock_wheel_requires_the_client_of_its_own_version(installed: Path) -> None:
    """Both wheels are the document's version, and the mock's pins the client to it: pip can
    never pair the mock with a client of another version, or an ``m7-call-monitor`` from
    elsewhere (a public index)."""
    document = yaml.safe_load((ROOT / "openapi" / "call-monitor.yaml").read_text("utf-8"))
    version = str(document["info"]["version"])
    metadata = {}
    for wheel in sorted((installed.parent.parent / "dist").glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
            fields = Parser().parsestr(archive.read(name).decode("utf-8"))
        metadata[fields["Name"]] = fields
    client, mock = metadata["m7-call-monitor"], metadata["m7-mock-server"]
    assert (client["Version"], mock["Version"]) == (version, version)
    own = [r for r in mock.get_all("Requires-Dist", []) if r.startswith("m7-call-monitor")]
    assert own == [f"m7-call-monitor=={version}"], own


#: The contract summary's first line when every check ran and passed.
ALL_KEPT = re.compile(r"target (\S+): (\d+) checks, \2 passed, 0 failed, 0 skipped, 0 not run")


def _contract(bin_dir: Path, base_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``m7-contract --base-url`` from the virtualenv, the demo account in the environment."""
    env = {**clean_environment(), **DEMO}
    argv = [str(bin_dir / "m7-contract"), "--base-url", base_url, "--supervisor", "2002"]
    argv += ["--agent", "9527", "--timeout", "5", "--budget", "120"]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


def test_the_installed_contract_command_checks_a_running_mock_and_sums_up(
    installed: Path, tmp_path: Path
) -> None:
    """``m7-contract`` from the wheels alone: every check kept by the strict mock (exit 0);
    the rules a mock without authentication breaks, named in the summary (exit 1)."""
    env = clean_environment()
    for mode in ("strict", "off"):
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        argv = [str(installed / "m7-mock"), "--port", str(port), "--auth-mode", mode]
        with running(f"mock-{mode}", argv, ready_url=f"{base_url}/__mock/health", env=env):
            done = _contract(installed, base_url, cwd=tmp_path)
        output = done.stdout + done.stderr
        assert "= contract summary =" in output, output
        summary = output[output.index("= contract summary =") :]
        checks = installed.parent / "lib"  # the checks run from the virtualenv, not the clone
        assert re.search(rf"rootdir: {re.escape(str(checks))}/python3\.\d+/site-packages/", output)
        if mode == "strict":
            assert done.returncode == 0, output
            kept = ALL_KEPT.search(summary)
            assert kept is not None, summary
            assert kept.group(1) == base_url, summary
            assert int(kept.group(2)) >= 90, summary
            assert "rules the target broke: none" in summary
        else:
            assert done.returncode == 1, output
            assert "rules the target broke (" in summary, summary
            assert "  - a bad header is refused: 16 of 16 failed; e.g. [" in summary, summary
            assert "  - a replayed sign and nonce is refused: 1 of 1 failed" in summary
    assert not list(tmp_path.iterdir()), "m7-contract wrote into the folder it ran in"


CONSUMER_WORKFLOW = ROOT / "docs" / "examples" / "consumer-ci.yml"
#: The steps of the example run here, in order (the ones before them set up GitHub's runner
#: and install the packages from the toolkit's URL, which the ``installed`` fixture stands in
#: for).
CONSUMER_STEPS = (
    "Start the mock",
    "Wait until the mock is ready",
    "Your tests against the mock",
    "Contract suite against the mock",
    "Show the mock's log",
)


def test_the_consumer_workflow_example_runs_against_the_installed_packages(
    installed: Path, tmp_path: Path
) -> None:
    workflow = yaml.safe_load(CONSUMER_WORKFLOW.read_text(encoding="utf-8"))
    steps = {step.get("name"): step for step in workflow["jobs"]["test"]["steps"]}
    install = " ".join(steps["Install the m7 mock server and client"]["run"].split())
    assert '"m7-call-monitor @ ${M7_TOOLKIT}#subdirectory=generated_client"' in install
    assert '"m7-mock-server @ ${M7_TOOLKIT}"' in install  # one pip command for both

    port = str(free_port())
    env = clean_environment()
    env.update({name: str(value).replace("4010", port) for name, value in workflow["env"].items()})
    env["PATH"] = os.pathsep.join([str(installed), env["PATH"]])
    workspace = tmp_path / "consumer"
    workspace.mkdir()
    try:
        for name in CONSUMER_STEPS:
            script = steps[name]["run"].replace("4010", port)
            done = subprocess.run(
                ["bash", "-e", "-o", "pipefail", "-c", script],
                cwd=workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, f"step {name!r}:\n{done.stdout}{done.stderr}"
            if name == "Wait until the mock is ready":
                assert json.loads(done.stdout) == {"status": "ready"}
            if name == "Your tests against the mock":
                assert json.loads(done.stdout)["success"] is True
            if name == "Contract suite against the mock":
                assert ALL_KEPT.search(done.stdout), done.stdout
                assert (workspace / "contract-report.xml").is_file()
    finally:
        pid_file = workspace / "m7-mock.pid"
        if pid_file.exists():  # the mock the example started, in case a step failed
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text()), signal.SIGTERM)
    assert "m7 mock server:" in (workspace / "m7-mock.log").read_text(encoding="utf-8")
