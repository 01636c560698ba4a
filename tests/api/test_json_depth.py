"""The depth guard (``mock_server.model.json_depth``) against a reference, on any JSON shape.

Hypothesis builds JSON values of every shape (arrays, objects, mixtures of both, strings full
of brackets, quotes and escapes) and writes them with and without spaces; the guard must say
"deeper than the limit" exactly when the value's real depth, counted on the parsed value, is
over it. Then the same through the mock: a body one level over the limit is refused with the
guard's 400, whether it nests objects, arrays or both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.app import create_app
from mock_server.model.json_depth import nests_deeper_than
from mock_server.settings import Settings
from tests.api.helpers import signed
from tests.support.clock import Clock
from tests.support.document import PATHS

_TEXT = st.text(alphabet=st.sampled_from('ab[]{}"\\:, é\n'), max_size=8)
_SCALARS = st.none() | st.booleans() | st.integers() | _TEXT
VALUES: st.SearchStrategy[Any] = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=40,
)


def depth(value: Any) -> int:
    """How many arrays and objects nest, counted on the value itself."""
    if isinstance(value, list):
        return 1 + max((depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(item) for item in value.values()), default=0)
    return 0


def chain(levels: int, kinds: str) -> Any:
    """``levels`` nested containers, their kinds cycling through ``kinds`` (``a`` array,
    ``o`` object)."""
    value: Any = "x"
    for level in range(levels):
        value = [value] if kinds[level % len(kinds)] == "a" else {"k[": value}
    return value


@given(
    value=VALUES,
    spaced=st.booleans(),
    wrap=st.integers(0, 40),
    kinds=st.sampled_from(["a", "o", "ao", "oa"]),
)
def test_the_guard_says_deeper_exactly_when_the_value_is(
    value: Any, spaced: bool, wrap: int, kinds: str
) -> None:
    nested = value
    for level in range(wrap):
        nested = [nested] if kinds[level % len(kinds)] == "a" else {"[{": nested}
    text = json.dumps(nested, ensure_ascii=False, separators=None if spaced else (",", ":"))
    real = depth(nested)
    for limit in (max(real - 1, 0), real, real + 1, 32):
        assert nests_deeper_than(text.encode(), limit) == (real > limit), (limit, text[:200])


@pytest.mark.parametrize(
    "kinds", ["o", "a", "ao", "oa"], ids=["objects", "arrays", "mixed", "mixed-object-first"]
)
@pytest.mark.parametrize(("levels", "refused"), [(32, False), (33, True), (600, True)])
async def test_a_body_over_the_depth_limit_is_refused_whatever_it_nests(
    make_settings: Callable[..., Settings], clock: Clock, kinds: str, levels: int, refused: bool
) -> None:
    """The body itself is one level: its field holds ``levels - 1`` more."""
    body = {"listenAgent": "2002", "agentNumber": "9527", "deep": chain(levels - 1, kinds)}
    app = create_app(make_settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as client:
        content = json.dumps(body).encode()
        headers = {**signed(clock), "content-type": "application/json"}
        response = await client.post(PATHS["listen"], content=content, headers=headers)
    assert response.status_code == 400, response.text
    nested_message = "body: nested deeper than 32 levels"
    assert (response.json()["message"] == nested_message) is refused, response.text
