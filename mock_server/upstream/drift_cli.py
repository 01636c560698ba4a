"""``m7-drift FILE.har``: where the vendor's recorded answers disagree with the document.

Checks every answer of a recording (``m7-mock --upstream URL --record FILE``, or any HAR
file of requests to the five operations) against ``openapi/call-monitor.yaml`` as it is now,
so a document changed since the recording is judged anew. One line per disagreement, then a
count. An answer's first ``MAX_LISTED`` disagreements are listed, then how many more it has
(``--json`` lists every one); the count is of all of them. Exit status: 0 when every answer
agrees, 1 when any disagrees, 2 when the file cannot be read (or holds no answer of the five
operations).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from urllib.parse import urlsplit

from mock_server.upstream.drift import Disagreement, DriftCheck, document_check, listed
from mock_server.upstream.har import HarError, entry_header, entry_text, read_har

__all__ = ["drift_of", "main"]


def _operation(entry: dict[str, object], check: DriftCheck) -> str | None:
    named = entry.get("_operation")
    if isinstance(named, str) and named in check.operations:
        return named
    request = entry["request"]
    assert isinstance(request, dict)  # noqa: S101 - read_har checked it
    path = urlsplit(str(request["url"])).path
    return next((check.operation_of(p) for p in check.paths if path.endswith(p)), None)


def drift_of(
    entries: Sequence[dict[str, object]], check: DriftCheck
) -> tuple[list[tuple[int, Disagreement]], int]:
    """Each disagreement with the index of its entry, and how many answers were checked."""
    found: list[tuple[int, Disagreement]] = []
    checked = 0
    for index, entry in enumerate(entries):
        operation = _operation(entry, check)
        if operation is None:
            continue
        response = entry["response"]
        assert isinstance(response, dict)  # noqa: S101 - read_har checked it
        checked += 1
        found += [
            (index, d)
            for d in check.check(
                operation,
                int(response["status"]),
                entry_header(response, "content-type"),
                entry_text(response, "content"),
            )
        ]
    return found, checked


def main(argv: Sequence[str] | None = None) -> int:
    """Report the drift of one recording; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="m7-drift",
        description=(
            "List where the answers of a HAR recording disagree with the vendor document "
            "(exit status 1 when any does, 0 when none, 2 when the file cannot be read)."
        ),
    )
    parser.add_argument("recording", help="a HAR file, e.g. written by m7-mock --record")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        entries = read_har(Path(args.recording))
    except HarError as exc:
        print(f"m7-drift: {exc}", file=sys.stderr)
        return 2
    found, checked = drift_of(entries, document_check())
    if not checked:
        print(f"m7-drift: {args.recording}: no answer of the five operations", file=sys.stderr)
        return 2
    answers = 0
    for index, group in groupby(found, key=lambda pair: pair[0]):  # in the entries' order
        disagreements = [d for _, d in group]
        answers += 1
        if args.json:
            for d in disagreements:
                print(json.dumps({"entry": index, **d.to_dict()}, ensure_ascii=False))
            continue
        for line in listed(disagreements):
            print(f"entry {index}: {line}")
    summary = f"{len(found)} disagreement(s) in {answers} of {checked} answer(s)"
    print(f"m7-drift: {summary} with the document", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
