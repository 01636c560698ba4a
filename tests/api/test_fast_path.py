"""The five vendor operations are answered without connexion; everything else by connexion.

Which code a request runs is observed with ``sys.setprofile`` (every Python function called
while the request is served), so the test does not depend on how either path is wired.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from types import FrameType
from typing import Any

import httpx
import pytest

from mock_server.app import create_app
from mock_server.handlers import vendor
from mock_server.settings import Settings
from tests.support.document import PATHS, SUPERVISOR_FIELDS


@asynccontextmanager
async def files_called() -> AsyncIterator[set[str]]:
    """The source files of every Python function called inside the block."""
    files: set[str] = set()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            files.add(frame.f_code.co_filename)

    sys.setprofile(profile)
    try:
        yield files
    finally:
        sys.setprofile(None)


def connexion_files(files: set[str]) -> set[str]:
    return {name for name in files if "/connexion/" in name}


@pytest.mark.parametrize("operation", sorted(PATHS))
async def test_a_vendor_operation_runs_no_connexion_code(
    operation: str, client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    body = {SUPERVISOR_FIELDS[operation]: "2002", "agentNumber": "9530"}
    sent = headers()
    async with files_called() as files:
        response = await client.post(PATHS[operation], json=body, headers=sent)
    assert response.status_code in (200, 409), response.text
    assert connexion_files(files) == set()


@pytest.mark.parametrize(
    "send",
    [
        lambda client: client.get("/__mock/state"),
        lambda client: client.post(PATHS["listen"] + "/", json={}),
    ],
    ids=["admin API", "trailing slash (404)"],
)
async def test_everything_else_is_served_by_connexion(
    send: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]], client: httpx.AsyncClient
) -> None:
    async with files_called() as files:
        response = await send(client)
    assert response.status_code in (200, 404, 405)
    assert connexion_files(files) != set()


async def test_a_wrong_method_on_a_vendor_path_is_answered_without_connexion(
    client: httpx.AsyncClient,
) -> None:
    """The router hands a vendor operation's path to the vendor endpoint whatever the method,
    so the faults apply to it as to any request there."""
    async with files_called() as files:
        response = await client.get(PATHS["listen"])
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert connexion_files(files) == set()


def test_an_operation_of_the_document_without_a_handler_fails_at_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(vendor.OPERATIONS, "whisper")
    with pytest.raises(LookupError, match="no handler for the vendor operation whisper"):
        create_app(Settings())
