"""The outermost layer: the request's lifecycle, from its record to its journal entry.

It gives the request its id and its ``RequestRecord`` (headers decoded once for all later
layers), adds ``x-request-id`` and ``x-m7-mock-auth-mode`` to every response, turns any
exception that escaped the layers below into the 500 error envelope (the traceback goes to
the server log, never to the client; this is the only last-resort handler), and when the
request is over writes one access-log line and, for the vendor API (any path below its
prefix), a journal entry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from m7_call_monitor.signing import APPKEY_HEADER
from mock_server.http.access_log import AccessLog
from mock_server.http.envelope import send_error
from mock_server.http.faults import ConnectionDropped
from mock_server.http.record import DROP_EXTENSION, SCOPE_KEY, SERVER_STATUS_KEY, RequestRecord
from mock_server.model.defaults import (
    MAX_HEAD_BYTES,
    MAX_HEADER_COUNT,
    MAX_HEADER_VALUE_CHARS,
    MAX_URL_BYTES,
)
from mock_server.model.ids import new_request_id
from mock_server.model.journal import LONGEST_BODY, JournalEntry, JournalStore
from mock_server.model.outcome import Outcome
from mock_server.model.store_errors import StateStoreUnavailable

__all__ = ["VENDOR_PREFIX", "HeadLimits", "RequestLifecycle", "journal_entry", "journaled"]

logger = logging.getLogger("mock_server")

_REQUEST_ID: Final = b"x-request-id"
_AUTH_MODE: Final = b"x-m7-mock-auth-mode"
#: The vendor API's prefix: the journal records every request below it.
VENDOR_PREFIX: Final = "/openapi/"


@dataclass(frozen=True, slots=True)
class HeadLimits:
    """What a request head may hold (the server refuses most of it before the app sees it;
    this check is the same rule for any server, and for in-process clients)."""

    max_head_bytes: int = MAX_HEAD_BYTES
    max_header_count: int = MAX_HEADER_COUNT
    max_header_value_chars: int = MAX_HEADER_VALUE_CHARS
    max_url_bytes: int = MAX_URL_BYTES


def head_problem(scope: Scope, limits: HeadLimits) -> tuple[int, str] | None:
    """The status and message refusing this request's head, or ``None`` when it is fine."""
    headers = scope["headers"]
    target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope["query_string"])
    if target > limits.max_url_bytes:
        return 414, f"url: longer than {limits.max_url_bytes} bytes"
    if len(headers) > limits.max_header_count:
        return 431, f"headers: more than {limits.max_header_count}"
    size = target
    for name, value in headers:
        if len(value) > limits.max_header_value_chars:
            shown = name.decode("latin-1")[:64]
            return 431, f"{shown}: longer than {limits.max_header_value_chars} characters"
        size += len(name) + len(value) + 4
    if size > limits.max_head_bytes:
        return 431, f"headers: larger than {limits.max_head_bytes} bytes"
    return None


def journaled(
    path: str, operations: Mapping[str, str], headers: Mapping[str, str], admin_prefix: str
) -> bool:
    """Whether a request to ``path`` goes in the journal: what a client sent to the vendor
    API, its operations' paths (``operations``: path -> operationId) and any other path below
    its prefix (``/openapi/v1/call/transfer``: a client's typo), and a request signed for the
    vendor API anywhere else (``/v1/call/listen``: a client's wrong base URL). Never a
    browser's visit (the start page, the guides, the documents, the Swagger UIs, the console,
    ``/favicon.ico``) nor the admin API."""
    if path in operations or path.startswith(VENDOR_PREFIX):
        return True
    return APPKEY_HEADER in headers and not path.startswith(admin_prefix)


def journal_entry(
    record: RequestRecord,
    *,
    operation: str | None = None,
    response_body: bytes | None = None,
    status: int | None = None,
    time: float | None = None,
) -> JournalEntry:
    """The journal entry of ``record`` as it stands (its status once the answer started), or
    with the ``status`` of an answer not sent yet (a handler's, for a shared store); its
    ``time`` is its arrival on the account's clock (the real time by default)."""
    return JournalEntry(
        time=record.started if time is None else time,
        request_id=record.request_id,
        method=record.method,
        path=record.path,
        status=status if status is not None else record.status,
        outcome=record.outcome,
        app_key=record.app_key,
        headers=record.headers,
        body=record.body,
        response_body=response_body,
        operation=operation,
    )


