"""``examples/pytest/``, a user's test folder, passes against this repository's mock.

Copied into a folder of its own (``pytester``) and run in a pytest process of its own, with
nothing to configure: the plugin (entry point ``m7_mock``) starts the mock, once per
session, or once per pytest-xdist worker under ``-n 2``. The same folder against the wheels
of ``make dist`` in a fresh virtualenv: ``test_testkit_wheels.py``.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

from tests.docs.test_examples import blocks
from tests.support.document import ROOT

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.socket

EXAMPLES = ROOT / "examples" / "pytest"
#: The example tests; a new one is counted here, so that none is silently left out.
EXAMPLE_TESTS = 9


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist-2"])
def test_the_examples_pass_in_a_folder_of_their_own(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, workers: list[str]
) -> None:
    for name in [n for n in os.environ if n.startswith("M7_")]:
        monkeypatch.delenv(name)
    shutil.copytree(
        EXAMPLES, pytester.path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *workers, timeout=180)
    result.assert_outcomes(passed=EXAMPLE_TESTS)


GUIDE = ROOT / "docs" / "testing-with-the-mock.md"
#: The marker of a guide's excerpt of an example file: ``skip (from examples/pytest/x.py, ...)``.
EXCERPT = re.compile(r"^from (?P<file>examples/pytest/\S+\.py), run by tests/testkit$")


def test_the_guides_excerpts_are_the_example_files_as_they_are() -> None:
    """The guide shows parts of the files that run (here and from the wheels), never a
    copy that could drift from them."""
    excerpts = [b for b in blocks(GUIDE) if b.skip is not None and EXCERPT.match(b.skip)]
    assert len(excerpts) >= 5, [b.skip for b in blocks(GUIDE)]
    shown = set()
    for block in excerpts:
        match = EXCERPT.match(block.skip or "")
        assert match is not None
        source = (ROOT / match["file"]).read_text(encoding="utf-8")
        assert block.text in source, f"{block}: not (or no longer) in {match['file']}"
        shown.add(match["file"])
    assert {"examples/pytest/test_clock.py", "examples/pytest/test_snapshot.py"} <= shown


def test_the_guide_states_the_mocks_own_default_account_limit() -> None:
    from mock_server.model.defaults import MAX_ACCOUNTS

    stated = re.findall(r"`--max-accounts` \((\d+) by default\)", GUIDE.read_text("utf-8"))
    assert stated == [str(MAX_ACCOUNTS)]
