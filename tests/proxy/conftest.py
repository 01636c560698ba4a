"""Fixtures of the proxy tests: the upstream (a second mock with credentials of its own, or
the fake vendor), each on a thread on a port the system picked, and proxies into them built
in this process, with a client signing as the caller (the demo account).

Nothing reaches the internet: every upstream is on 127.0.0.1.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server.app import MockApp, create_app
from mock_server.settings import Settings
from mock_server.upstream.config import MockMode, UpstreamConfig, UpstreamCredentials
from tests.api.helpers import check_response, signed
from tests.proxy.servers import fake_vendor, serving

#: The upstream account: the second mock's only credentials, the proxy's upstream keys.
UP_KEY = "7700123"
UP_SECRET = "upstream-secret-Zq81"


@dataclass
class Upstream:
    url: str
    app: MockApp

    def journal(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = httpx.get(f"{self.url}/__mock/journal").json()["entries"]
        return entries


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """A second mock, knowing only the upstream account, on a thread."""
    app = create_app(Settings(credentials={UP_KEY: UP_SECRET}, credentials_source="env"))
    with serving(app) as url:
        yield Upstream(url, app)


@pytest.fixture
def vendor_url() -> Iterator[str]:
    """The fake vendor (``tests.proxy.servers.fake_vendor``), on a thread."""
    with serving(fake_vendor) as url:
        yield url


def proxy_mode(url: str, *, timeout: float = 5.0, **changes: Any) -> MockMode:
    """Proxy mode to ``url`` with the upstream account's keys."""
    upstream = UpstreamConfig(
        url=url, credentials=UpstreamCredentials(UP_KEY, UP_SECRET), timeout=timeout
    )
    return MockMode(upstream=upstream, **changes)


@dataclass
class Proxy:
    app: MockApp
    client: httpx.AsyncClient

    async def call(
        self, operation: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """``operation`` with ``body``, signed now with the demo account."""
        return await self.client.post(
            f"/openapi/v1/call/{operation}",
            json=body,
            headers=headers if headers is not None else signed(time.time),
        )


async def _admin_answer_as_documented(response: httpx.Response) -> None:
    """The admin API's answers match their document in every mode (the vendor's are the
    upstream's, which may not: that is what the drift report is for)."""
    if response.request.url.path.startswith("/__mock"):
        await check_response(response)


@pytest.fixture
async def make_proxy() -> AsyncIterator[Callable[[MockMode], Proxy]]:
    """``make_proxy(mode)``: a mock in this process in ``mode``, and a client into it."""
    made: list[Proxy] = []

    def make(mode: MockMode) -> Proxy:
        app = create_app(Settings(mode=mode))
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://127.0.0.1:4010",
            event_hooks={"response": [_admin_answer_as_documented]},
        )
        made.append(Proxy(app, client))
        return made[-1]

    yield make
    for proxy in made:
        await proxy.client.aclose()
        if proxy.app.elsewhere is not None:
            await proxy.app.elsewhere.aclose()


@pytest.fixture
def har(tmp_path: Path) -> Path:
    """Where a test's recording goes (not created yet)."""
    return tmp_path / "vendor.har"
