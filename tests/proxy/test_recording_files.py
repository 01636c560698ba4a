"""The recording file: HAR 1.2, written entry by entry (a crash loses no answered entry),
bounded, never over an earlier recording, and without any credential."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from mock_server.upstream.har import REMOVED, HarError, HarWriter, Recorded, read_har

SIGNED = (
    ("content-type", "application/json"),
    ("m7-appkey", "7700123"),
    ("m7-nonce", "123456"),
    ("m7-timestamp", "1767600000"),
    ("m7-sign", "c2VjcmV0LXNpZ25hdHVyZQ=="),
    ("authorization", "Bearer x"),
)


def exchange(number: int) -> Recorded:
    return Recorded(
        started=1767600000.0 + number,
        elapsed_ms=12.5,
        method="POST",
        url="https://vendor.example/openapi/v1/call/listen",
        request_headers=SIGNED,
        request_body=json.dumps({"listenAgent": "2002", "agentNumber": str(number)}).encode(),
        status=200,
        reason="OK",
        response_headers=(("content-type", "application/json"), ("set-cookie", "s=1")),
        response_body=b'{"success": true}',
        operation="listen",
        drift=("listen 200 undeclared-field body.x: not declared",),
    )


def test_each_entry_is_readable_before_the_recording_is_closed(tmp_path: Path) -> None:
    path = tmp_path / "r.har"
    writer = HarWriter(path, max_bytes=1 << 20)
    writer.write(exchange(1))
    writer.write(exchange(2))
    # The process could die here: what was answered is on disk, and reads as complete.
    entries = read_har(path)
    assert [json.loads(e["request"]["postData"]["text"])["agentNumber"] for e in entries] == [
        "1",
        "2",
    ]
    writer.close()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["log"]["version"] == "1.2"
    assert len(data["log"]["entries"]) == 2
    writer.close()  # idempotent


def test_no_credential_is_written(tmp_path: Path) -> None:
    path = tmp_path / "r.har"
    writer = HarWriter(path, max_bytes=1 << 20)
    writer.write(exchange(1))
    writer.close()
    text = path.read_text(encoding="utf-8")
    for secret in ("7700123", "123456", '1767600000"', "c2VjcmV0", "Bearer", "s=1"):
        assert secret not in text, secret
    (entry,) = read_har(path)
    shown = {h["name"]: h["value"] for h in entry["request"]["headers"]}
    assert shown["m7-sign"] == shown["m7-appkey"] == shown["m7-nonce"] == REMOVED
    assert shown["content-type"] == "application/json"
    assert entry["_drift"] == ["listen 200 undeclared-field body.x: not declared"]


def test_a_recording_is_never_written_over_and_is_its_owners_only(tmp_path: Path) -> None:
    path = tmp_path / "r.har"
    HarWriter(path, max_bytes=1 << 20).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(FileExistsError):
        HarWriter(path, max_bytes=1 << 20)


def test_a_full_recording_counts_what_it_leaves_out_and_stays_valid(tmp_path: Path) -> None:
    path = tmp_path / "r.har"
    writer = HarWriter(path, max_bytes=3000)
    written = [writer.write(exchange(n)) for n in range(10)]
    writer.close()
    assert written[0] is True
    assert False in written
    assert writer.left_out == written.count(False)
    assert path.stat().st_size <= 3000
    assert len(read_har(path)) == writer.entries


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json at all", "not JSON"),
        ('{"log": {}}', "no log.entries"),
        ('{"log": {"entries": [{"request": {}}]}}', "entries[0]"),
    ],
)
def test_a_bad_recording_is_named(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "bad.har"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HarError, match=re.escape(says)):
        read_har(path)
