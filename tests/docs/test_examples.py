"""The README's and the guides' examples run as written, against the mock on its demo defaults.

The convention every document follows (README.md and docs/*.md):

- a ```` ```sh ```` block is run by bash, a ```` ```python ```` block by the project's
  virtualenv Python (``.venv/bin/python``); both must succeed (exit status 0);
- transcripts and output go in ```` ```text ```` or ```` ```console ```` blocks, which are
  never run; other languages (yaml, json, ...) are never run either, but ``bash``,
  ``shell``, ``py`` and the like are refused, so that no example is skipped by a typo;
- a block that cannot run here (it targets a remote deployment, or starts a server that
  runs until stopped) says so on the line right before its fence:
  ``<!-- example: skip (the reason) -->``. A marker before anything else is an error.

Each document is one session, as a reader following it in one terminal at the repository's
root: its blocks run in order against one mock (started by the test on the demo defaults,
then reset for the next document), and what an ``sh`` block exports is seen by the blocks
after it. The shell starts fresh: ``PATH`` without the virtualenv, no ``M7_*`` variable. The
one change made to a block is the mock's address: ``127.0.0.1:4010`` (``make mock``'s) is
replaced by the test's free port.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.document import ROOT
from tests.support.processes import mock_process

pytestmark = pytest.mark.socket

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN = {"sh": "sh", "python": "python"}
NEVER_RUN = {"text", "console", "yaml", "yml", "json", "toml", "ini", "http", "diff", "lua", ""}
SKIP = re.compile(r"^<!-- example: skip \((?P<reason>[^)]+)\) -->$")
FENCE = re.compile(r"^(?P<indent> *)```(?P<language>[\w+-]*)\s*$")
MOCK_ADDRESSES = ("127.0.0.1:4010", "localhost:4010")
BLOCK_TIMEOUT = 60


@dataclass(frozen=True)
class Block:
    """One fenced block: where it starts, its language, its text, and why it is skipped."""

    document: Path
    line: int
    language: str
    text: str
    skip: str | None

    def __str__(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line} ({self.language})"


def blocks(document: Path) -> list[Block]:
    """The fenced blocks of ``document``; ``AssertionError`` for a misplaced or bad marker."""
    lines = document.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            marker = SKIP.match(lines[index].strip())
            if marker is not None or lines[index].strip().startswith("<!-- example"):
                following = lines[index + 1] if index + 1 < len(lines) else ""
                fence = FENCE.match(following)
                place = f"{document.relative_to(ROOT)}:{index + 1}"
                assert marker is not None, f"{place}: write <!-- example: skip (reason) -->"
                assert fence is not None, f"{place}: a skip marker must be right before a fence"
                assert fence["language"] in RUN, f"{place}: only sh/python blocks are run"
            index += 1
            continue
        language, indent = opening["language"], opening["indent"]
        start = index
        index += 1
        body: list[str] = []
        while index < len(lines) and not lines[index].strip().startswith("```"):
            body.append(lines[index].removeprefix(indent))  # a fence inside a list item
            index += 1
        index += 1  # the closing fence
        previous = SKIP.match(lines[start - 1].strip()) if start else None
        found.append(
            Block(
                document,
                start + 1,
                language,
                "\n".join(body) + "\n",
                previous["reason"] if previous else None,
            )
        )
    return found


def _fresh_environment(home: Path) -> dict[str, str]:
    venv_bin = str(Path(sys.prefix) / "bin")
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin]
    return {
        "PATH": os.pathsep.join(path),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "NO_COLOR": "1",
    }


def _read_environment(dump: Path) -> dict[str, str]:
    entries = dump.read_bytes().decode("utf-8", errors="replace").split("\0")
    pairs = (entry.partition("=") for entry in entries if "=" in entry)
    return {name: value for name, _, value in pairs if name not in ("_", "SHLVL", "OLDPWD")}


def _run_block(
    block: Block, argv: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run one block in its own process group, so that a timeout stops all it started."""
    with subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=BLOCK_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(
                f"{block} did not finish within {BLOCK_TIMEOUT} s (a server that runs until "
                "stopped? mark the block <!-- example: skip (reason) -->)",
                pytrace=False,
            )
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def run_document(document: Path, base_url: str, home: Path) -> list[str]:
    """Run every runnable block of ``document`` in order; the ``str`` of each block run."""
    address = base_url.removeprefix("http://")
    env = _fresh_environment(home)
    dump = home / "environment"
    ran: list[str] = []
    for block in blocks(document):
        if block.language in NEVER_RUN:
            continue
        assert block.language in RUN, (
            f"{block}: ```{block.language} is neither run nor a transcript; use ```sh or "
            "```python for an example to run, ```text or ```console for output"
        )
        if block.skip is not None:
            continue
        text = block.text
        for mock_address in MOCK_ADDRESSES:
            text = text.replace(mock_address, address)
        if block.language == "sh":
            script = f"{text}\nenv -0 > '{dump}'\n"
            argv = ["bash", "-e", "-o", "pipefail", "-c", script]
        else:
            argv = [sys.executable, "-c", text]
        done = _run_block(block, argv, env)
        assert done.returncode == 0, (
            f"{block} exited with status {done.returncode}:\n{block.text}\n"
            f"--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"
        )
        if block.language == "sh":
            env = _read_environment(dump)
        ran.append(str(block))
    return ran


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    """The mock on its demo defaults, as ``make mock`` starts it."""
    with mock_process() as base_url:
        yield base_url


@pytest.fixture
def fresh_mock(mock_url: str) -> str:
    """Back to the demo scenario, no fault, an empty journal, before each document."""
    for method, path in (("POST", "reset"), ("DELETE", "faults"), ("DELETE", "journal")):
        response = httpx.request(method, f"{mock_url}/__mock/{path}", timeout=10)
        assert response.status_code == 200, response.text
    return mock_url


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_example_of_the_document_runs(
    document: Path, fresh_mock: str, tmp_path: Path
) -> None:
    run_document(document, fresh_mock, tmp_path)


def test_the_readme_has_examples_that_run() -> None:
    runnable = [b for b in blocks(ROOT / "README.md") if b.language in RUN and b.skip is None]
    assert {b.language for b in runnable} == {"sh", "python"}
