"""The contract suite's client: signed requests to any deployment, every answer checked, and
the limits that make the suite end on a target that hangs.

Used by the checks (``m7_contract/checks``, whose ``conftest.py`` picks the target, stops the
session once ``Contract.stop_reason`` is set and prints the summary); kept here so that the
check modules import it from a module rather than from a conftest.

A deployment can hang instead of answering (``prism mock`` never answers malformed JSON). So
every request has a short timeout and the suite a total time budget, and after a few requests
without an answer ``Contract`` stops sending: every later request fails at once with the
reason, which names what the target did (Hypothesis would otherwise go on shrinking, each
attempt waiting for its timeout).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from m7_call_monitor.signing import NonceSource, signed_headers
from m7_contract.conformance import expect_conforming
from m7_contract.document import AGENT_FIELD, operation_path, supervisor_field

__all__ = [
    "DEMO",
    "PROBE_AGENT",
    "PROBE_SUPERVISOR",
    "Contract",
    "ContractConfigError",
    "Limits",
    "Target",
    "TargetUnresponsive",
    "base_url_problem",
    "limits_from_environment",
    "target_from_environment",
]

#: Agent numbers no deployment has (valid for the document's AgentNumber pattern).
PROBE_SUPERVISOR = "m7-contract-probe-s"
PROBE_AGENT = "m7-contract-probe-a"
DEMO = {"app_key": "2100147", "secret_key": "m7-demo-secret", "supervisor": "2002", "agent": "9527"}


class ContractConfigError(ValueError):
    """The environment names no usable target or limits; the message says which variable."""


class TargetUnresponsive(Exception):
    """A request got no answer, or the suite has stopped sending (``Contract.stop_reason``)."""


@dataclass(frozen=True)
class Target:
    """Where the suite sends its requests, with what credentials, acting on whom."""

    base_url: str
    app_key: str
    secret_key: str = field(repr=False)
    supervisor: str | None
    agent: str | None
    is_local_mock: bool


@dataclass(frozen=True)
class Limits:
    """How long the suite may wait: per request, in all, and for how many lost requests."""

    #: Seconds one request may take (M7_CONTRACT_TIMEOUT).
    timeout: float = 5.0
    #: Seconds the whole suite may take from its first request (M7_CONTRACT_BUDGET).
    budget: float = 240.0
    #: Requests without an answer (timeouts, refused connections) after which the suite
    #: stops (M7_CONTRACT_MAX_TIMEOUTS).
    max_timeouts: int = 3


def _positive(variable: str, kind: type[float] | type[int]) -> float | int | None:
    text = os.environ.get(variable, "").strip()
    if not text:
        return None
    try:
        value = kind(text)
    except ValueError:
        value = 0
    if not value > 0:
        what = "a whole number" if kind is int else "a number of seconds"
        raise ContractConfigError(f"{variable}={text!r}: must be {what} above 0")
    return value


def limits_from_environment() -> Limits:
    """``Limits`` with the values the environment sets; ``ContractConfigError`` if one is bad."""
    defaults = Limits()
    timeout = _positive("M7_CONTRACT_TIMEOUT", float)
    budget = _positive("M7_CONTRACT_BUDGET", float)
    max_timeouts = _positive("M7_CONTRACT_MAX_TIMEOUTS", int)
    return Limits(
        timeout=defaults.timeout if timeout is None else float(timeout),
        budget=defaults.budget if budget is None else float(budget),
        max_timeouts=defaults.max_timeouts if max_timeouts is None else int(max_timeouts),
    )


def base_url_problem(base_url: str) -> str | None:
    """Why ``base_url`` cannot be the target, or ``None``. A URL carrying credentials
    (``user:password@``) is refused, never shown: the target's URL is printed."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// URL with a host"
    if parts.username is not None or parts.password is not None:
        return (
            "must not carry credentials (user:password@...): the suite signs its requests "
            "with M7_APP_KEY and M7_SECRET_KEY"
        )
    return None


