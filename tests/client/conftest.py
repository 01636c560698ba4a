"""An in-process stand-in for the vendor, for the client's tests.

A small Starlette app that checks the vendor's signature with
``m7_call_monitor.signing.signature_matches`` (timestamp window and replay included),
validates bodies like the document, and answers with the document's own vendor
examples. Tests can script the next responses (a 503, an HTML 502, ...) to produce every
kind of failure from a real HTTP response. It is served through ``httpx.ASGITransport``
(async) or a small sync adapter, passed to the client with ``transport=``.
"""

from __future__ import annotations

import copy
import json
import re
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from m7_call_monitor import AsyncCallMonitor, CallMonitor
from m7_call_monitor.signing import (
    APPKEY_HEADER,
    MAX_CLOCK_SKEW_SECONDS,
    NONCE_HEADER,
    SIGN_HEADER,
    TIMESTAMP_HEADER,
    is_valid_nonce,
    is_valid_timestamp,
    signature_matches,
)
from tests.support.clock import Sleeps
from tests.support.document import SUPERVISOR_FIELDS
from tests.support.sync_asgi import SyncOverAsync

DOCUMENT = Path(__file__).resolve().parents[2] / "openapi" / "call-monitor.yaml"
BASE_URL = "http://m7.test"
APP_KEY = "2000103"
# Distinctive, so a leak is easy to spot in any text.
SECRET = "HWHp9xFVlbboxIU2S6DHA7sf9sGzt3-test-secret"

_AGENT = re.compile(r"^[0-9A-Za-z_.@-]{1,32}$")


def _vendor_examples() -> dict[str, dict[str, Any]]:
    """The success examples of the document, by operation."""
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    examples = document["components"]["examples"]
    return {op: examples[f"{op[0].upper()}{op[1:]}Success"]["value"] for op in SUPERVISOR_FIELDS}


VENDOR_EXAMPLES = _vendor_examples()