class RequestLifecycle:
    """Creates the ``RequestRecord``; stamps, logs and journals every response."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        journal_of: Callable[[RequestRecord], JournalStore],
        arrival_of: Callable[[RequestRecord], float] | None = None,
        access_log: AccessLog,
        clock: Callable[[], float],
        auth_mode: str,
        admin_prefix: str,
        head_limits: HeadLimits | None = None,
        operations: Mapping[str, str] | None = None,
    ) -> None:
        self.app = app
        self._operations = operations or {}  # path -> operationId, for the journal
        self._journal_of = journal_of
        #: When a request came, on its account's clock (the journal's time).
        self._arrival_of = arrival_of
        self._access_log = access_log
        self._clock = clock
        self._admin_prefix = admin_prefix
        self._auth_mode = auth_mode.encode()
        self._head_limits = head_limits or HeadLimits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord(
            request_id=new_request_id(),
            method=scope["method"],
            path=scope["path"],
            # HTTP's optional whitespace around a value is not part of it (both sides alike).
            headers={
                name.decode("latin-1"): value.decode("latin-1").strip(" \t")
                for name, value in scope["headers"]
            },
            started=self._clock(),
            drop=scope.get("extensions", {}).get(DROP_EXTENSION),
            query_string=scope.get("query_string", b""),
        )
        scope[SCOPE_KEY] = record
        started = time.perf_counter()
        stamp = [(_REQUEST_ID, record.request_id.encode()), (_AUTH_MODE, self._auth_mode)]
        recorded = journaled(record.path, self._operations, record.headers, self._admin_prefix)
        # The response body for the journal: no more than the journal shows of it.
        response_body = bytearray() if recorded else None

        async def stamped_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
                message["headers"] = [*message.get("headers", ()), *stamp]
            elif response_body is not None and message["type"] == "http.response.body":
                room = LONGEST_BODY + 1 - len(response_body)
                if room > 0:
                    response_body.extend(message.get("body", b"")[:room])
            await send(message)

        try:
            problem = head_problem(scope, self._head_limits)
            if problem is None:
                await self.app(scope, receive, stamped_send)
            else:
                status, message = problem
                await send_error(
                    stamped_send, record, status, message, outcome=Outcome.status(status)
                )
        except ConnectionDropped:
            raise
        except StateStoreUnavailable as exc:
            # Redis lost: nothing was accepted without its check; the client may retry.
            logger.warning("%s %s: %s", record.method, record.path, exc)
            if record.status is not None:
                raise
            await send_error(
                stamped_send,
                record,
                503,
                str(exc),
                outcome=Outcome.STATE_DOWN,
                headers=[(b"retry-after", b"1")],
            )
        except Exception as exc:
            logger.error("unhandled error on %s %s", record.method, record.path, exc_info=exc)
            if record.status is not None:
                raise  # the response has started: only closing the connection is left
            await send_error(
                stamped_send, record, 500, "internal error", outcome=Outcome.status(500)
            )
        finally:
            if record.status is None and (answered := scope.get(SERVER_STATUS_KEY)):
                record.status, record.outcome = answered, Outcome.status(answered)
            if self._access_log.enabled:
                self._access_log.write(record, (time.perf_counter() - started) * 1000)
            try:
                if response_body is not None and not record.journaled:
                    await self._record(record, bytes(response_body))
            finally:
                if record.release is not None:
                    record.release()

    async def _record(self, record: RequestRecord, response_body: bytes) -> None:
        entry = journal_entry(
            record,
            operation=self._operations.get(record.path),
            response_body=response_body if record.status is not None else None,
            time=self._arrival_of(record) if self._arrival_of is not None else None,
        )
        try:
            await self._journal_of(record).record(entry)
        except StateStoreUnavailable as exc:  # the answer is sent; only the entry is lost
            logger.warning("journal entry of %s not recorded: %s", record.request_id, exc)
