"""How a request ended: the one vocabulary of the journal and the access log.

The admin document states the same vocabulary as ``components.schemas.Outcome`` (the fixed
values) and ``ForcedStatusOutcome`` (the three families by status); a test holds the two to
each other. Every layer that ends a request names its outcome with a member of this enum,
never with a free string, so a new outcome is added here and in the document, once.

The families (``413``, ``fault:503``, ``prefer:409``) are members too, one per status, so
``Outcome(text)`` accepts exactly what the journal can show.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Outcome"]


class Outcome(StrEnum):
    """A request's outcome, as written in the journal and the access log."""

    _ignore_ = "_family _status"

    OK = "ok"
    # authentication (401): the reason the m7-* headers were refused
    AUTH_MISSING = "auth:missing"
    AUTH_NONCE = "auth:nonce"
    AUTH_TIMESTAMP = "auth:timestamp"
    AUTH_SIGN = "auth:sign"
    AUTH_CLOCK = "auth:clock"
    AUTH_APPKEY = "auth:appkey"
    AUTH_SIGNATURE = "auth:signature"
    AUTH_REPLAY = "auth:replay"
    AUTH_REPEATED = "auth:repeated"
    # the request does not match the document (400)
    VALIDATION = "validation"
    JSON = "json"
    # refusals of the call center: the envelope's code (vendor operations, then admin API)
    SAME_AGENT = "40001"
    INVALID_ARGUMENT = "40002"
    NOT_A_SUPERVISOR = "40301"
    NO_SUPERVISOR = "40401"
    NO_AGENT = "40402"
    NO_CALL = "40403"
    NO_ACCOUNT = "40404"
    SUPERVISOR_OFFLINE = "40901"
    SUPERVISOR_BUSY = "40902"
    NO_LIVE_CALL = "40903"
    CALL_RINGING = "40904"
    CALL_MONITORED = "40905"
    AGENT_BUSY = "40906"
    AGENT_OFFLINE = "40907"
    CALL_ANSWERED = "40908"
    ACCOUNT_EXISTS = "40909"
    ACCOUNTS_FULL = "40910"
    ACCOUNT_CONFIGURED = "40911"
    # faults and Prefer
    FAULT_DROP = "fault:drop"
    PREFER_MISSING = "prefer:missing"
    # CORS and the admin guard
    PREFLIGHT = "preflight"
    PREFLIGHT_ORIGIN = "preflight:origin"
    ADMIN_DISABLED = "admin:disabled"
    ADMIN_MISSING = "admin:missing"
    ADMIN_TOKEN = "admin:token"  # noqa: S105 - an outcome, not a password
    ADMIN_ORIGIN = "admin:origin"
    # the shared state store (Redis) did not answer
    STATE_DOWN = "state:down"

    # The families, one member per status: a bare status ("413": the body guard, 404/405 of
    # the routing, "500"), a forced status ("fault:503") and a preferred one ("prefer:409").
    _family = vars()
    for _status in range(200, 600):
        _family[f"PREFER_{_status}"] = f"prefer:{_status}"
        if _status >= 400:
            _family[f"STATUS_{_status}"] = str(_status)
            _family[f"FAULT_{_status}"] = f"fault:{_status}"

    @classmethod
    def status(cls, status: int) -> Outcome:
        """The bare status (``413``), for an answer no finer outcome describes."""
        return cls(str(status))

    @classmethod
    def fault(cls, status: int) -> Outcome:
        """A status forced by the fault plan (``fault:503``)."""
        return cls(f"fault:{status}")

    @classmethod
    def prefer(cls, status: int) -> Outcome:
        """An example answered for a ``Prefer`` header (``prefer:409``)."""
        return cls(f"prefer:{status}")

    @classmethod
    def code(cls, code: str) -> Outcome:
        """A call-center refusal by its envelope code (``40903``)."""
        return cls(code)
