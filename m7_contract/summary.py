"""The contract suite's closing summary: which rules the target broke, with one example each.

A deployment that breaks a rule fails many parametrized checks with the same cause (every
bad header accepted, every bad body answered 422); the summary folds them into one line per
rule (test function), so that the end of the output says what the target did wrong, and why
the suite stopped early when it did. Filled by ``m7_contract/checks/conftest.py``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest

from m7_contract.client import Contract

__all__ = ["ContractSummary"]

#: Where a failure line is cut (the summary is for reading, the report above has the rest).
_WIDTH = 160
_NOT_SENT = "not sent, the suite has stopped"


def _rule(nodeid: str) -> tuple[str, str]:
    """``(rule, case)`` of a node id: the test function in words and its parameters."""
    name = nodeid.split("::")[-1]
    function, _, case = name.partition("[")
    return function.removeprefix("test_").replace("_", " "), case.rstrip("]")


def _reason(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    first = " ".join(text.split())
    return first if len(first) <= _WIDTH else first[: _WIDTH - 3] + "..."


@dataclass
class ContractSummary:
    """Outcomes of the contract checks, by rule."""

    #: The session's client, once a test has asked for it (to read why it stopped).
    contract: Contract | None = None
    #: How many contract checks were collected.
    collected: int = 0
    outcomes: dict[str, Counter[str]] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    finished: set[str] = field(default_factory=set)

    @property
    def ran(self) -> bool:
        return bool(self.finished)

    def record(self, report: pytest.TestReport) -> None:
        """Count a check once: its call, or its setup when that failed or skipped."""
        if report.when != "call" and report.passed:
            return
        if report.when == "teardown" and not report.failed:
            return
        rule, case = _rule(report.nodeid)
        counts = self.outcomes.setdefault(rule, Counter())
        if report.failed:
            reason = _reason(report)
            if _NOT_SENT in reason:
                counts["not run"] += 1
            else:
                counts["failed"] += 1
                self.examples.setdefault(rule, f"[{case}] {reason}" if case else reason)
        else:
            counts[report.outcome] += 1
        self.finished.add(report.nodeid)

    def lines(self) -> list[str]:
        total: Counter[str] = Counter()
        for counts in self.outcomes.values():
            total.update(counts)
        not_run = self.collected - len(self.finished) + total["not run"]
        target = self.contract.target.base_url if self.contract else "(no request sent)"
        lines = [
            f"target {target}: {self.collected} checks, {total['passed']} passed, "
            f"{total['failed']} failed, {total['skipped']} skipped, {not_run} not run"
        ]
        broken = [rule for rule, counts in self.outcomes.items() if counts["failed"]]
        if broken:
            lines.append(f"rules the target broke ({len(broken)}):")
            for rule in broken:
                counts = self.outcomes[rule]
                checked = sum(counts.values()) - counts["not run"]
                lines.append(
                    f"  - {rule}: {counts['failed']} of {checked} failed; "
                    f"e.g. {self.examples[rule]}"
                )
        else:
            lines.append("rules the target broke: none")
        kept = [r for r, c in self.outcomes.items() if c["passed"] and not c["failed"]]
        if kept:
            lines.append(f"rules kept ({len(kept)}): {'; '.join(kept)}")
        if self.contract is not None and self.contract.stop_reason:
            lines.append(f"stopped early: {self.contract.stop_reason}")
            lines += [f"  - {request}" for request in self.contract.unanswered]
        return lines
