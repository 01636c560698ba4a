"""``GET /__mock/config`` and ``GET /__mock/events``, the console's own admin operations.

The stream never ends by itself, so it is driven as ASGI directly (an httpx client into the
app would wait for the whole body): each test opens it, reads its events, then sends
``http.disconnect`` as a browser closing the tab does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
import pytest

from mock_server.app import MockApp, create_app
from mock_server.model.accounts import parse_scenario_file
from mock_server.model.events import DEFAULT_SUBSCRIBERS
from mock_server.settings import Settings
from tests.api.helpers import client_for
from tests.support.document import PATHS

STATE_BACKENDS = ("memory", "redis")

WAIT = 10.0


class Stream:
    """One open ``GET /__mock/events``: its status and headers, then its events."""

    def __init__(self) -> None:
        self.sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.disconnect = asyncio.Event()
        self.start: dict[str, Any] = {}
        self._buffer = b""

    async def receive(self) -> dict[str, Any]:
        await self.disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: MutableMapping[str, Any]) -> None:
        await self.sent.put(dict(message))

    async def next_event(self) -> tuple[str, Any]:
        """The next event (keep-alive comments skipped)."""
        while b"\n\n" not in self._buffer:
            message = await asyncio.wait_for(self.sent.get(), WAIT)
            assert message["type"] == "http.response.body", message
            self._buffer += message.get("body", b"")
        block, self._buffer = self._buffer.split(b"\n\n", 1)
        lines = [line for line in block.decode().split("\n") if not line.startswith(":")]
        if not lines:
            return await self.next_event()
        fields = dict(line.split(": ", 1) for line in lines)
        return fields["event"], orjson.loads(fields["data"])

    async def event_of_kind(self, kind: str) -> Any:
        """The data of the next event of ``kind`` (others, such as ``journal``, skipped)."""
        while True:
            name, data = await self.next_event()
            if name == kind:
                return data


@asynccontextmanager
async def open_stream(
    app: MockApp, headers: dict[str, str] | None = None, query: bytes = b""
) -> AsyncIterator[Stream]:
    stream = Stream()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/__mock/events",
        "raw_path": b"/__mock/events",
        "query_string": query,
        "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 4010),
    }
    task = asyncio.ensure_future(app(scope, stream.receive, stream.send))
    try:
        stream.start = await asyncio.wait_for(stream.sent.get(), WAIT)
        yield stream
    finally:
        stream.disconnect.set()
        await asyncio.wait_for(task, WAIT)


def header(stream: Stream, name: str) -> str:
    value: bytes = dict(stream.start["headers"])[name.encode()]
    return value.decode()


async def test_the_stream_starts_with_hello_and_pushes_every_kind_of_change(
    app: MockApp, client: httpx.AsyncClient, headers: Callable[..., dict[str, str]]
) -> None:
    async with open_stream(app) as stream:
        assert stream.start["status"] == 200
        assert header(stream, "content-type") == "text/event-stream; charset=utf-8"
        assert header(stream, "cache-control") == "no-store"
        assert await stream.next_event() == ("hello", {})

        await client.post("/__mock/calls", json={"agent": "9530", "customer": "13600136000"})
        assert (await stream.event_of_kind("callcenter"))["action"] == "start_call"

        body = {"listenAgent": "2002", "agentNumber": "9527"}
        await client.post(PATHS["listen"], json=body, headers=headers())
        assert (await stream.event_of_kind("callcenter"))["action"] == "listen"
        journal = await stream.event_of_kind("journal")
        assert (journal["path"], journal["status"]) == (PATHS["listen"], 200)

        await client.put("/__mock/faults", json={"status": {"status": 503, "count": 1}})
        assert await stream.event_of_kind("faults") == {"status": {"status": 503, "count": 1}}

        await client.post("/__mock/reset")
        assert await stream.event_of_kind("reset") == {}


async def test_a_closed_stream_gives_its_subscription_back(app: MockApp) -> None:
    async with open_stream(app) as stream:
        await stream.next_event()
        assert app.state.events.subscribers == 1  # type: ignore[attr-defined]
    assert app.state.events.subscribers == 0  # type: ignore[attr-defined]


async def test_one_stream_more_than_the_feed_serves_is_refused_with_503(app: MockApp) -> None:
    async with contextlib_stack(app, DEFAULT_SUBSCRIBERS) as streams:
        assert all(stream.start["status"] == 200 for stream in streams)
        async with open_stream(app) as refused:
            assert refused.start["status"] == 503
            assert header(refused, "retry-after") == "5"
            body = await asyncio.wait_for(refused.sent.get(), WAIT)
            envelope = orjson.loads(body["body"])
            assert envelope["code"] == "503"
            assert envelope["message"].startswith("events: ")
    async with open_stream(app) as again:  # the others closed: there is room again
        assert again.start["status"] == 200


@asynccontextmanager
async def contextlib_stack(app: MockApp, count: int) -> AsyncIterator[list[Stream]]:
    streams: list[Stream] = []
    managers = [open_stream(app) for _ in range(count)]
    try:
        for manager in managers:
            streams.append(await manager.__aenter__())
        yield streams
    finally:
        for manager in managers[: len(streams)]:
            await manager.__aexit__(None, None, None)


async def test_with_an_admin_token_the_stream_and_the_config_need_it(
    make_settings: Callable[..., Settings], state_setting: str
) -> None:
    app = create_app(make_settings(admin_token="t0ken", state=state_setting))
    async with open_stream(app) as refused:
        assert refused.start["status"] == 401
    async with open_stream(app, {"authorization": "Bearer t0ken"}) as stream:
        assert stream.start["status"] == 200
        assert await stream.next_event() == ("hello", {})
    async with client_for(app) as client:
        assert (await client.get("/__mock/config")).status_code == 401
        assert (await client.get("/__mock/console/")).status_code == 200  # no secret in it
        config = await client.get("/__mock/config", headers={"authorization": "Bearer t0ken"})
    assert config.status_code == 200
    assert config.json()["authMode"] == "strict"


@pytest.mark.parametrize("method", ["POST", "DELETE"])
async def test_other_methods_on_the_streams_path_are_405(
    client: httpx.AsyncClient, method: str
) -> None:
    response = await client.request(method, "/__mock/events")
    assert response.status_code == 405


JOB_B = {
    "appKey": "job-b",
    "secret": "job-b-secret",
    "agents": [{"number": "5000", "role": "supervisor"}],
}


async def test_the_stream_and_the_config_are_those_of_the_account_named(
    make_settings: Callable[..., Settings], state_setting: str
) -> None:
    file = parse_scenario_file({"accounts": [JOB_B]})
    app = create_app(make_settings(state=state_setting, scenario_file=file))
    b_faults = {"status": {"status": 503, "count": 1}}
    default_faults = {"status": {"status": 500, "count": 2}}
    async with (
        open_stream(app, query=b"account=job-b") as job_b,
        open_stream(app) as default,
        client_for(app) as client,
    ):
        assert await job_b.next_event() == await default.next_event() == ("hello", {})
        await client.put("/__mock/faults", params={"account": "job-b"}, json=b_faults)
        await client.put("/__mock/faults", json=default_faults)
        await client.put("/__mock/faults", params={"account": "job-b"}, json={})
        assert await default.event_of_kind("faults") == default_faults
        assert await job_b.event_of_kind("faults") == b_faults
        assert await job_b.event_of_kind("faults") == {}  # not the default account's

        config = (await client.get("/__mock/config", params={"account": "job-b"})).json()
        assert config["signing"]["accounts"] == [{"appKey": "job-b", "secretKey": "job-b-secret"}]
        default_config = (await client.get("/__mock/config")).json()
        assert [a["appKey"] for a in default_config["signing"]["accounts"]] == ["2100147"]

        unknown = await client.get("/__mock/config", params={"account": "nobody"})
        assert (unknown.status_code, unknown.json()["code"]) == (404, "40404")
    async with open_stream(app, query=b"account=nobody") as refused:
        assert refused.start["status"] == 404
        body = await asyncio.wait_for(refused.sent.get(), WAIT)
        assert orjson.loads(body["body"])["message"] == "account: no account nobody"
