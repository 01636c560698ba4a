"""Helpers of the mock's HTTP tests: a settable clock, signing, the documents' examples, and a
client into an app that checks every response against the documents.

Every response a test receives through ``client_for`` is validated against the schema the
document declares for its operation and status (the ErrorEnvelope for statuses an operation
does not declare, such as a 404 or a 405), and must be ``application/json``: a test cannot
forget to check the shape.

(A module of its own rather than the conftest: pytest may load a conftest under another
module name than an import does.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from m7_call_monitor.signing import sign
from mock_server.app import MockApp
from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET
from tests.support import document as doc
from tests.support.nonces import next_nonce

BASE_URL = "http://127.0.0.1:4010"
ADMIN = doc.OPENAPI / "mock-admin.yaml"
#: A non-loopback bind, for the admin guard's tests (nothing is bound in process).
ALL_INTERFACES = "0.0.0.0"  # noqa: S104

VENDOR_PATHS = {url: op["operationId"] for url, _, op in doc.operations()}


def signed(
    clock: Callable[[], float],
    *,
    app_key: str = DEMO_APP_KEY,
    secret: str = DEMO_SECRET,
    timestamp: str | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The four ``m7-*`` headers, signed now (by ``clock``) with a fresh nonce."""
    timestamp = timestamp if timestamp is not None else str(int(clock()))
    nonce = nonce if nonce is not None else next_nonce()
    return {
        "m7-appkey": app_key,
        "m7-nonce": nonce,
        "m7-timestamp": timestamp,
        "m7-sign": sign(app_key, secret, timestamp, nonce),
    }


def vendor_example(operation_id: str) -> dict[str, Any]:
    """The request example of an operation, from the document."""
    for _, _, operation in doc.operations():
        if operation["operationId"] == operation_id:
            media = operation["requestBody"]["content"]["application/json"]
            value: dict[str, Any] = dict(media["examples"]["vendor"]["value"])
            return value
    raise KeyError(operation_id)


# --- checking every response against the documents ---------------------------------------


def _admin_templates() -> list[tuple[re.Pattern[str], str, str]]:
    templates = []
    for url, method, operation in doc.operations(ADMIN):
        pattern = re.compile("^/__mock" + re.sub(r"\{[^}]+\}", "[^/]+", url) + "$")
        templates.append((pattern, method.upper(), operation["operationId"]))
    return templates


_ADMIN_TEMPLATES = _admin_templates()
#: Documentation and the browser pages (HTML, scripts, styles): no JSON schema to match.
_DOCS = re.compile(
    r"^(/__mock)?/(ui(/.*)?|openapi\.(json|yaml))$|^/__mock/((console|assets)(/.*)?)?$"
)
#: The start page and the guides (``mock_server/http/landing.py``): pages when they exist.
_PAGES = re.compile(r"^/(docs/.+)?$")


def _schema_for(method: str, path: str, status: int) -> tuple[Any, Path] | None:
    """The schema (and its document) a response must match; None for documentation."""
    if _DOCS.match(path) or (status == 200 and _PAGES.match(path)):
        return None
    if path.startswith("/__mock/"):
        for pattern, verb, operation_id in _ADMIN_TEMPLATES:
            if pattern.match(path) and verb == method:
                try:
                    return doc.response_schema(operation_id, status, ADMIN), ADMIN
                except KeyError:
                    break
        return "#/components/schemas/ErrorEnvelope", ADMIN
    vendor_operation = VENDOR_PATHS.get(path)
    if vendor_operation is not None and method == "POST":
        try:
            return doc.response_schema(vendor_operation, status), doc.CALL_MONITOR
        except KeyError:
            pass
    return "#/components/schemas/ErrorEnvelope", doc.CALL_MONITOR


async def check_response(response: httpx.Response) -> None:
    """Fail unless the response is JSON matching the document for its operation and status."""
    await response.aread()
    request = response.request
    if response.status_code == 204:
        assert not response.content
        return
    found = _schema_for(request.method, request.url.path, response.status_code)
    if found is None:
        return
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith("application/json"), (content_type, response.text)
    schema, document = found
    problems = doc.errors_of(response.json(), schema, document)
    assert not problems, (
        f"{request.method} {request.url.path} -> {response.status_code}: {problems}"
    )


def client_for(app: MockApp) -> httpx.AsyncClient:
    """An in-process client into ``app`` that checks every response against the documents."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE_URL,
        event_hooks={"response": [check_response]},
    )
