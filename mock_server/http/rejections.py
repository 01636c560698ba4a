"""A request that does not match the document: the two failures and their answers.

Raised by the validation (``mock_server.documents.validation``) and answered here, the same way
whether connexion served the request (through its error handlers) or the vendor fast path
did (``mock_server.http.vendor_endpoint``): one message for one failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from mock_server.http.envelope import Answer, error_answer
from mock_server.http.record import RequestRecord
from mock_server.model.field_error import FieldError
from mock_server.model.outcome import Outcome

__all__ = ["MAX_LISTED", "InvalidRequest", "MalformedBody", "rejection"]

#: At most this many violations are listed; a body is at most 64 KiB but could hold
#: thousands of unknown keys.
MAX_LISTED: Final = 50


class MalformedBody(Exception):
    """The body is not JSON (400)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidRequest(Exception):
    """The request (body or path) does not match the document (400); ``errors`` lists every
    violation."""

    def __init__(self, errors: Sequence[FieldError], action_id: str | None = None) -> None:
        super().__init__(f"{len(errors)} violations")
        self.total = len(errors)
        self.errors = errors[:MAX_LISTED]
        self.action_id = action_id


def rejection(record: RequestRecord, exc: InvalidRequest | MalformedBody) -> Answer:
    """The 400 error envelope for a failed validation."""
    if isinstance(exc, MalformedBody):
        return error_answer(
            record, 400, f"body: malformed JSON ({exc.detail})", outcome=Outcome.JSON
        )
    more = f" (the first {len(exc.errors)} listed)" if exc.total > len(exc.errors) else ""
    noun = "violation" if exc.total == 1 else "violations"
    what = "request body" if all(e.field.startswith("body") for e in exc.errors) else "request"
    return error_answer(
        record,
        400,
        f"{what} is invalid: {exc.total} {noun}{more}",
        outcome=Outcome.VALIDATION,
        action_id=exc.action_id,
        errors=exc.errors,
    )
