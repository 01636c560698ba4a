"""``make help`` lists the targets in the order a user needs them (the Makefile's
``HELP_ORDER``), every documented target exactly once."""

from __future__ import annotations

import re
import subprocess

from tests.support.document import ROOT

MAKEFILE = ROOT / "Makefile"


def help_order() -> list[str]:
    """``HELP_ORDER`` as written (continuation lines joined), its ``|`` separators kept."""
    text = MAKEFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^HELP_ORDER := (.*)$", text, re.MULTILINE)
    assert match is not None, "the Makefile has no HELP_ORDER"
    return match[1].split()


def documented_targets() -> set[str]:
    text = MAKEFILE.read_text(encoding="utf-8")
    return set(re.findall(r"^([a-zA-Z_-]+):.*## ", text, re.MULTILINE))


def test_make_help_lists_the_targets_in_the_order_a_user_needs_them() -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = done.stdout.splitlines()
    shown = [line.split()[1] if line.strip() else "|" for line in lines]
    assert shown == help_order()
    assert shown[:2] == ["mock", "test"]  # the two commands of the README, first
    assert all(line.startswith("  make ") for line in lines if line.strip())


def test_help_order_names_every_documented_target_once() -> None:
    ordered = [name for name in help_order() if name != "|"]
    assert len(ordered) == len(set(ordered)), ordered
    assert set(ordered) == documented_targets()
