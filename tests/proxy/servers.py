"""The other ends of the proxy, in this process: ASGI apps served by uvicorn on a thread, on
a port the system picked, and a fake vendor that answers wrongly on purpose.

The upstream of the proxy tests is a second mock with credentials of its own (so its journal
shows which app key signed what reached it), or ``fake_vendor``: an ASGI app whose answer
depends on the request's ``agentNumber``, each a planted disagreement with the document
(``PLANTED``), a slow answer (the 504 path), a broken one (the 502 path), or one that is
hard to read: nested too deeply to parse (``deep``), with more disagreements than are listed
(``many``), with ``data.request`` a string (``request-text``).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import uvicorn
from starlette.types import Receive, Scope, Send

__all__ = [
    "DEEP_ANSWER",
    "MANY_FIELDS",
    "PLANTED",
    "SLOW_SECONDS",
    "fake_vendor",
    "refusing_port",
    "serving",
]

#: Seconds the fake vendor takes for agent ``slow``.
SLOW_SECONDS: Final = 5.0
#: Agent ``deep``: a JSON answer nested far beyond any parser's recursion limit.
DEEP_ANSWER: Final = b'{"success": true, "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
#: Agent ``many``: this many undeclared fields (each one disagreement).
MANY_FIELDS: Final = 80


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` served on 127.0.0.1, on a port the system picked; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", loop="asyncio", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        assert server.started, "the in-thread server did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def refusing_port() -> Iterator[str]:
    """A base URL whose port refuses connections: bound (so no one else takes it), never
    listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def _success(body: dict[str, Any]) -> dict[str, Any]:
    """A success envelope the document accepts (the vendor's example's shape)."""
    return {
        "success": True,
        "code": "200",
        "message": "requestSuccess",
        "data": {
            "code": 200,
            "startTime": "2021-08-11 16:03:05.673",
            "endTime": "2021-08-11 16:03:05.755",
            "timezone": "UTC+8",
            "version": "2020102501",
            "request": {"requestId": "437783670040322048"},
            "response": {"data": {"mediaServer": "172.31.15.8:11100"}, "message": "ok"},
            "message": "call-api-server-ok",
        },
        "requestInfo": {
            "requestId": "8eef3e90fa7a11eb95011fe29e32d87e",
            "url": "/openapi/v1/call/listen",
            "body": body,
            "span": {"requestStartTime": 1628668985594, "reqEndTime": 1628668985759},
        },
        "actionId": body.get("actionId", "437783670040322048"),
    }


def _error(code: str, message: str) -> dict[str, Any]:
    return {"success": False, "code": code, "message": message, "requestId": "abc123"}


def _planted(agent: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The fake vendor's answer to ``agent``."""
    if agent == "extra":  # an undeclared field, an integer sent as a string
        answer = _success(body)
        answer["data"]["response"]["callUuid"] = "c-1"
        answer["data"]["code"] = "200"
        return 200, answer
    if agent == "code":  # a code no rule declares
        return 409, _error("40999", "agentNumber: the agent is in a meeting")
    if agent == "status":  # a status the operation does not declare
        return 418, _error("418", "I'm a teapot")
    if agent == "format":  # a media server that is not host:port
        answer = _success(body)
        answer["data"]["response"]["data"]["mediaServer"] = "media-7"
        return 200, answer
    if agent == "moved":  # a rule's code answered with another status than the rule's
        return 404, _error("40903", "agentNumber: no live call")
    if agent == "many":  # more undeclared fields than are listed of one answer
        answer = _success(body)
        answer.update({f"extra{n}": n for n in range(MANY_FIELDS)})
        return 200, answer
    if agent == "request-text":  # data.request a string, not the object the vendor shows
        answer = _success(body)
        answer["data"]["request"] = "not-an-object"
        return 200, answer
    return 200, _success(body)


#: What the fake vendor plants, by agent: (operation, status, kind, where) of each
#: disagreement the drift report must name.
PLANTED: Final = {
    "extra": {
        ("listen", 200, "undeclared-field", "body.data.response.callUuid"),
        ("listen", 200, "type", "body.data.code"),
    },
    "code": {("listen", 409, "undeclared-code", "body.code")},
    "status": {("listen", 418, "undeclared-status", "status")},
    "format": {("listen", 200, "format", "body.data.response.data.mediaServer")},
    "moved": {("listen", 404, "code-status", "body.code")},
}


async def fake_vendor(scope: Scope, receive: Receive, send: Send) -> None:
    """The fake vendor (an ASGI app): see the module."""
    assert scope["type"] == "http"
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = json.loads(b"".join(chunks) or b"{}")
    agent = body.get("agentNumber", "")
    if agent == "slow":
        await asyncio.sleep(SLOW_SECONDS)
    if agent == "trickle":  # each byte well within a read timeout, the whole answer not
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(int(SLOW_SECONDS / 0.2)):
            await send({"type": "http.response.body", "body": b" ", "more_body": True})
            await asyncio.sleep(0.2)
        await send({"type": "http.response.body", "body": b"{}"})
        return
    if agent == "broken":  # promises 1000 bytes, sends 10 and hangs up
        headers = [(b"content-type", b"application/json"), (b"content-length", b"1000")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"success"', "more_body": True})
        raise ConnectionAbortedError("the fake vendor breaks the answer on purpose")
    status, answer = _planted(agent, body)
    content = DEEP_ANSWER if agent == "deep" else json.dumps(answer).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
        (b"x-request-id", b"vendor-42"),
        (b"set-cookie", b"session=vendor-cookie"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})
