"""The outermost layer: one request context per request, and what every response carries.

It gives the request its id, decodes the headers once for all later layers, adds
``x-request-id`` and ``x-m7-mock-auth-mode`` to every response, turns any exception that
escaped the layers below into the 500 error envelope (the traceback goes to the server log,
never to the client), and when the request is over writes one access-log line and a journal
entry.
"""

from __future__ import annotations

import logging
import time
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.access_log import AccessLog
from mock_server.context import SCOPE_KEY, RequestContext
from mock_server.envelope import error_body, send_json
from mock_server.faults import ConnectionDropped
from mock_server.ids import new_request_id
from mock_server.state import MockState

__all__ = ["Transport"]

logger = logging.getLogger("mock_server")

_REQUEST_ID: Final = b"x-request-id"
_AUTH_MODE: Final = b"x-m7-mock-auth-mode"


class Transport:
    """Creates the ``RequestContext``; stamps, logs and journals every response."""

    def __init__(self, app: ASGIApp, *, state: MockState, access_log: AccessLog) -> None:
        self.app = app
        self._state = state
        self._access_log = access_log
        self._auth_mode = state.settings.auth_mode.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = self._state
        context = RequestContext(
            state=state,
            request_id=new_request_id(),
            method=scope["method"],
            path=scope["path"],
            headers={
                name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
            },
            started=state.settings.clock(),
            raw_send=send,
        )
        scope[SCOPE_KEY] = context
        started = time.perf_counter()
        stamp = [(_REQUEST_ID, context.request_id.encode()), (_AUTH_MODE, self._auth_mode)]

        async def stamped_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                context.status = message["status"]
                message["headers"] = [*message.get("headers", ()), *stamp]
            await send(message)

        try:
            await self.app(scope, receive, stamped_send)
        except ConnectionDropped:
            raise
        except Exception as exc:
            logger.error("unhandled error on %s %s", context.method, context.path, exc_info=exc)
            if context.status is not None:
                raise  # the response has started: only closing the connection is left
            context.outcome = "500"
            await send_json(
                stamped_send, 500, error_body("500", "internal error", context.request_id)
            )
        finally:
            if self._access_log.enabled:
                self._access_log.write(context, (time.perf_counter() - started) * 1000)
            if state.journal.wants(context.path):
                state.journal.record(context)
