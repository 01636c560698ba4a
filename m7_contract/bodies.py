"""Bodies the document forbids, generated (Hypothesis) from the document's request schemas.

Each one is a valid body with one thing made wrong (a field of the wrong type, a required
field missing, a string breaking its length or pattern, an unknown field, something other
than an object) or bytes that are not JSON. Every drawn body is checked to violate the
schema before it is used, so a "bad body" check never sends a body the document allows. The
valid bodies they start from name the probe agents nobody has, so that not even a server
that wrongly accepted one could act on a call. (The repository's property tests start from
other valid bodies and add Schemathesis' negative ones: ``tests/support/strategies.py``.)
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from m7_contract.client import PROBE_AGENT, PROBE_SUPERVISOR
from m7_contract.document import (
    AGENT_FIELD,
    is_valid_body,
    request_schema,
    resolve,
    supervisor_field,
)

__all__ = ["RawBody", "invalid_bodies", "probe_bodies"]

Bodies = st.SearchStrategy[dict[str, Any]]


@dataclass(frozen=True)
class RawBody:
    """Bytes to send as an ``application/json`` body, and how they break the schema."""

    content: bytes
    why: str
    #: The kind of breakage ("wrong type", "missing field", ..., "malformed JSON").
    kind: str = ""

    def __repr__(self) -> str:
        return f"RawBody({self.why}: {self.content[:120]!r})"


def _property(operation_id: str, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = resolve(request_schema(operation_id)["properties"][name])
    return schema


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def probe_bodies(operation_id: str) -> Bodies:
    """Valid bodies naming the probe agents, with or without an ``actionId`` (any text up
    to the document's limit, Chinese included)."""
    probe = {supervisor_field(operation_id): PROBE_SUPERVISOR, AGENT_FIELD: PROBE_AGENT}
    limit = int(_property(operation_id, "actionId").get("maxLength", 40))
    action_ids = st.text(min_size=1, max_size=limit).filter(lambda s: s.strip() == s and s)
    with_id = action_ids.map(lambda action_id: {**probe, "actionId": action_id})
    return st.one_of(st.just(probe), with_id).filter(lambda b: is_valid_body(operation_id, b))


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
def _mutated(draw: st.DrawFn, operation_id: str, valid: Bodies) -> RawBody:
    """A valid body with one thing made wrong."""
    schema = request_schema(operation_id)
    body = dict(draw(valid))
    names = sorted(schema["properties"])
    kinds = ["wrong type", "missing field", "bad string", "extra field", "not an object"]
    kind = draw(st.sampled_from(kinds))
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
    return RawBody(_encode(draw(_not_a(["object"]))), "the body is not an object", kind)


def _malformed_json(valid: Bodies) -> st.SearchStrategy[RawBody]:
    """Bytes that are not JSON: a valid body cut short, bare words, broken encodings."""
    truncated = st.builds(
        lambda content, cut: content[: max(1, len(content) - cut)],
        valid.map(_encode),
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


def invalid_bodies(
    operation_id: str,
    valid: Bodies | None = None,
    more: Sequence[st.SearchStrategy[RawBody]] = (),
) -> st.SearchStrategy[RawBody]:
    """Bodies the document forbids: a mutated valid body, bytes that are not JSON, or one of
    ``more``. The valid bodies are ``valid``'s, by default the probe's (``probe_bodies``)."""
    start = probe_bodies(operation_id) if valid is None else valid
    return st.one_of(_mutated(operation_id, start), _malformed_json(start), *more).filter(
        lambda body: _is_invalid(operation_id, body)
    )
