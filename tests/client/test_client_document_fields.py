"""The friendly layer follows the document: a field planted in a copy of the document is
usable through ``CallMonitor``, ``AsyncCallMonitor`` and ``m7`` with no hand edit.

The planted copy is generated into a scratch folder (the same generator and config as
``make generate``) and put first on ``PYTHONPATH`` of a child Python, so the hand-written
``m7_call_monitor`` runs unchanged on top of the planted ``m7_openapi``. The child sends
through an ``httpx.MockTransport`` that records each body and answers the vendor's example.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from m7_call_monitor import CallMonitor
from m7_openapi.models import ListenRequest
from scripts.generate_client import generate_into
from tests.support import document as doc

CHILD = textwrap.dedent(
    """
    import asyncio, json, sys
    import httpx
    import m7_openapi
    from m7_call_monitor import AsyncCallMonitor, CallMonitor
    from m7_call_monitor.cli import main
    from m7_openapi.models import ListenRequest

    example = json.loads(sys.argv[1])
    bodies = []

    def answer(request):
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=example)

    settings = dict(base_url="http://m7.test", app_key="2100147", secret_key="s")
    with CallMonitor(**settings, transport=httpx.MockTransport(answer)) as monitor:
        monitor.listen(supervisor="2002", agent="9527", silent_mode=True)
        monitor.send(ListenRequest(listen_agent="2002", agent_number="9527", silent_mode=False))

    async def run_async():
        async with AsyncCallMonitor(**settings, transport=httpx.MockTransport(answer)) as m:
            await m.listen(supervisor="2002", agent="9527", silent_mode=True)

    asyncio.run(run_async())
    argv = ["--base-url", "http://m7.test", "--app-key", "2100147", "listen",
            "--supervisor", "2002", "--agent", "9527", "--silent-mode", "true"]
    status = main(argv, transport=httpx.MockTransport(answer))
    print(json.dumps({"package": m7_openapi.__file__, "bodies": bodies, "status": status}))
    """
)


REQUIRED = "      required: [listenAgent, agentNumber]\n"
LISTEN_BODY = (
    "      description: Body of listen (监听).\n"
    + REQUIRED
    + "      additionalProperties: false\n      properties:\n"
)
SILENT_MODE = (
    "        silentMode:\n          type: boolean\n          description: Planted by a test.\n"
)


def _planted(folder: Path, *, required: bool) -> Path:
    """``m7_openapi`` generated from a copy of the document with ``silentMode`` in listen."""
    text = doc.CALL_MONITOR.read_text(encoding="utf-8")
    assert LISTEN_BODY in text
    body = LISTEN_BODY + SILENT_MODE
    if required:
        body = body.replace(REQUIRED, "      required: [listenAgent, agentNumber, silentMode]\n")
    document = folder / "call-monitor.yaml"
    document.write_text(text.replace(LISTEN_BODY, body, 1), encoding="utf-8")
    generate_into(folder / "m7_openapi", document)
    return folder


@pytest.fixture(scope="module")
def planted_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _planted(tmp_path_factory.mktemp("planted"), required=False)


def test_a_planted_optional_field_goes_through_the_client_and_the_cli(
    planted_package: Path,
) -> None:
    example = doc.load()["components"]["examples"]["ListenSuccess"]["value"]
    env = {**os.environ, "PYTHONPATH": str(planted_package), "M7_SECRET_KEY": "s"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(example)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=planted_package,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["package"].startswith(str(planted_package))  # the planted package ran
    expected = {"listenAgent": "2002", "agentNumber": "9527"}
    assert report["bodies"] == [
        {**expected, "silentMode": True},  # CallMonitor.listen(silent_mode=True)
        {**expected, "silentMode": False},  # CallMonitor.send(ListenRequest(...))
        {**expected, "silentMode": True},  # AsyncCallMonitor.listen
        {**expected, "silentMode": True},  # m7 listen --silent-mode true
    ]
    assert report["status"] == 0


def test_a_field_the_document_does_not_declare_is_refused_before_sending() -> None:
    monitor = CallMonitor("http://m7.test", "2100147", "s")
    with pytest.raises(TypeError, match=r"unknown field\(s\) silent_mode; .* ListenRequest: none"):
        monitor.listen(supervisor="2002", agent="9527", silent_mode=True)  # type: ignore[call-arg]
    monitor.close()


def test_send_posts_a_ready_generated_model(vendor: Any) -> None:
    with CallMonitor(
        vendor.base_url, vendor.app_key, vendor.secret, transport=vendor.sync_transport()
    ) as monitor:
        envelope = monitor.send(ListenRequest(listen_agent="2002", agent_number="9527"))
    assert envelope.request_info.url == "/openapi/v1/call/listen"
    assert envelope.request_info.body.to_dict() == {"listenAgent": "2002", "agentNumber": "9527"}


REQUIRED_CHILD = textwrap.dedent(
    """
    import sys
    from m7_call_monitor import CallMonitor
    from m7_call_monitor.cli import main

    monitor = CallMonitor("http://m7.test", "2100147", "s")
    try:
        monitor.listen(supervisor="2002", agent="9527")
    except TypeError as error:
        print("TypeError:", error)
    sys.stdout.flush()
    status = main(["--base-url", "http://m7.test", "listen", "--supervisor", "2002",
                   "--agent", "9527"])
    print("status", status)
    """
)


def test_a_field_made_required_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    planted = _planted(tmp_path, required=True)
    env = {**os.environ, "PYTHONPATH": str(planted), "M7_APP_KEY": "2100147", "M7_SECRET_KEY": "s"}
    result = subprocess.run(
        [sys.executable, "-c", REQUIRED_CHILD],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=planted,
    )
    assert result.stdout.splitlines() == [
        "TypeError: listen() needs the field(s) silent_mode: the document requires them in "
        "ListenRequest",
        "status 2",
    ], result.stderr
    assert "the following arguments are required: --silent-mode" in result.stderr
    assert "Traceback" not in result.stderr
