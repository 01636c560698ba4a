"""Hypothesis strategies derived from ``openapi/call-monitor.yaml``, never copied from it.

Request bodies come from Schemathesis' generator run on the document itself
(``APIOperation.as_strategy``), so a change of the document (a new field, a longer
``actionId``, a stricter agent-number pattern) changes what is generated without touching
this module. (hypothesis-jsonschema's ``from_schema`` would do for the strings, but its
object generation crashes with the Hypothesis this project pins:
``'many' object has no attribute 'more'``.)

Invalid bodies are a valid body with one mutation, Schemathesis' negative bodies (drawn from
the negated schema), or bytes that are not JSON; every one is checked to violate the
document's schema before it is used, so a "bad body" test never sends a body the document
allows. Header names come from the document's security schemes.

The facts these strategies build on (the supervisor field of each operation, its path, its
request schema) are read from the document in ``tests/support/document.py``.
"""

from __future__ import annotations

import base64
import json
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode

from m7_call_monitor.signing import (
    APPKEY_HEADER,
    NONCE_HEADER,
    SIGN_HEADER,
    TIMESTAMP_HEADER,
    sign,
)
from m7_contract.bodies import RawBody
from m7_contract.bodies import invalid_bodies as contract_invalid_bodies
from tests.support.document import (
    AGENT_FIELD,
    OPERATIONS,
    is_valid_body,
    load,
    operation_path,
    request_schema,
    resolve,
    security_header_names,
    supervisor_field,
)

__all__ = [
    "BODIES",
    "HeaderDefect",
    "RawBody",
    "action_ids",
    "agent_numbers",
    "hangup_channel_bodies",
    "header_defects",
    "invalid_bodies",
    "listen_bodies",
    "loot_call_bodies",
    "nonces",
    "pickup_channel_bodies",
    "request_bodies",
    "signed_headers",
    "whisper_bodies",
]


