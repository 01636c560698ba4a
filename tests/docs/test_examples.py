"""The README's and the guides' examples run as written, against the mock on its demo defaults.

The convention every document follows (README.md and docs/*.md):

- a ```` ```sh ```` block is run by bash, a ```` ```python ```` block by the project's
  virtualenv Python (``.venv/bin/python``); both must succeed (exit status 0);
- transcripts and output go in ```` ```text ```` or ```` ```console ```` blocks, which are
  never run; other languages (yaml, json, ...) are never run either, but ``bash``,
  ``shell``, ``py`` and the like are refused, so that no example is skipped by a typo;
- a block that cannot run here (it targets a remote deployment, or starts a server that
  runs until stopped) says so on the line right before its fence:
  ``<!-- example: skip (the reason) -->``. A marker before anything else is an error;
- a ```` ```yaml ````, ```` ```yml ```` or ```` ```json ```` block is data, and the line right
  before its fence names what reads it, which then reads it as the user would:
  ``<!-- example: scenario -->`` (a file for ``m7-mock --scenario``, through the mock's own
  option parsing), ``<!-- example: credentials -->`` (``m7-mock --credentials``),
  ``<!-- example: body OPERATION_ID -->`` (a request body, against the document's schema;
  vendor or admin operation), ``<!-- example: response OPERATION_ID -->`` (its 200 answer), or
  ``<!-- example: skip (the reason) -->`` for a fragment. A data block without one is an
  error, so that no example claims a format nothing checks.

The JSON written inline in a table row about a request (``| `POST /__mock/calls` | ...
`{"agent": "9530", ...}` |``) is checked too: as that request's body when the row names a
method with a body, else as its 200 answer.

Each document is one session, as a reader following it in one terminal at the repository's
root: its blocks run in order against one mock (started by the test on the demo defaults,
then reset for the next document), and what an ``sh`` block exports is seen by the blocks
after it. The shell starts fresh: ``PATH`` without the virtualenv, no ``M7_*`` variable. The
one change made to a block is the mock's address: ``127.0.0.1:4010`` (``make mock``'s) is
replaced by the test's free port.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from mock_server.cli import ConfigError, parse_settings
from tests.support.document import (
    CALL_MONITOR,
    ROOT,
    errors_of,
    operations,
    resolve,
    response_schema,
)
from tests.support.processes import mock_process

pytestmark = pytest.mark.socket

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN = {"sh": "sh", "python": "python"}
DATA = {"yaml", "yml", "json"}
NEVER_RUN = {"text", "console", "toml", "ini", "http", "diff", "lua", "", *DATA}
SKIP = re.compile(r"^<!-- example: skip \((?P<reason>[^)]+)\) -->$")
READER = re.compile(
    r"^<!-- example: (?P<reader>scenario|credentials|(?:body|response) [A-Za-z]+) -->$"
)
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
    reader: str | None = None  # what reads a data block: "scenario", "body listen", ...

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
            line = lines[index].strip()
            marker, reader = SKIP.match(line), READER.match(line)
            if marker is not None or reader is not None or line.startswith("<!-- example"):
                following = lines[index + 1] if index + 1 < len(lines) else ""
                fence = FENCE.match(following)
                place = f"{document.relative_to(ROOT)}:{index + 1}"
                assert marker is not None or reader is not None, (
                    f"{place}: write <!-- example: skip (reason) --> or, before data, "
                    "<!-- example: scenario|credentials|body OPERATION|response OPERATION -->"
                )
                assert fence is not None, f"{place}: a marker must be right before a fence"
                if reader is not None:
                    assert fence["language"] in DATA, f"{place}: only data has a reader"
                else:
                    assert fence["language"] in {*RUN, *DATA}, (
                        f"{place}: only sh/python blocks are run, only data blocks are read"
                    )
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
        reader = READER.match(lines[start - 1].strip()) if start else None
        found.append(
            Block(
                document,
                start + 1,
                language,
                "\n".join(body) + "\n",
                previous["reason"] if previous else None,
                reader["reader"] if reader else None,
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


# --- data: scenarios, credentials, bodies and answers, each read by what reads it ----------

ADMIN_DOCUMENT = ROOT / "openapi" / "mock-admin.yaml"
ADMIN_PREFIX = "/__mock"
#: A table row about a request: ``| `POST /__mock/calls` | ... |``, ``| `GET` / `DELETE /x` |``.
REQUEST_ROW = re.compile(r"^\| *(?P<request>`[A-Z]+[^|]*/[^|]*`) *\|(?P<rest>.*)\|\s*$")
METHOD = re.compile(r"\b(GET|PUT|POST|PATCH|DELETE)\b")
WITH_BODY = ("put", "post", "patch")


def _decoded(block: Block) -> Any:
    return json.loads(block.text) if block.language == "json" else yaml.safe_load(block.text)


def _find_operation(
    match: Callable[[str, str, dict[str, Any]], bool],
) -> tuple[Path, dict[str, Any]] | None:
    """The first operation of the vendor or the admin document ``match(url, method, op)``
    accepts (an admin URL without its ``/__mock`` prefix)."""
    for document in (CALL_MONITOR, ADMIN_DOCUMENT):
        for url, method, operation in operations(document):
            if match(url, method, operation):
                return document, operation
    return None


def _body_errors(document: Path, operation: dict[str, Any], value: Any) -> list[str]:
    body = resolve(operation["requestBody"], document)
    return errors_of(value, body["content"]["application/json"]["schema"], document)


def _answer_errors(document: Path, operation: dict[str, Any], value: Any) -> list[str]:
    return errors_of(value, response_schema(operation["operationId"], 200, document), document)


def read_data_block(block: Block, scratch: Path) -> None:
    """Read ``block`` with what its marker names; AssertionError naming the block and why."""
    kind, _, operation_id = (block.reader or "").partition(" ")
    if kind in ("scenario", "credentials"):
        suffix = ".json" if block.language == "json" else ".yaml"
        path = scratch / f"{block.document.stem}-{block.line}{suffix}"
        path.write_text(block.text, encoding="utf-8")
        try:
            parse_settings([f"--{kind}", str(path)], {})
        except ConfigError as error:
            raise AssertionError(f"{block}: `m7-mock --{kind}` refuses it: {error}") from None
        return
    found = _find_operation(lambda _url, _method, op: op.get("operationId") == operation_id)
    assert found is not None, f"{block}: no operation {operation_id!r} in either document"
    check = _body_errors if kind == "body" else _answer_errors
    errors = check(*found, _decoded(block))
    assert not errors, f"{block}: not a valid {block.reader}: " + "; ".join(errors)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_data_example_is_what_it_says_it_is(document: Path, tmp_path: Path) -> None:
    for block in blocks(document):
        if block.language not in DATA:
            continue
        assert block.reader is not None or block.skip is not None, (
            f"{block}: say what reads this block on the line before its fence: "
            "<!-- example: scenario|credentials|body OPERATION|response OPERATION --> "
            "or <!-- example: skip (reason) -->"
        )
        if block.skip is None:
            read_data_block(block, tmp_path)


def request_rows(document: Path) -> Iterator[tuple[str, list[str], str, list[str]]]:
    """(place, methods, path, inline JSON texts) of each table row about a request that
    shows JSON objects."""
    for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1):
        row = REQUEST_ROW.match(line)
        if row is None:
            continue
        request = row["request"].replace("`", "")
        texts = [t for t in re.findall(r"`([^`]+)`", row["rest"]) if t.startswith("{")]
        if texts:
            path = request.split()[-1]
            place = f"{document.relative_to(ROOT)}:{number}"
            yield place, METHOD.findall(request), path, texts


def test_the_json_in_each_request_row_of_the_tables_matches_the_documents() -> None:
    checked = []
    for document in DOCUMENTS:
        for place, methods, path, texts in request_rows(document):
            url = path.removeprefix(ADMIN_PREFIX) if path.startswith(ADMIN_PREFIX + "/") else path
            wanted = [m.lower() for m in methods]
            with_body = [m for m in wanted if m in WITH_BODY]
            method = with_body[0] if with_body else "get"
            found = _find_operation(lambda u, m, _op: (u, m) == (url, method))  # noqa: B023
            assert found is not None, f"{place}: no {method.upper()} {path} in the documents"
            check = _body_errors if with_body else _answer_errors
            for text in texts:
                try:
                    value = json.loads(text)
                except ValueError as error:
                    raise AssertionError(f"{place}: `{text}` is not JSON: {error}") from None
                errors = check(*found, value)
                what = "body" if with_body else "200 answer"
                assert not errors, (
                    f"{place}: `{text}` is no {what} of {method.upper()} {path}: {errors}"
                )
                checked.append(text)
    assert len(checked) >= 5, checked  # the admin table's health answer, call and fault plans
