"""The friendly layer: one method per supervisor action, signed, checked and retried.

Each method builds the generated request model, calls the generated ``*_detailed``
function through an httpx client that signs with :class:`M7Auth`, and returns the
generated :class:`SuccessEnvelope` or raises an :class:`M7Error`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from types import TracebackType
from typing import Self

import httpx

from m7_openapi import Client
from m7_openapi.api.call_monitoring import (
    hangup_channel,
    listen,
    loot_call,
    pickup_channel,
    whisper,
)
from m7_openapi.models import (
    ErrorEnvelope,
    HangupChannelRequest,
    ListenRequest,
    LootCallRequest,
    PickupChannelRequest,
    SuccessEnvelope,
    WhisperRequest,
)
from m7_openapi.types import UNSET, Response, Unset

from ._auth import M7Auth
from ._config import Settings, load_settings
from ._errors import M7Error
from ._operations import Operation, find_operation
from ._responses import error_for_transport, request_id_of, success_or_raise
from ._retry import RetryPolicy
from ._version import USER_AGENT

__all__ = ["AsyncCallMonitor", "CallMonitor"]

log = logging.getLogger("m7_call_monitor")

DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 2

_Detailed = Response[ErrorEnvelope | SuccessEnvelope]


class _Seen:
    """The raw response of the current attempt, for bodies the generated parser rejects."""

    response: httpx.Response | None = None


# Set per attempt by the caller, filled by the httpx response hook; a ContextVar keeps
# concurrent calls (threads, asyncio tasks) on one client apart.
_seen: ContextVar[_Seen | None] = ContextVar("m7_call_monitor_seen", default=None)


def _remember(response: httpx.Response) -> None:
    seen = _seen.get()
    if seen is not None:
        seen.response = response


async def _aremember(response: httpx.Response) -> None:
    _remember(response)


def _optional(action_id: str | None) -> str | Unset:
    return UNSET if action_id is None else action_id


class _Core:
    """What the sync and async clients share: settings, retry policy, checking, logging."""

    def __init__(
        self,
        base_url: str | None,
        app_key: str | None,
        secret_key: str | None,
        *,
        retries: int,
        backoff: float,
        max_retry_delay: float,
    ) -> None:
        self._settings: Settings = load_settings(base_url, app_key, secret_key)
        self._policy = RetryPolicy(retries=retries, backoff=backoff, max_delay=max_retry_delay)
        credentials = self._settings.credentials
        self._auth = M7Auth(credentials.app_key, credentials.secret_key)
        self._secret = credentials.secret_key

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def app_key(self) -> str:
        return self._settings.credentials.app_key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, app_key={self.app_key!r})"

    def _check(
        self, operation: Operation, attempt: int, seen: _Seen, outcome: _Detailed | Exception
    ) -> SuccessEnvelope:
        """Turn one attempt's outcome into the envelope, or raise its :class:`M7Error`."""
        where = f"POST {operation.path}"
        tries = f"attempt {attempt}/{self._policy.retries + 1}"
        if isinstance(outcome, httpx.TransportError):
            log.debug("%s -> %s (%s)", where, type(outcome).__name__, tries)
            raise error_for_transport(outcome, secret=self._secret) from outcome
        response = seen.response
        if response is None:  # no hook ran: not an HTTP answer, a bug to surface as is
            raise outcome if isinstance(outcome, Exception) else RuntimeError("no response")
        parsed = None if isinstance(outcome, Exception) else outcome.parsed
        log.debug(
            "%s -> %d (%s, request id %s)",
            where,
            response.status_code,
            tries,
            request_id_of(response, parsed),
        )
        return success_or_raise(response, parsed, secret=self._secret)

    def _retry_delay(self, operation: Operation, error: M7Error, attempt: int) -> float | None:
        delay = self._policy.delay(error, attempt)
        if delay is not None:
            log.info(
                "%s: %s; retrying in %.2f s (attempt %d/%d)",
                operation.vendor,
                type(error).__name__,
                delay,
                attempt + 1,
                self._policy.retries + 1,
            )
        return delay