def _property(operation_id: str, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = resolve(request_schema(operation_id)["properties"][name])
    return schema


# --- valid request bodies -------------------------------------------------------------


@cache
def _schemathesis_operation(operation_id: str) -> Any:
    schema = schemathesis.openapi.from_dict(load())
    return schema[operation_path(operation_id)]["POST"]


@cache
def _generated_bodies(operation_id: str) -> st.SearchStrategy[dict[str, Any]]:
    cases: st.SearchStrategy[Any] = _schemathesis_operation(operation_id).as_strategy()
    return cases.map(lambda case: dict(case.body))


def request_bodies(
    operation_id: str, agents: Sequence[str] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid bodies of an operation; with ``agents``, both agent fields are drawn from them.

    The structure (required fields, the optional ``actionId`` and its text, no other field)
    is generated from the document; ``agents`` only narrows the two agent numbers to people
    the call center knows. Each body is checked against the document before it is used.
    """
    generated = _generated_bodies(operation_id)
    bodies = generated
    if agents is not None:
        pool = sorted(set(agents))
        fields = (supervisor_field(operation_id), AGENT_FIELD)

        @st.composite
        def with_agents(draw: st.DrawFn) -> dict[str, Any]:
            body = dict(draw(generated))
            for name in fields:
                body[name] = draw(st.sampled_from(pool))
            return body

        bodies = with_agents()

    def checked(body: dict[str, Any]) -> dict[str, Any]:
        if not is_valid_body(operation_id, body):
            raise ValueError(f"{operation_id}: generated an invalid body {body!r}")
        return body

    return bodies.map(checked)


def listen_bodies(agents: Sequence[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid ``ListenRequest`` bodies (``listenAgent``, ``agentNumber``, ``actionId``?)."""
    return request_bodies("listen", agents)


def hangup_channel_bodies(
    agents: Sequence[str] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid ``HangupChannelRequest`` bodies."""
    return request_bodies("hangupChannel", agents)


def loot_call_bodies(agents: Sequence[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid ``LootCallRequest`` bodies."""
    return request_bodies("lootCall", agents)


def whisper_bodies(agents: Sequence[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid ``WhisperRequest`` bodies."""
    return request_bodies("whisper", agents)


def pickup_channel_bodies(
    agents: Sequence[str] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid ``PickupChannelRequest`` bodies."""
    return request_bodies("pickupChannel", agents)


BODIES: dict[str, Callable[[Sequence[str] | None], st.SearchStrategy[dict[str, Any]]]] = {
    "listen": listen_bodies,
    "hangupChannel": hangup_channel_bodies,
    "lootCall": loot_call_bodies,
    "whisper": whisper_bodies,
    "pickupChannel": pickup_channel_bodies,
}
if set(BODIES) != set(OPERATIONS):
    raise RuntimeError("tests/support/strategies.py: a body strategy per operation is needed")


def agent_numbers() -> st.SearchStrategy[str]:
    """Any agent number the document's request schemas allow."""
    return listen_bodies().map(lambda body: str(body[AGENT_FIELD]))


def action_ids() -> st.SearchStrategy[str]:
    """Any ``actionId`` the document allows (any text, Chinese included, up to its limit)."""
    return listen_bodies().filter(lambda body: "actionId" in body).map(lambda b: b["actionId"])


# --- invalid request bodies -----------------------------------------------------------


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    data = getattr(body, "data", None)  # Schemathesis' Binary wraps raw bytes
    if isinstance(data, bytes):
        return data
    return json.dumps(body, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


@cache
def _negated(operation_id: str) -> st.SearchStrategy[RawBody]:
    """Schemathesis' negative bodies: drawn from the negation of the document's schema."""
    cases: st.SearchStrategy[Any] = _schemathesis_operation(operation_id).as_strategy(
        generation_mode=GenerationMode.NEGATIVE
    )
    return cases.map(lambda case: RawBody(_as_bytes(case.body), "negated schema", "negated schema"))


def invalid_bodies(operation_id: str) -> st.SearchStrategy[RawBody]:
    """Bodies the document forbids: a mutated valid body, a negated one, or not JSON.

    The contract suite's (``m7_contract/bodies.py``: the mutations, the bytes that are not
    JSON, each drawn body checked against the document's schema, so none is valid by
    accident), started from any valid body rather than the probe's, plus Schemathesis'
    negative bodies.
    """
    return contract_invalid_bodies(
        operation_id, request_bodies(operation_id), more=[_negated(operation_id)]
    )


# --- authentication headers -------------------------------------------------------------


def nonces() -> st.SearchStrategy[str]:
    """A nonce as the rule wants it: exactly six decimal digits, leading zeros kept."""
    return st.integers(0, 999_999).map(lambda n: f"{n:06d}")


def signed_headers(app_key: str, secret_key: str, timestamp: int, nonce: str) -> dict[str, str]:
    """The four ``m7-*`` headers, signed by the rule (not a strategy: a building block)."""
    stamp = str(timestamp)
    return {
        APPKEY_HEADER: app_key,
        NONCE_HEADER: nonce,
        TIMESTAMP_HEADER: stamp,
        SIGN_HEADER: sign(app_key, secret_key, stamp, nonce),
    }


@dataclass(frozen=True)
class HeaderDefect:
    """Signed headers with exactly one header missing, empty, malformed or altered."""

    headers: dict[str, str]
    header: str
    defect: str

    def __repr__(self) -> str:
        return f"HeaderDefect({self.header} {self.defect}: {self.headers})"


def _other_digits(length: int, avoid: str) -> st.SearchStrategy[str]:
    return st.text(string.digits, min_size=length, max_size=length).filter(lambda s: s != avoid)


def _malformed(header: str, value: str) -> st.SearchStrategy[str]:
    """Values of the wrong shape for a header (the authentication rule's formats)."""
    if header == NONCE_HEADER:
        return st.one_of(
            st.text(string.digits, min_size=1, max_size=5),
            st.text(string.digits, min_size=7, max_size=9),
            st.text(string.ascii_letters, min_size=6, max_size=6),
            st.just(value[:3] + "-" + value[4:]),
        )
    if header == TIMESTAMP_HEADER:
        return st.one_of(
            st.just(value + "000"),  # milliseconds, as some other vendor pages show
            st.just(value[:-1]),
            st.text(string.ascii_letters, min_size=10, max_size=10),
            st.just(f"{value[:5]}.{value[5:]}"),
        )
    if header == SIGN_HEADER:
        return st.one_of(
            st.just(value.rstrip("=")),
            st.just(value + "AAAA"),
            st.text(string.ascii_letters + "!*", min_size=1, max_size=44),
            st.just(base64.b64encode(b"x" * 31).decode()),
        )
    return st.one_of(  # the app key: not any account's
        st.text(string.ascii_letters + "-_", min_size=1, max_size=12),
        st.just(value + "0"),
    )


def _altered(header: str, value: str) -> st.SearchStrategy[str]:
    """Well-formed values that differ from the signed one (the signature no longer fits)."""
    if header == NONCE_HEADER:
        return _other_digits(6, value)
    if header == TIMESTAMP_HEADER:
        return st.integers(-120, 120).filter(bool).map(lambda d: str(int(value) + d))
    if header == SIGN_HEADER:
        raw = base64.b64decode(value)
        return st.integers(0, len(raw) - 1).map(
            lambda i: base64.b64encode(raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1 :]).decode()
        )
    return _other_digits(len(value), value)


@st.composite
def header_defects(draw: st.DrawFn, app_key: str, secret_key: str, timestamp: int) -> HeaderDefect:
    """Freshly signed headers (any nonce) with one of the four made wrong in one way."""
    nonce = draw(nonces())
    headers = signed_headers(app_key, secret_key, timestamp, nonce)
    header = draw(st.sampled_from(security_header_names()))
    defect = draw(st.sampled_from(["missing", "empty", "malformed", "altered"]))
    if defect == "missing":
        del headers[header]
    elif defect == "empty":
        headers[header] = ""
    elif defect == "malformed":
        headers[header] = draw(_malformed(header, headers[header]))
    else:
        headers[header] = draw(_altered(header, headers[header]))
    return HeaderDefect(headers, header, defect)