def envelope(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    """A failure body shaped like the document's ErrorEnvelope."""
    body = {"success": False, "code": code, "message": message, "requestId": uuid.uuid4().hex}
    return JSONResponse({**body, **extra}, status_code=status)


@dataclass
class Scripted:
    """A canned response for the next request that passes authentication."""

    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def render(self) -> Response:
        if isinstance(self.body, str):
            return Response(self.body, self.status, self.headers, media_type=self.content_type)
        return JSONResponse(self.body, self.status, self.headers)


@dataclass
class Seen:
    """One request as the fake vendor received it."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def nonce(self) -> str:
        return self.headers.get(NONCE_HEADER, "")

    @property
    def sign(self) -> str:
        return self.headers.get(SIGN_HEADER, "")

    def json(self) -> Any:
        return json.loads(self.body)


class FakeVendor:
    """The fake V7 gateway: authentication, validation, then a scripted or example answer.

    ``base_url``, ``app_key`` and ``secret`` are the account the tests' clients use.
    """

    base_url = BASE_URL
    app_key = APP_KEY
    secret = SECRET
    examples = VENDOR_EXAMPLES
    supervisor_fields = SUPERVISOR_FIELDS

    def __init__(self) -> None:
        self.accounts = {APP_KEY: SECRET}
        self.requests: list[Seen] = []
        self.replays: set[tuple[str, str]] = set()
        self.script: deque[Scripted] = deque()
        self.app = Starlette(
            routes=[
                Route("/openapi/v1/call/{operation}", self.call, methods=["POST"]),
                Route("/{path:path}", self.not_found, methods=["GET", "POST", "PUT", "DELETE"]),
            ]
        )

    def then(
        self,
        status: int,
        body: dict[str, Any] | str,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        """Answer the next authenticated request with this response."""
        self.script.append(Scripted(status, body, headers or {}, content_type))

    def then_error(self, status: int, code: str, message: str, **extra: Any) -> None:
        self.then(
            status,
            {
                "success": False,
                "code": code,
                "message": message,
                "requestId": uuid.uuid4().hex,
                **extra,
            },
        )

    # -- transports ---------------------------------------------------------------------

    def async_transport(self) -> httpx.AsyncBaseTransport:
        return httpx.ASGITransport(app=self.app)

    def sync_transport(self) -> httpx.BaseTransport:
        return SyncOverAsync(self.async_transport())

    # -- the gateway --------------------------------------------------------------------

    async def not_found(self, request: Request) -> Response:
        return envelope(404, "404", f"no such path {request.url.path}")

    async def call(self, request: Request) -> Response:
        raw = await request.body()
        self.requests.append(Seen(request.url.path, dict(request.headers), raw))
        refused = self._authenticate(request)
        if refused is not None:
            return refused
        if self.script:
            return self.script.popleft().render()
        operation = request.path_params["operation"]
        if operation not in SUPERVISOR_FIELDS:
            return envelope(404, "404", f"no such path {request.url.path}")
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            return envelope(415, "415", "content-type: expected application/json")
        try:
            body = json.loads(raw)
        except ValueError:
            return envelope(400, "400", "body: malformed JSON")
        return self._act(operation, body)

    def _authenticate(self, request: Request) -> Response | None:
        h = request.headers
        app_key, nonce = h.get(APPKEY_HEADER, ""), h.get(NONCE_HEADER, "")
        timestamp, sign = h.get(TIMESTAMP_HEADER, ""), h.get(SIGN_HEADER, "")
        if not is_valid_nonce(nonce):
            return envelope(401, "401", f"{NONCE_HEADER}: not 6 digits")
        if not is_valid_timestamp(timestamp):
            return envelope(401, "401", f"{TIMESTAMP_HEADER}: not 10 digits")
        if abs(int(timestamp) - time.time()) > MAX_CLOCK_SKEW_SECONDS:
            return envelope(
                401, "401", f"{TIMESTAMP_HEADER}: more than 300 s from the server clock"
            )
        secret = self.accounts.get(app_key)
        if secret is None:
            return envelope(401, "401", f"{APPKEY_HEADER}: unknown app key")
        if not signature_matches(app_key, secret, timestamp, nonce, sign):
            return envelope(401, "401", f"{SIGN_HEADER}: signature does not match")
        if (sign, nonce) in self.replays:
            return envelope(401, "401", f"{SIGN_HEADER}: replayed request")
        self.replays.add((sign, nonce))
        return None

    def _act(self, operation: str, body: Any) -> Response:
        supervisor_field = SUPERVISOR_FIELDS[operation]
        if not isinstance(body, dict):
            return envelope(400, "400", "body: not an object")
        errors = [
            {"field": f"body.{name}", "message": f"'{name}' is a required property"}
            for name in (supervisor_field, "agentNumber")
            if name not in body
        ]
        errors += [
            {"field": f"body.{name}", "message": f"{body[name]!r} is not a valid agent number"}
            for name in (supervisor_field, "agentNumber")
            if name in body and not (isinstance(body[name], str) and _AGENT.match(body[name]))
        ]
        action_id = body.get("actionId")
        if action_id is not None and len(action_id) > 40:
            errors.append({"field": "body.actionId", "message": "too long (at most 40 characters)"})
        errors += [
            {"field": f"body.{name}", "message": "unknown field"}
            for name in body
            if name not in (supervisor_field, "agentNumber", "actionId")
        ]
        extra = {"actionId": action_id} if isinstance(action_id, str) else {}
        if errors:
            message = f"request body is invalid: {len(errors)} violations"
            return envelope(400, "400", message, errors=errors, **extra)
        if body[supervisor_field] == body["agentNumber"]:
            message = f"{supervisor_field}: supervisor and agent are the same agent"
            return envelope(400, "40001", message, **extra)
        answer = copy.deepcopy(VENDOR_EXAMPLES[operation])
        answer["requestInfo"]["body"] = body
        answer["requestInfo"]["requestId"] = uuid.uuid4().hex
        answer["actionId"] = action_id or answer["data"]["request"]["requestId"]
        return JSONResponse(answer)


@pytest.fixture
def vendor() -> FakeVendor:
    return FakeVendor()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture(autouse=True)
def _no_m7_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests configure the client explicitly unless they set the environment themselves."""
    for name in ("M7_BASE_URL", "M7_APP_KEY", "M7_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make_vendor_monitor(vendor: FakeVendor, sleeps: Sleeps) -> Iterator[Callable[..., CallMonitor]]:
    """CallMonitor factory: the fake vendor's account and transport unless overridden."""
    made: list[CallMonitor] = []

    def make(**options: Any) -> CallMonitor:
        settings: dict[str, Any] = {
            "base_url": BASE_URL,
            "app_key": APP_KEY,
            "secret_key": SECRET,
            "transport": vendor.sync_transport(),
            "sleep": sleeps.sleep,
        }
        made.append(CallMonitor(**{**settings, **options}))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture
async def make_async_vendor_monitor(
    vendor: FakeVendor, sleeps: Sleeps
) -> AsyncIterator[Callable[..., AsyncCallMonitor]]:
    """AsyncCallMonitor factory, as ``make_vendor_monitor``."""
    made: list[AsyncCallMonitor] = []

    def make(**options: Any) -> AsyncCallMonitor:
        settings: dict[str, Any] = {
            "base_url": BASE_URL,
            "app_key": APP_KEY,
            "secret_key": SECRET,
            "transport": vendor.async_transport(),
            "sleep": sleeps.asleep,
        }
        made.append(AsyncCallMonitor(**{**settings, **options}))
        return made[-1]

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def vendor_monitor(make_vendor_monitor: Callable[..., CallMonitor]) -> CallMonitor:
    return make_vendor_monitor()


@pytest.fixture
def async_vendor_monitor(
    make_async_vendor_monitor: Callable[..., AsyncCallMonitor],
) -> AsyncCallMonitor:
    return make_async_vendor_monitor()
