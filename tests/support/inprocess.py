"""The mock in this process: its ASGI app, a settable clock and transports into it.

(Its clock is ``tests.support.clock.Clock.real()``; nonces come from ``tests.support.nonces``.)

Most properties talk to the mock without a socket: the friendly client's ``transport=`` takes
``httpx.ASGITransport(app)`` (async) or ``PortalTransport`` (sync: each request is run on one
long-lived event loop in a background thread, through an anyio blocking portal), so a request
costs about a millisecond. Every exchange through these transports is recorded, so a test can
validate the exact bytes the mock sent, not the client's re-serialisation of them.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

from m7_call_monitor import AsyncCallMonitor, CallMonitor
from m7_call_monitor.signing import NONCE_HEADER, TIMESTAMP_HEADER
from mock_server.app import MockApp, create_app
from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET, Settings
from tests.support.clock import Clock
from tests.support.sync_asgi import SyncOverAsync

__all__ = [
    "APP_KEY",
    "BASE_URL",
    "SECRET",
    "Exchange",
    "InProcessMock",
    "PortalTransport",
    "RecordingTransport",
    "in_process_mock",
]

APP_KEY = DEMO_APP_KEY
SECRET = DEMO_SECRET
BASE_URL = "http://mock.test"
#: The friendly client's user agent (``m7-call-monitor/<version>``).
USER_AGENT_PREFIX = "m7-call-monitor/"


@dataclass(frozen=True)
class Exchange:
    """One request as sent and the response as received, raw."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    response: bytes
    response_headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.response)


@dataclass
class _Recorder:
    exchanges: list[Exchange] = field(default_factory=list)
    #: (timestamp, nonce) of every signed request: the same pair twice would be a replay.
    signed: set[tuple[str, str]] = field(default_factory=set)

    def record(self, request: httpx.Request, body: bytes, response: httpx.Response) -> None:
        headers = dict(request.headers)
        self.exchanges.append(
            Exchange(
                request.method,
                request.url.path,
                headers,
                body,
                response.status_code,
                response.content,
                dict(response.headers),
            )
        )
        del self.exchanges[:-50]

    def check_fresh(self, request: httpx.Request) -> None:
        """Fail loudly if a client sends a (timestamp, nonce) pair twice by chance."""
        if not request.headers.get("user-agent", "").startswith(USER_AGENT_PREFIX):
            return  # hand-made requests (replays on purpose) are the test's business
        pair = (request.headers.get(TIMESTAMP_HEADER, ""), request.headers.get(NONCE_HEADER, ""))
        if pair in self.signed:
            pytest.fail(
                f"a client sent timestamp+nonce {pair} twice: the unique-nonce patch of "
                "tests/support/inprocess.py no longer reaches the client's signer"
            )
        self.signed.add(pair)


class PortalTransport(httpx.BaseTransport):
    """A sync httpx transport into an ASGI app, run on a blocking portal's event loop."""

    def __init__(self, app: MockApp, portal: BlockingPortal, recorder: _Recorder) -> None:
        self._inner = SyncOverAsync(httpx.ASGITransport(app=app), run=portal.call)
        self._recorder = recorder

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._recorder.check_fresh(request)
        response = self._inner.handle_request(request)
        self._recorder.record(request, request.read(), response)
        return response


class _RecordingASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: MockApp, recorder: _Recorder) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._recorder = recorder

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        content = await request.aread()
        self._recorder.check_fresh(request)
        response = await self._inner.handle_async_request(request)
        body = await response.aread()
        self._recorder.record(request, content, response)
        return httpx.Response(response.status_code, headers=response.headers, content=body)


class RecordingTransport(httpx.BaseTransport):
    """Wrap a transport (a real socket's ``httpx.HTTPTransport``) and record each exchange."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner or httpx.HTTPTransport()
        self.recorder = _Recorder()

    @property
    def exchanges(self) -> list[Exchange]:
        return self.recorder.exchanges

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        self.recorder.check_fresh(request)
        response = self._inner.handle_request(request)
        body = response.read()
        response.close()
        self.recorder.record(request, content, response)
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    def close(self) -> None:
        self._inner.close()


@dataclass
class InProcessMock:
    """One mock app with its clock, an admin client and friendly clients into it."""

    app: MockApp
    clock: Clock
    portal: BlockingPortal
    recorder: _Recorder = field(default_factory=_Recorder)

    def transport(self) -> httpx.BaseTransport:
        return PortalTransport(self.app, self.portal, self.recorder)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        return _RecordingASGITransport(self.app, self.recorder)

    def http(self) -> httpx.Client:
        """A plain httpx client (no signing): for the admin API and hand-made requests."""
        return httpx.Client(base_url=BASE_URL, transport=self.transport())

    def monitor(self) -> CallMonitor:
        """The friendly client, signing with the demo account; no retries (one try each)."""
        return CallMonitor(BASE_URL, APP_KEY, SECRET, transport=self.transport(), retries=0)

    def async_monitor(self) -> AsyncCallMonitor:
        return AsyncCallMonitor(
            BASE_URL, APP_KEY, SECRET, transport=self.async_transport(), retries=0
        )

    @property
    def last(self) -> Exchange:
        """The last exchange through any of this mock's transports."""
        return self.recorder.exchanges[-1]

    # --- admin ------------------------------------------------------------------------------

    @functools.cached_property
    def _admin_http(self) -> httpx.Client:
        return self.http()

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request to the admin API (``/__mock`` + ``path``)."""
        return self._admin_http.request(method, f"/__mock{path}", **kwargs)

    def reset(self) -> dict[str, Any]:
        """Back to the demo scenario; the replay cache is forgotten too."""
        response = self.admin("POST", "/reset")
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state

    def state(self) -> dict[str, Any]:
        response = self.admin("GET", "/state")
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state

    def agent_numbers(self) -> list[str]:
        return [agent["number"] for agent in self.state()["agents"]]


@contextmanager
def in_process_mock(settings: Settings | None = None) -> Iterator[InProcessMock]:
    """A fresh mock app (demo scenario, demo account) on a settable clock."""
    clock = Clock.real()
    app = create_app(dataclasses.replace(settings or Settings(), clock=clock))
    with start_blocking_portal() as portal:
        yield InProcessMock(app=app, clock=clock, portal=portal)
