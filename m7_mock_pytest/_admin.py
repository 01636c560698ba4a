"""The mock's admin API (``/__mock``), through its generated client ``m7_mock_admin``.

The plugin calls the admin API only here and through the typed functions generated from
``openapi/mock-admin.yaml`` (``m7_mock_admin.api.<tag>.<operation>``), so a change of the
document reaches the plugin as a type error, not as a wrong URL at run time. What this
module adds is the one rule every call follows: the answer is the documented success or a
:class:`MockAdminError` naming the operation and the mock's own code and message.

Every request is bounded by ``REQUEST_TIMEOUT``. The admin token (when the mock requires
one) travels only in the ``Authorization`` header: never in a URL, a repr or a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

import httpx

from m7_mock_admin import AuthenticatedClient, Client
from m7_mock_admin.models import ErrorEnvelope
from m7_mock_admin.types import Response

__all__ = ["ADMIN_PREFIX", "AdminApi", "MockAdminError"]

ADMIN_PREFIX: Final = "/__mock"
#: Seconds an admin request may take (connect, send, read) before it fails the test.
REQUEST_TIMEOUT: Final = 10.0

T = TypeVar("T")


class MockAdminError(Exception):
    """The mock refused an admin request: arranging the test's state failed.

    Raised rather than asserted, so that pytest shows it as the error it is (the test could
    not be set up) and not as a failed expectation of the code under test. The message
    names the operation and the mock's own code and message (``40906 the agent is busy``).
    """

    def __init__(self, operation: str, status: int, code: str, message: str) -> None:
        super().__init__(f"{operation}: {status} {code} {message}".rstrip())
        self.operation = operation
        self.status = status
        self.code = code


class AdminApi:
    """The admin API of one mock: the generated client, and the rule its answers follow."""

    def __init__(self, base_url: str, admin_token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        url, timeout = self.base_url + ADMIN_PREFIX, httpx.Timeout(REQUEST_TIMEOUT)
        self.client: Client | AuthenticatedClient = (
            AuthenticatedClient(base_url=url, token=admin_token, timeout=timeout)
            if admin_token
            else Client(base_url=url, timeout=timeout)
        )

    def __repr__(self) -> str:  # the generated client's repr would show the token
        return f"AdminApi(base_url={self.base_url!r})"

    def close(self) -> None:
        self.client.get_httpx_client().close()

    def answer(
        self,
        operation: str,
        send: Callable[[], Response[T | ErrorEnvelope]],
        *,
        expect: int = 200,
    ) -> T:
        """Send one request (``send``, a generated ``sync_detailed`` call); its parsed
        answer when the status is ``expect``, else :class:`MockAdminError`."""
        try:
            response = send()
        except (ValueError, KeyError, TypeError) as exc:  # an answer not in the document
            raise MockAdminError(operation, 0, "", f"unreadable answer ({exc!r:.200})") from None
        parsed = response.parsed
        if response.status_code != expect or parsed is None or isinstance(parsed, ErrorEnvelope):
            raise _error(operation, response)
        return parsed

    def answer_empty(
        self, operation: str, send: Callable[[], Response[Any]], *, expect: int = 204
    ) -> None:
        """Like :meth:`answer`, for an operation whose success has no body (``204``)."""
        response = send()
        if response.status_code != expect:
            raise _error(operation, response)


def _error(operation: str, response: Response[Any]) -> MockAdminError:
    parsed = response.parsed
    status = int(response.status_code)
    if not isinstance(parsed, ErrorEnvelope):
        text = response.content[:200].decode("utf-8", errors="replace")
        return MockAdminError(operation, status, "", text)
    message = parsed.message
    if parsed.errors:
        listed = "; ".join(f"{e.field}: {e.message}" for e in parsed.errors[:5])
        message = f"{message} ({listed})"
    return MockAdminError(operation, status, parsed.code, message)
