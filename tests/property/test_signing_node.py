"""For any app key, secret, timestamp and nonce, Python signs exactly as Node's crypto does.

Node is an implementation independent of ours (the vendor recommends a JavaScript one).
Each Hypothesis example is a batch of many inputs sent to one Node process, so the whole
property starts only a handful of processes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from m7_call_monitor import sign

NODE = shutil.which("node")
SIGN_MJS = Path(__file__).parent.parent / "support" / "sign.mjs"
BATCH = 200

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH: cannot compare")

# Any Unicode text that UTF-8 can encode (no lone surrogates), as both sides encode keys so.
_unicode = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


def sign_inputs() -> st.SearchStrategy[dict[str, str]]:
    """One signing input: any app key and secret, 10-digit timestamp, 6-digit nonce."""
    return st.fixed_dictionaries(
        {
            "appKey": st.one_of(st.from_regex(r"[0-9]{1,10}", fullmatch=True), _unicode),
            "secretKey": st.one_of(st.from_regex(r"[A-Za-z0-9]{30}", fullmatch=True), _unicode),
            "timestamp": st.integers(1_000_000_000, 9_999_999_999).map(str),
            "nonce": st.integers(0, 999_999).map(lambda n: f"{n:06d}"),
        }
    )


def node_signatures(inputs: list[dict[str, str]]) -> list[str]:
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(SIGN_MJS)],
        input=json.dumps(inputs),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=30,
    )
    signatures: list[str] = json.loads(completed.stdout)
    return signatures


def test_node_agrees_on_the_vendors_worked_example() -> None:
    example = {
        "appKey": "2000103",
        "secretKey": "HWHp9xFVlbboxIU2S6DHA7sf9sGzt3",
        "timestamp": "1608119594",
        "nonce": "123221",
    }
    assert node_signatures([example]) == ["ybCwXrg9CMo39xv1kdfVLemqFmk+2Elz+vXYu1CyHlo="]


# Big batches on purpose (one Node process each): the size health checks do not apply.
_BATCHED = [HealthCheck.data_too_large, HealthCheck.large_base_example, HealthCheck.too_slow]


@settings(max_examples=5, deadline=None, suppress_health_check=_BATCHED)
@given(st.lists(sign_inputs(), min_size=BATCH, max_size=BATCH))
def test_python_signs_every_input_as_node_does(batch: list[dict[str, str]]) -> None:
    ours = [sign(i["appKey"], i["secretKey"], i["timestamp"], i["nonce"]) for i in batch]
    assert ours == node_signatures(batch)
