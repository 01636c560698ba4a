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
import re
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


@dataclass(frozen=True)
class RawBody:
    """Bytes to send as an ``application/json`` body, and how they break the schema."""

    content: bytes
    why: str
    #: The kind of breakage ("wrong type", "missing field", ..., "malformed JSON").
    kind: str = ""

    def __repr__(self) -> str:
        return f"RawBody({self.why}: {self.content[:120]!r})"


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _not_a(types: Sequence[str]) -> st.SearchStrategy[Any]:
    """JSON values whose type is none of ``types``."""
    candidates: dict[str, st.SearchStrategy[Any]] = {
        "string": st.text(max_size=8),
        "integer": st.integers(-(10**12), 10**12),
        "number": st.floats(allow_nan=False, allow_infinity=False).filter(
            lambda f: not f.is_integer()
        ),
        "boolean": st.booleans(),
        "null": st.none(),
        "array": st.lists(st.integers(0, 9), max_size=3),
        "object": st.dictionaries(st.text(string.ascii_letters, max_size=4), st.integers(0, 9)),
    }
    excluded = set(types) | ({"number"} if "integer" in types else set())
    return st.one_of([s for name, s in candidates.items() if name not in excluded])


def _violating_strings(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    """Strings that break a string schema: too long, too short, or outside its pattern."""
    options: list[st.SearchStrategy[str]] = []
    if "maxLength" in schema:
        limit = int(schema["maxLength"])
        options.append(st.text(min_size=limit + 1, max_size=limit + 20))
    if int(schema.get("minLength", 0)) > 0:
        options.append(st.text(max_size=int(schema["minLength"]) - 1))
    if "pattern" in schema:
        pattern = re.compile(schema["pattern"])
        options.append(st.text(min_size=1, max_size=12).filter(lambda s: not pattern.search(s)))
    return st.one_of(options) if options else st.nothing()


@st.composite
def _mutated(draw: st.DrawFn, operation_id: str) -> RawBody:
    """A valid body with one thing made wrong."""
    schema = request_schema(operation_id)
    body = dict(draw(request_bodies(operation_id)))
    names = sorted(schema["properties"])
    kind = draw(
        st.sampled_from(
            ["wrong type", "missing field", "bad string", "extra field", "not an object"]
        )
    )
    if kind == "wrong type":
        name = draw(st.sampled_from(names))
        declared = _property(operation_id, name).get("type", "string")
        body[name] = draw(_not_a([declared] if isinstance(declared, str) else declared))
        return RawBody(_encode(body), f"{name} is not a {declared}", kind)
    if kind == "missing field":
        name = draw(st.sampled_from(schema["required"]))
        del body[name]
        return RawBody(_encode(body), f"required {name} is missing", kind)
    if kind == "bad string":
        strings = [n for n in names if _property(operation_id, n).get("type") == "string"]
        name = draw(st.sampled_from(strings))
        body[name] = draw(_violating_strings(_property(operation_id, name)))
        return RawBody(_encode(body), f"{name} breaks its string schema", kind)
    if kind == "extra field":
        name = draw(st.text(min_size=1, max_size=12).filter(lambda n: n not in names))
        body[name] = draw(st.one_of(st.text(max_size=8), st.integers(), st.none()))
        return RawBody(_encode(body), f"unknown field {name!r}", kind)
    value = draw(_not_a(["object"]))
    return RawBody(_encode(value), "the body is not an object", kind)


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


def _malformed_json(operation_id: str) -> st.SearchStrategy[RawBody]:
    """Bytes that are not JSON: a valid body cut short, bare words, broken encodings."""
    truncated = st.builds(
        lambda content, cut: content[: max(1, len(content) - cut)],
        request_bodies(operation_id).map(_encode),
        st.integers(1, 3),
    )
    junk = st.sampled_from(
        [b"{", b"{'agentNumber': '9527'}", b"not json", b'{"a":}', b"\xff\xfe{}", b"[1,]", b""]
    )
    return st.one_of(truncated, junk).map(
        lambda content: RawBody(content, "malformed JSON", "malformed JSON")
    )


def _is_invalid(operation_id: str, body: RawBody) -> bool:
    try:
        value = json.loads(body.content)
    except ValueError:
        return True
    return not is_valid_body(operation_id, value)


def invalid_bodies(operation_id: str) -> st.SearchStrategy[RawBody]:
    """Bodies the document forbids: a mutated valid body, a negated one, or not JSON.

    Every drawn body is checked against the document's schema, so none is valid by accident
    (e.g. an "extra" field that happens to be a known one).
    """
    return st.one_of(
        _mutated(operation_id), _negated(operation_id), _malformed_json(operation_id)
    ).filter(lambda body: _is_invalid(operation_id, body))


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
