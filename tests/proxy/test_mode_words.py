"""The one line the banner gives a mode: what answers a request a recording does not hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_server.upstream.config import MockMode


@pytest.mark.parametrize(
    ("fallback", "words"),
    [
        ("none", "a request it does not hold: 404"),
        ("simulate", "one it does not hold: the simulated call center"),
    ],
)
def test_the_replay_line_says_what_answers_a_request_not_recorded(
    fallback: str, words: str
) -> None:
    mode = MockMode(replay=Path("vendor.har"), fallback=fallback)  # type: ignore[arg-type]
    assert mode.summary() == f"replay of vendor.har ({words})"