def target_from_environment() -> Target | None:
    """The deployment M7_CONTRACT_BASE_URL names, or ``None`` (the suite starts the mock).

    ``ContractConfigError`` when its credentials are missing: one error for the session,
    never one per test.
    """
    base_url = os.environ.get("M7_CONTRACT_BASE_URL", "").strip()
    if not base_url:
        return None
    problem = base_url_problem(base_url)
    if problem:
        raise ContractConfigError(f"M7_CONTRACT_BASE_URL: {problem}")
    app_key = os.environ.get("M7_APP_KEY", "").strip()
    secret_key = os.environ.get("M7_SECRET_KEY", "")
    missing = [n for n, v in (("M7_APP_KEY", app_key), ("M7_SECRET_KEY", secret_key)) if not v]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise ContractConfigError(
            f"the target is {base_url} but {' and '.join(missing)} {verb} not "
            "set: pass the account's credentials, e.g. "
            "M7_APP_KEY=... M7_SECRET_KEY=... m7-contract --base-url ..."
        )
    try:
        secret_key.encode("utf-8")
    except UnicodeEncodeError:  # a byte the shell held that is no text: never echoed
        raise ContractConfigError(
            "M7_SECRET_KEY: not text (a byte that is not UTF-8); it is not shown here"
        ) from None
    return Target(
        base_url=base_url.rstrip("/"),
        app_key=app_key,
        secret_key=secret_key,
        supervisor=os.environ.get("M7_CONTRACT_SUPERVISOR") or None,
        agent=os.environ.get("M7_CONTRACT_AGENT") or None,
        is_local_mock=False,
    )


def _describe(operation: str, content: bytes) -> str:
    """What was sent, for a message: the operation and the kind of body (never a header)."""
    if not content:
        kind = "an empty body"
    else:
        try:
            json.loads(content)
            kind = "a JSON body"
        except ValueError:
            kind = "malformed JSON"
    return f"POST {operation_path(operation)} with {kind} {content[:60]!r}"


class Contract:
    """Signed requests to the target; every answer is checked against the document first."""

    def __init__(
        self,
        target: Target,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.target = target
        self.limits = limits or Limits()
        self._http = httpx.Client(base_url=target.base_url, timeout=self.limits.timeout)
        self._nonces = NonceSource()
        self._clock = clock
        self._deadline = clock() + self.limits.budget
        #: Each request that got no answer: what was sent and what happened.
        self.unanswered: list[str] = []
        #: Why the suite stopped sending, once it has; ``None`` while it goes on.
        self.stop_reason: str | None = None

    def close(self) -> None:
        self._http.close()

    def headers(self, *, at: int | None = None) -> dict[str, str]:
        """The four ``m7-*`` headers, freshly signed (``at``: another timestamp)."""
        now = time.time() if at is None else at
        return signed_headers(
            self.target.app_key, self.target.secret_key, clock=lambda: now, nonces=self._nonces
        )

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
        """POST, then check the status is declared and the body matches its schema.

        ``TargetUnresponsive`` when no answer came, or when the suite has stopped sending.
        """
        content = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        if self.stop_reason is None and self._clock() > self._deadline:
            self.stop_reason = (
                f"the time budget of {self.limits.budget:g} s (M7_CONTRACT_BUDGET) is spent"
            )
        if self.stop_reason is not None:
            raise TargetUnresponsive(f"not sent, the suite has stopped: {self.stop_reason}")
        try:
            response = self._http.post(
                operation_path(operation),
                content=content,
                headers={
                    "content-type": content_type,
                    **(self.headers() if headers is None else headers),
                },
            )
        except httpx.TransportError as exc:
            raise TargetUnresponsive(self._unanswered(operation, content, exc)) from None
        envelope = expect_conforming(operation, response.status_code, response.content)
        return response, envelope

    def _unanswered(self, operation: str, content: bytes, exc: httpx.TransportError) -> str:
        """Record a request without an answer, stop at the limit; the message for the test."""
        if isinstance(exc, httpx.TimeoutException):
            what = f"no answer within {self.limits.timeout:g} s (M7_CONTRACT_TIMEOUT)"
        else:
            what = f"no answer: {type(exc).__name__} {exc}"
        self.unanswered.append(f"{_describe(operation, content)}: {what}")
        if len(self.unanswered) >= self.limits.max_timeouts:
            self.stop_reason = (
                f"the target at {self.target.base_url} left {len(self.unanswered)} requests "
                f"unanswered (M7_CONTRACT_MAX_TIMEOUTS={self.limits.max_timeouts})"
            )
        return self.unanswered[-1]
