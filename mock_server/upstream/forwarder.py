"""Sends a verified vendor request on to the upstream, signed afresh with the upstream's key.

The caller signed for the mock (its demo or team key), and the mock verified that signature
as strictly as ever; a signature proves nothing once a proxy changes the request, and the
upstream does not know the mock's keys. So the request goes on with four new ``m7-*``
headers (``m7_call_monitor.signing``, the one statement of the rule) and the caller's body
unchanged (the signature does not cover it).

Every exchange is bounded: one ``httpx.AsyncClient`` with at most ``max_connections``
connections, the whole exchange within ``timeout`` seconds (waiting for a free connection
included), an answer of at most ``max_answer_bytes``. A timeout is a ``Failed`` 504 naming the
upstream, a refused or broken connection a ``Failed`` 502; never an exception's text, which
could carry what was sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import httpx

from m7_call_monitor.signing import NonceSource, signed_headers
from mock_server.upstream.config import UpstreamConfig

__all__ = ["USER_AGENT", "Answered", "Failed", "Forwarder", "Sent"]

USER_AGENT: Final = "m7-mock-proxy"
#: The upstream's answer headers handed back to the caller (others are the upstream's
#: transport's business: its length and encoding, connection, cookies).
PASSED_HEADERS: Final = ("content-type", "retry-after")
#: The upstream's own request id, handed back under this name (the mock's is x-request-id).
UPSTREAM_REQUEST_ID: Final = "x-m7-upstream-request-id"


@dataclass(frozen=True, slots=True)
class Sent:
    """The request as it went upstream (its headers include the fresh signature: never
    written anywhere as they are, see ``har.redacted``, nor shown in its ``repr``)."""

    url: str
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    body: bytes
    started: float


@dataclass(frozen=True, slots=True)
class Answered:
    """The upstream's answer (its headers, which may set a cookie, not in its ``repr``)."""

    sent: Sent
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    body: bytes
    elapsed_ms: float

    @property
    def content_type(self) -> str | None:
        return next((v for n, v in self.headers if n == "content-type"), None)

    def passed_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """The headers the caller gets with the answer."""
        kept = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in self.headers
            if name in PASSED_HEADERS
        ]
        kept += [
            (UPSTREAM_REQUEST_ID.encode(), value.encode("latin-1"))
            for name, value in self.headers
            if name == "x-request-id"
        ]
        return tuple(kept)


@dataclass(frozen=True, slots=True)
class Failed:
    """No answer from the upstream: the status the mock answers (502, 504) and why."""

    status: int
    message: str


class _TooLong(Exception):
    pass


class Forwarder:
    """One upstream, its connection pool and its signer."""

    def __init__(
        self,
        config: UpstreamConfig,
        *,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._config = config
        self._clock = clock
        self._transport = transport
        self._nonces = NonceSource()
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"Forwarder({self._config.url!r})"

    def _opened(self) -> httpx.AsyncClient:
        """The client, made on first use (inside the server's event loop)."""
        if self._client is None:
            limit = self._config.max_connections
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self._config.timeout),
                limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
                transport=self._transport,
                follow_redirects=False,
                trust_env=False,  # no proxy or .netrc credentials picked up from the environment
            )
        return self._client

    def _headers(self) -> tuple[tuple[str, str], ...]:
        credentials = self._config.credentials
        signed = signed_headers(
            credentials.app_key, credentials.secret_key, clock=self._clock, nonces=self._nonces
        )
        return (
            ("content-type", "application/json"),
            ("accept", "application/json"),
            ("accept-encoding", "identity"),
            ("user-agent", USER_AGENT),
            *signed.items(),
        )

    async def forward(self, path: str, body: bytes) -> Answered | Failed:
        """Send ``body`` to the upstream's ``path`` (the vendor operation's); its answer, or
        why there is none."""
        sent = Sent(self._config.url + path, self._headers(), body, self._clock())
        host = self._config.host
        timeout = self._config.timeout
        begun = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                answered = await self._exchange(sent)
        except (TimeoutError, httpx.TimeoutException) as exc:
            if isinstance(exc, httpx.PoolTimeout):
                message = f"upstream: no free connection to {host} within {timeout:g} s"
            else:
                message = f"upstream: {host} gave no answer within {timeout:g} s"
            return Failed(504, message)
        except httpx.ConnectError:
            return Failed(502, f"upstream: cannot connect to {host} (refused or unreachable)")
        except _TooLong:
            return Failed(
                502, f"upstream: {host} answered more than {self._config.max_answer_bytes} bytes"
            )
        except httpx.HTTPError as exc:
            return Failed(502, f"upstream: {host} broke the exchange ({type(exc).__name__})")
        status, reason, headers, content = answered
        elapsed = (time.perf_counter() - begun) * 1000
        return Answered(sent, status, reason, headers, content, elapsed)

    async def _exchange(self, sent: Sent) -> tuple[int, str, tuple[tuple[str, str], ...], bytes]:
        limit = self._config.max_answer_bytes
        request = self._opened().build_request(
            "POST", sent.url, headers=list(sent.headers), content=sent.body
        )
        response = await self._opened().send(request, stream=True)
        try:
            chunks, size = [], 0
            async for (
                chunk
            ) in response.aiter_bytes():  # decoded: the bound holds after any decompression
                size += len(chunk)
                if size > limit:
                    raise _TooLong
                chunks.append(chunk)
        finally:
            await response.aclose()
        headers = tuple(
            (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.headers.raw
        )
        return response.status_code, response.reason_phrase, headers, b"".join(chunks)

    async def aclose(self) -> None:
        """Close the connections (the server's shutdown, a test's end)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
