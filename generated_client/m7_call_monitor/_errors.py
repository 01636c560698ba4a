"""One shallow hierarchy of errors, rooted in :class:`M7Error`.

A caller catches ``M7Error`` for "the supervisor action did not succeed", or one subclass
to react to one kind of failure: fix the credentials (:class:`AuthError`), fix the request
(:class:`RequestError`), tell the supervisor the call is not in a state that allows the
action (:class:`CallStateError`), wait (:class:`RateLimited`), or report the incident
(:class:`ServerError`, :class:`TransportError`). Texts never contain the secret key.
"""

from __future__ import annotations

from collections.abc import Sequence

from m7_openapi.models import FieldError

__all__ = [
    "AuthError",
    "CallStateError",
    "ConfigError",
    "M7Error",
    "RateLimited",
    "RequestError",
    "ServerError",
    "TransportError",
]


class M7Error(Exception):
    """A supervisor action that did not succeed, with what the server said about it.

    ``status`` is the HTTP status, ``code`` the envelope's code ("401", "40903", ...),
    ``request_id`` the id to quote when reporting a problem, ``errors`` every field
    violation the server listed, ``retry_after`` the seconds the server asked to wait.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        action_id: str | None = None,
        errors: Sequence[FieldError] = (),
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.action_id = action_id
        self.errors: tuple[FieldError, ...] = tuple(errors)
        self.retry_after = retry_after

    @property
    def violations(self) -> list[str]:
        """Each field violation as ``field: message``
        (``body.actionId: … is longer than 40 characters``), in the server's order."""
        return [f"{e.field}: {e.message}" if e.field else e.message for e in self.errors]

    def __str__(self) -> str:
        text = f"{self.code}: {self.message}" if self.code else self.message
        if self.errors:
            text = f"{text}: {'; '.join(self.violations)}"
        details = [f"HTTP {self.status}"] if self.status is not None else []
        if self.request_id:
            details.append(f"request id {self.request_id}")
        return f"{text} ({', '.join(details)})" if details else text


class ConfigError(M7Error, ValueError):
    """A setting is missing or malformed; nothing was sent."""

    def __init__(self, message: str, *, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        #: The environment variable names of the missing settings.
        self.missing = missing


class AuthError(M7Error):
    """401: the server refused the signature, app key, timestamp or nonce."""


class RequestError(M7Error):
    """The request itself is wrong (400, 404 path, 405, 413, 415): do not resend it as is."""


class CallStateError(M7Error):
    """The call center's state forbids the action (codes 40001, 40301, 40401, 40402, 4090x).

    Typical: the agent has no live call (40903) or another supervisor monitors it (40905).
    ``code`` is always set: it is what tells one refusal from another.
    """

    code: str

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int | None = None,
        request_id: str | None = None,
        action_id: str | None = None,
        errors: Sequence[FieldError] = (),
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message,
            status=status,
            code=code,
            request_id=request_id,
            action_id=action_id,
            errors=errors,
            retry_after=retry_after,
        )


class RateLimited(M7Error):
    """429: too many requests; ``retry_after`` says how long the server asked to wait."""


class ServerError(M7Error):
    """5xx, or a body that is not the documented envelope (e.g. a proxy's HTML page).

    After a 500 the action may or may not have taken effect; a 503 means it did not.
    """


class TransportError(M7Error):
    """No HTTP response: the connection failed or timed out.

    ``request_sent`` is False when the request surely never left (connection refused,
    connect timeout): nothing happened. When True (read timeout, connection dropped) the
    server may have acted, so check the call's state before acting again.
    """

    def __init__(self, message: str, *, request_sent: bool, url: str | None = None) -> None:
        super().__init__(message)
        self.request_sent = request_sent
        #: The URL the request went to, without any user name, password or query.
        self.url = url