class CallMonitor(_Core):
    """Supervisor actions on agents' live calls (7moor V7 call monitoring), synchronous.

    Settings come from the arguments or from ``M7_BASE_URL``, ``M7_APP_KEY`` and
    ``M7_SECRET_KEY`` (an argument wins); a missing one raises :class:`ConfigError`.

    ``retries`` extra attempts are made only when the server certainly did not act: the
    connection could not be opened, or it answered 429 or 503 (``Retry-After`` honoured,
    capped at ``max_retry_delay``). A read timeout or any failure after the request was
    sent is never retried, because the action may already have happened and a second
    hangup or pickup could hit the agent's next call. Every attempt is signed afresh.

    ``transport`` replaces the network (an ``httpx.MockTransport`` in tests, a proxy
    transport in production); ``sleep`` is how retries wait.

    Use it as a context manager, or call :meth:`close`, to release the connection pool.
    """

    def __init__(
        self,
        base_url: str | None = None,
        app_key: str | None = None,
        secret_key: str | None = None,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = 0.5,
        max_retry_delay: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            base_url,
            app_key,
            secret_key,
            retries=retries,
            backoff=backoff,
            max_retry_delay=max_retry_delay,
        )
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=self._auth,
            timeout=timeout,
            transport=transport,
            headers={"user-agent": USER_AGENT},
            event_hooks={"response": [_remember]},
        )
        self._api = Client(base_url=self.base_url).set_httpx_client(self._http)

    def listen(
        self, *, supervisor: str, agent: str, action_id: str | None = None
    ) -> SuccessEnvelope:
        """监听 (vendor ``listen``): ``supervisor`` silently hears ``agent``'s call."""
        body = ListenRequest(
            listen_agent=supervisor, agent_number=agent, action_id=_optional(action_id)
        )
        return self._call("listen", lambda api: listen.sync_detailed(client=api, body=body))

    def whisper(
        self, *, supervisor: str, agent: str, action_id: str | None = None
    ) -> SuccessEnvelope:
        """耳语 (vendor ``whisper``): ``supervisor`` speaks to ``agent``; the customer does not hear."""
        body = WhisperRequest(
            whisper_agent=supervisor, agent_number=agent, action_id=_optional(action_id)
        )
        return self._call("whisper", lambda api: whisper.sync_detailed(client=api, body=body))

    def barge(
        self, *, supervisor: str, agent: str, action_id: str | None = None
    ) -> SuccessEnvelope:
        """强插 (vendor ``lootCall``): ``supervisor`` joins ``agent``'s call as a three-way call."""
        body = LootCallRequest(
            loot_call_agent=supervisor, agent_number=agent, action_id=_optional(action_id)
        )
        return self._call("barge", lambda api: loot_call.sync_detailed(client=api, body=body))

    def hangup(
        self, *, supervisor: str, agent: str, action_id: str | None = None
    ) -> SuccessEnvelope:
        """强拆 (vendor ``hangupChannel``): ``supervisor`` forcibly ends ``agent``'s call."""
        body = HangupChannelRequest(
            hangup_agent=supervisor, agent_number=agent, action_id=_optional(action_id)
        )
        return self._call("hangup", lambda api: hangup_channel.sync_detailed(client=api, body=body))

    def pickup(
        self, *, supervisor: str, agent: str, action_id: str | None = None
    ) -> SuccessEnvelope:
        """抢接 (vendor ``pickupChannel``): ``supervisor`` takes ``agent``'s call over; the agent is dropped."""
        body = PickupChannelRequest(
            pickup_agent=supervisor, agent_number=agent, action_id=_optional(action_id)
        )
        return self._call("pickup", lambda api: pickup_channel.sync_detailed(client=api, body=body))

    def _call(self, name: str, send: Callable[[Client], _Detailed]) -> SuccessEnvelope:
        operation = find_operation(name)
        attempt = 1
        while True:
            try:
                return self._attempt(operation, attempt, send)
            except M7Error as error:
                delay = self._retry_delay(operation, error, attempt)
                if delay is None:
                    raise
            self._sleep(delay)
            attempt += 1

    def _attempt(
        self, operation: Operation, attempt: int, send: Callable[[Client], _Detailed]
    ) -> SuccessEnvelope:
        seen = _Seen()
        token = _seen.set(seen)
        try:
            outcome: _Detailed | Exception = send(self._api)
        except (httpx.TransportError, ValueError, KeyError, TypeError) as exc:
            outcome = exc  # no response, or a body the generated parser could not read
        finally:
            _seen.reset(token)
        return self._check(operation, attempt, seen, outcome)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncCallMonitor(_Core):
    """The asynchronous :class:`CallMonitor`: same arguments, same methods, awaited.

    ``transport`` is an ``httpx.AsyncBaseTransport`` (e.g. ``httpx.ASGITransport``) and
    ``sleep`` an async function. Use ``async with`` or :meth:`aclose`.
    """

    def __init__(
        self,
        base_url: str | None = None,
        app_key: str | None = None,
        secret_key: str | None = None,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = 0.5,
        max_retry_delay: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(
            base_url,
            app_key,
            secret_key,
            retries=retries,
            backoff=backoff,
            max_retry_delay=max_retry_delay,
        )
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=self._auth,
            timeout=timeout,
            transport=transport,
            headers={"user-agent": USER_AGENT},
            event_hooks={"response": [_aremember]},
        )
        self._api = Client(base_url=self.base_url).set_async_httpx_client(self._http)

    async def listen(
        self, *, supervisor: str, agent: str, action_id: str | None = None
    ) -> SuccessEnvelope:
        """监听 (vendor ``listen``): ``supervisor`` silently hears ``agent``'s call."""
        body = ListenRequest(
            listen_agent=supervisor, agent_number=agent, action_id=_optional(action_id)
        )
        return await self._call(
            "listen", lambda api: listen.asyncio_detailed(client=api, body=body)
        )

    async def whisper(
        self, *, supervisor: str, agent: str, action_id: str | None = None
    ) -> SuccessEnvelope:
        """耳语 (vendor ``whisper``): ``supervisor`` speaks to ``agent``; the customer does not hear."""
        body = WhisperRequest(
            whisper_agent=supervisor, agent_number=agent, action_id=_optional(action_id)
        )
        return await self._call(
            "whisper", lambda api: whisper.asyncio_detailed(client=api, body=body)
        )

    async def barge(
        self, *, supervisor: str, agent: str, action_id: str | None = None
    ) -> SuccessEnvelope:
        """强插 (vendor ``lootCall``): ``supervisor`` joins ``agent``'s call as a three-way call."""
        body = LootCallRequest(
            loot_call_agent=supervisor, agent_number=agent, action_id=_optional(action_id)
        )
        return await self._call(
            "barge", lambda api: loot_call.asyncio_detailed(client=api, body=body)
        )

    async def hangup(
        self, *, supervisor: str, agent: str, action_id: str | None = None
    ) -> SuccessEnvelope:
        """强拆 (vendor ``hangupChannel``): ``supervisor`` forcibly ends ``agent``'s call."""
        body = HangupChannelRequest(
            hangup_agent=supervisor, agent_number=agent, action_id=_optional(action_id)
        )
        return await self._call(
            "hangup", lambda api: hangup_channel.asyncio_detailed(client=api, body=body)
        )

    async def pickup(
        self, *, supervisor: str, agent: str, action_id: str | None = None
    ) -> SuccessEnvelope:
        """抢接 (vendor ``pickupChannel``): ``supervisor`` takes ``agent``'s call over; the agent is dropped."""
        body = PickupChannelRequest(
            pickup_agent=supervisor, agent_number=agent, action_id=_optional(action_id)
        )
        return await self._call(
            "pickup", lambda api: pickup_channel.asyncio_detailed(client=api, body=body)
        )

    async def _call(
        self, name: str, send: Callable[[Client], Awaitable[_Detailed]]
    ) -> SuccessEnvelope:
        operation = find_operation(name)
        attempt = 1
        while True:
            try:
                return await self._attempt(operation, attempt, send)
            except M7Error as error:
                delay = self._retry_delay(operation, error, attempt)
                if delay is None:
                    raise
            await self._sleep(delay)
            attempt += 1

    async def _attempt(
        self, operation: Operation, attempt: int, send: Callable[[Client], Awaitable[_Detailed]]
    ) -> SuccessEnvelope:
        seen = _Seen()
        token = _seen.set(seen)
        try:
            outcome: _Detailed | Exception = await send(self._api)
        except (httpx.TransportError, ValueError, KeyError, TypeError) as exc:
            outcome = exc  # no response, or a body the generated parser could not read
        finally:
            _seen.reset(token)
        return self._check(operation, attempt, seen, outcome)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
