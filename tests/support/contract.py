"""The contract suite's client: signed requests to any deployment, every answer checked.

Used by ``tests/contract`` (whose ``conftest.py`` picks the target); kept here so that the
test modules import it from a module rather than from a conftest.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.support.conformance import expect_conforming
from tests.support.document import AGENT_FIELD, operation_path, supervisor_field
from tests.support.nonces import next_nonce
from tests.support.strategies import signed_headers

__all__ = [
    "DEMO",
    "PROBE_AGENT",
    "PROBE_SUPERVISOR",
    "Contract",
    "Target",
    "target_from_environment",
]

#: Agent numbers no deployment has (valid for the document's AgentNumber pattern).
PROBE_SUPERVISOR = "m7-contract-probe-s"
PROBE_AGENT = "m7-contract-probe-a"
DEMO = {"app_key": "2100147", "secret_key": "m7-demo-secret", "supervisor": "2002", "agent": "9527"}


@dataclass(frozen=True)
class Target:
    """Where the suite sends its requests, with what credentials, acting on whom."""

    base_url: str
    app_key: str
    secret_key: str = field(repr=False)
    supervisor: str | None
    agent: str | None
    is_local_mock: bool


def target_from_environment() -> Target | None:
    base_url = os.environ.get("M7_CONTRACT_BASE_URL", "").strip()
    if not base_url:
        return None
    app_key = os.environ.get("M7_APP_KEY", "").strip()
    secret_key = os.environ.get("M7_SECRET_KEY", "")
    missing = [n for n, v in (("M7_APP_KEY", app_key), ("M7_SECRET_KEY", secret_key)) if not v]
    if missing:
        pytest.fail(
            f"the contract suite targets {base_url} but {' and '.join(missing)} "
            "is not set: pass the account's credentials, e.g. "
            "make contract BASE_URL=... M7_APP_KEY=... M7_SECRET_KEY=...",
            pytrace=False,
        )
    return Target(
        base_url=base_url.rstrip("/"),
        app_key=app_key,
        secret_key=secret_key,
        supervisor=os.environ.get("M7_CONTRACT_SUPERVISOR") or None,
        agent=os.environ.get("M7_CONTRACT_AGENT") or None,
        is_local_mock=False,
    )


class Contract:
    """Signed requests to the target; every answer is checked against the document first."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._http = httpx.Client(base_url=target.base_url, timeout=15.0)

    def close(self) -> None:
        self._http.close()

    def headers(self, *, at: int | None = None) -> dict[str, str]:
        """The four ``m7-*`` headers, freshly signed (``at``: another timestamp)."""
        now = int(time.time()) if at is None else at
        return signed_headers(self.target.app_key, self.target.secret_key, now, next_nonce())

    def probe(self, operation: str) -> dict[str, Any]:
        """A valid body naming nobody: harmless on any deployment."""
        return {supervisor_field(operation): PROBE_SUPERVISOR, AGENT_FIELD: PROBE_AGENT}

    def post(
        self,
        operation: str,
        body: bytes | dict[str, Any],
        headers: dict[str, str] | None = None,
        *,
        content_type: str = "application/json",
    ) -> tuple[httpx.Response, Any]:
        """POST, then check the status is declared and the body matches its schema."""
        content = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        response = self._http.post(
            operation_path(operation),
            content=content,
            headers={
                "content-type": content_type,
                **(self.headers() if headers is None else headers),
            },
        )
        envelope = expect_conforming(operation, response.status_code, response.content)
        return response, envelope
