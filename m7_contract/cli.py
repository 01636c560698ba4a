"""``m7-contract`` / ``python -m m7_contract``: the contract suite against any deployment.

    M7_APP_KEY=... M7_SECRET_KEY=... m7-contract --base-url https://staging.example.com
    m7-contract                          # the mock of this installation, started for the run

It runs the checks of ``m7_contract/checks`` with pytest, as ``make contract`` does in the
repository: the same checks, limits and closing summary, and pytest's exit status (0 all
kept, 1 a rule broken, 2 stopped early at a limit, 4 a usage error such as a missing
credential). The secret key is read from the environment only, never from the command line
(where ``ps`` and CI logs would show it). Options after ``--`` go to pytest as they are
(``-- -x``, ``-- -rs``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from m7_contract.client import base_url_problem

__all__ = ["main"]

CHECKS = Path(__file__).resolve().parent / "checks"
#: Option -> the environment variable the checks read it from.
_VARIABLES = {
    "base_url": "M7_CONTRACT_BASE_URL",
    "timeout": "M7_CONTRACT_TIMEOUT",
    "budget": "M7_CONTRACT_BUDGET",
    "max_timeouts": "M7_CONTRACT_MAX_TIMEOUTS",
    "supervisor": "M7_CONTRACT_SUPERVISOR",
    "agent": "M7_CONTRACT_AGENT",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="m7-contract",
        description=(
            "The contract suite of the 7moor V7 call-monitoring API against any deployment: "
            "authentication, validation and response conformance, safe on a live one. "
            "Credentials from M7_APP_KEY and M7_SECRET_KEY."
        ),
        epilog=(
            "Each option can also be set by the environment variable named in its help. "
            "Arguments after -- are passed to pytest."
        ),
    )
    parser.add_argument(
        "--base-url",
        help=(
            "the deployment, e.g. https://staging.example.com (M7_CONTRACT_BASE_URL; "
            "default: the mock of this installation, started for the run, demo account)"
        ),
    )
    parser.add_argument(
        "--timeout", help="seconds one request may take (M7_CONTRACT_TIMEOUT; default 5)"
    )
    parser.add_argument(
        "--budget",
        help="seconds for the whole suite, from its first request (M7_CONTRACT_BUDGET; default 240)",
    )
    parser.add_argument(
        "--max-timeouts",
        help="unanswered requests before the suite stops (M7_CONTRACT_MAX_TIMEOUTS; default 3)",
    )
    parser.add_argument(
        "--supervisor",
        help=(
            "a TEST supervisor for the call-changing checks, which act on the agent's live call "
            "(M7_CONTRACT_SUPERVISOR; with --agent, else those checks are skipped)"
        ),
    )
    parser.add_argument(
        "--agent", help="the TEST agent of the call-changing checks (M7_CONTRACT_AGENT)"
    )
    parser.add_argument(
        "-k", dest="keyword", help="only the checks matching this pytest -k expression"
    )
    parser.add_argument("--junitxml", help="also write a JUnit XML report to this file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite; returns pytest's exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    passed_on: list[str] = []
    if "--" in args_list:
        at = args_list.index("--")
        args_list, passed_on = args_list[:at], args_list[at + 1 :]
    args = _parser().parse_args(args_list)
    if sys.flags.optimize:
        print(
            "m7-contract: Python runs with -O (PYTHONOPTIMIZE), which removes the checks' "
            "assertions; run it without",
            file=sys.stderr,
        )
        return 4
    problem = None if args.base_url is None else base_url_problem(args.base_url)
    if problem:  # the URL itself is never printed: it may carry a secret
        print(f"m7-contract: --base-url: {problem}", file=sys.stderr)
        return 4
    for option, variable in _VARIABLES.items():
        value = getattr(args, option)
        if value is not None:
            os.environ[variable] = value
    # Only the plugins named here: a plugin installed beside (pytest-randomly reordering the
    # call-changing checks, coverage, xdist) has no say in what the suite does.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    pytest_args = [
        str(CHECKS),
        "--rootdir",
        str(CHECKS),
        "-c",
        os.devnull,  # no configuration file of the folder it is run from
        "-p",
        "no:cacheprovider",  # nothing written beside the checks or into the current folder
        "-p",
        "_hypothesis_pytestplugin",
        # Short tracebacks: a long one lists every frame's arguments, the secret key among
        # them where a check signs a request.
        "--tb=short",
    ]
    if args.keyword:
        pytest_args += ["-k", args.keyword]
    if args.junitxml:
        pytest_args += [f"--junitxml={args.junitxml}"]
    # Hypothesis keeps a cache (.hypothesis/) in the current folder: a scratch one instead.
    storage = "HYPOTHESIS_STORAGE_DIRECTORY"
    with tempfile.TemporaryDirectory(prefix="m7-contract-") as scratch:
        chosen = storage in os.environ
        os.environ.setdefault(storage, scratch)
        try:
            return int(pytest.main([*pytest_args, *passed_on]))
        finally:
            if not chosen:
                del os.environ[storage]
