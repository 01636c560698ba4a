"""The friendly layer: one method per supervisor action, signed, checked and retried.

Each method builds the generated request model (``m7_openapi.models``), posts its
``to_dict()`` with an httpx client that signs with :class:`M7Auth`, and parses the answer
with the generated envelope models: it returns the :class:`SuccessEnvelope` or raises an
:class:`M7Error`. The generated request functions are not used: the layer needs the raw
response of every attempt (status, headers, bodies the models cannot read), which they hide.

Fields: ``supervisor``, ``agent`` and ``action_id`` are named for what a console does; any
other field the document declares is a keyword argument by the generated model's Python name
(``silent_mode=True`` for ``silentMode``), checked by the model at run time and by mypy
(``**fields: Unpack[ListenRequestFields]``, generated into ``_fields.py``), so a field the
document adds is usable, and typed, as soon as ``make generate`` has run. :meth:`CallMonitor.send` takes a ready
request model instead, fully typed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Self, Unpack

import httpx

from m7_openapi.models import SuccessEnvelope

from ._auth import M7Auth
from ._config import Settings, load_settings
from ._errors import M7Error
from ._fields import (
    HangupChannelRequestFields,
    ListenRequestFields,
    LootCallRequestFields,
    PickupChannelRequestFields,
    WhisperRequestFields,
)
from ._operations import OPERATIONS, Operation, RequestBody, find_operation, operation_for
from ._responses import error_for_transport, parse, request_id_of, success_or_raise
from ._retry import RetryPolicy
from ._version import USER_AGENT

__all__ = ["AsyncCallMonitor", "CallMonitor"]

log = logging.getLogger("m7_call_monitor")

DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 2


def _operation_urls(http: httpx.Client | httpx.AsyncClient) -> dict[str, httpx.URL]:
    """Each operation's absolute URL, merged with the client's base URL once.

    httpx merges and parses a URL string on every request (33 of the 52 µs it takes to build
    one, measured); the five URLs never change, and an absolute ``httpx.URL`` is used as is.
    """
    return {op.path: http.build_request("POST", op.path).url for op in OPERATIONS}


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
        # This frame and the constructors' hold the bare secret as an argument: hidden from
        # pytest's tracebacks, which print a frame's arguments (a ConfigError raised here).
        __tracebackhide__ = True
        self._settings: Settings = load_settings(base_url, app_key, secret_key)
        self._policy = RetryPolicy(retries=retries, backoff=backoff, max_delay=max_retry_delay)
        credentials = self._settings.credentials
        self._auth = M7Auth(credentials.app_key, credentials.secret_key)
        # Passed to the checks as the credentials, never as the bare secret: their frames are
        # in the traceback of a failed call, which test runners print with its arguments.
        self._credentials = credentials

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def app_key(self) -> str:
        return self._settings.credentials.app_key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, app_key={self.app_key!r})"

    @staticmethod
    def _body(
        name: str, supervisor: str, agent: str, action_id: str | None, extra: Mapping[str, Any]
    ) -> tuple[Operation, RequestBody]:
        operation = find_operation(name)
        return operation, operation.body(supervisor, agent, action_id, extra)

    def _transport_error(
        self, operation: Operation, attempt: int, exc: httpx.TransportError
    ) -> M7Error:
        log.debug("POST %s -> %s (%s)", operation.path, type(exc).__name__, self._tries(attempt))
        return error_for_transport(exc, credentials=self._credentials)

    def _check(
        self, operation: Operation, attempt: int, response: httpx.Response
    ) -> SuccessEnvelope:
        """Turn one attempt's response into the envelope, or raise its :class:`M7Error`."""
        parsed = parse(response)
        if log.isEnabledFor(logging.DEBUG):  # its arguments are not free: on every call
            log.debug(
                "POST %s -> %d (%s, request id %s)",
                operation.path,
                response.status_code,
                self._tries(attempt),
                request_id_of(response, parsed),
            )
        return success_or_raise(response, parsed, credentials=self._credentials)

    def _tries(self, attempt: int) -> str:
        return f"attempt {attempt}/{self._policy.retries + 1}"

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
        __tracebackhide__ = True  # it holds the secret (see _Core)
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
        )
        self._urls = _operation_urls(self._http)

    def listen(
        self,
        *,
        supervisor: str,
        agent: str,
        action_id: str | None = None,
        **fields: Unpack[ListenRequestFields],
    ) -> SuccessEnvelope:
        """监听 (vendor ``listen``): ``supervisor`` silently hears ``agent``'s call."""
        return self._send(*self._body("listen", supervisor, agent, action_id, fields))

    def whisper(
        self,
        *,
        supervisor: str,
        agent: str,
        action_id: str | None = None,
        **fields: Unpack[WhisperRequestFields],
    ) -> SuccessEnvelope:
        """耳语 (vendor ``whisper``): ``supervisor`` speaks to ``agent``; the customer does not hear."""
        return self._send(*self._body("whisper", supervisor, agent, action_id, fields))

    def barge(
        self,
        *,
        supervisor: str,
        agent: str,
        action_id: str | None = None,
        **fields: Unpack[LootCallRequestFields],
    ) -> SuccessEnvelope:
        """强插 (vendor ``lootCall``): ``supervisor`` joins ``agent``'s call as a three-way call."""
        return self._send(*self._body("barge", supervisor, agent, action_id, fields))

    def hangup(
        self,
        *,
        supervisor: str,
        agent: str,
        action_id: str | None = None,
        **fields: Unpack[HangupChannelRequestFields],
    ) -> SuccessEnvelope:
        """强拆 (vendor ``hangupChannel``): ``supervisor`` forcibly ends ``agent``'s call."""
        return self._send(*self._body("hangup", supervisor, agent, action_id, fields))

    def pickup(
        self,
        *,
        supervisor: str,
        agent: str,
        action_id: str | None = None,
        **fields: Unpack[PickupChannelRequestFields],
    ) -> SuccessEnvelope:
        """抢接 (vendor ``pickupChannel``): ``supervisor`` takes ``agent``'s call over; the agent is dropped."""
        return self._send(*self._body("pickup", supervisor, agent, action_id, fields))

    def send(self, body: RequestBody) -> SuccessEnvelope:
        """The action whose generated request model ``body`` is (``ListenRequest(...)``, ...)."""
        return self._send(operation_for(body), body)

    def _send(self, operation: Operation, body: RequestBody) -> SuccessEnvelope:
        payload = body.to_dict()
        attempt = 1
        while True:
            try:
                return self._attempt(operation, attempt, payload)
            except M7Error as error:
                delay = self._retry_delay(operation, error, attempt)
                if delay is None:
                    raise
            self._sleep(delay)
            attempt += 1

    def _attempt(
        self, operation: Operation, attempt: int, payload: dict[str, Any]
    ) -> SuccessEnvelope:
        try:
            url = self._urls.get(operation.path, operation.path)
            response = self._http.post(url, json=payload)
        except httpx.TransportError as exc:
            raise self._transport_error(operation, attempt, exc) from exc
        return self._check(operation, attempt, response)

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
        __tracebackhide__ = True  # it holds the secret (see _Core)
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
        )
        self._urls = _operation_urls(self._http)

    async def listen(
        self,
        *,
        supervisor: str,
        agent: str,
        action_id: str | None = None,
        **fields: Unpack[ListenRequestFields],
    ) -> SuccessEnvelope:
        """监听 (vendor ``listen``): ``supervisor`` silently hears ``agent``'s call."""
        return await self._send(*self._body("listen", supervisor, agent, action_id, fields))

    async def whisper(
        self,
        *,
        supervisor: str,
        agent: str,
        action_id: str | None = None,
        **fields: Unpack[WhisperRequestFields],
    ) -> SuccessEnvelope:
        """耳语 (vendor ``whisper``): ``supervisor`` speaks to ``agent``; the customer does not hear."""
        return await self._send(*self._body("whisper", supervisor, agent, action_id, fields))

    async def barge(
        self,
        *,
        supervisor: str,
        agent: str,
        action_id: str | None = None,
        **fields: Unpack[LootCallRequestFields],
    ) -> SuccessEnvelope:
        """强插 (vendor ``lootCall``): ``supervisor`` joins ``agent``'s call as a three-way call."""
        return await self._send(*self._body("barge", supervisor, agent, action_id, fields))

    async def hangup(
        self,
        *,
        supervisor: str,
        agent: str,
        action_id: str | None = None,
        **fields: Unpack[HangupChannelRequestFields],
    ) -> SuccessEnvelope:
        """强拆 (vendor ``hangupChannel``): ``supervisor`` forcibly ends ``agent``'s call."""
        return await self._send(*self._body("hangup", supervisor, agent, action_id, fields))

    async def pickup(
        self,
        *,
        supervisor: str,
        agent: str,
        action_id: str | None = None,
        **fields: Unpack[PickupChannelRequestFields],
    ) -> SuccessEnvelope:
        """抢接 (vendor ``pickupChannel``): ``supervisor`` takes ``agent``'s call over; the agent is dropped."""
        return await self._send(*self._body("pickup", supervisor, agent, action_id, fields))

    async def send(self, body: RequestBody) -> SuccessEnvelope:
        """The action whose generated request model ``body`` is (``ListenRequest(...)``, ...)."""
        return await self._send(operation_for(body), body)

    async def _send(self, operation: Operation, body: RequestBody) -> SuccessEnvelope:
        payload = body.to_dict()
        attempt = 1
        while True:
            try:
                return await self._attempt(operation, attempt, payload)
            except M7Error as error:
                delay = self._retry_delay(operation, error, attempt)
                if delay is None:
                    raise
            await self._sleep(delay)
            attempt += 1

    async def _attempt(
        self, operation: Operation, attempt: int, payload: dict[str, Any]
    ) -> SuccessEnvelope:
        try:
            url = self._urls.get(operation.path, operation.path)
            response = await self._http.post(url, json=payload)
        except httpx.TransportError as exc:
            raise self._transport_error(operation, attempt, exc) from exc
        return self._check(operation, attempt, response)

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
