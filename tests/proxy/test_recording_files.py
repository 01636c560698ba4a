"""The recording file: HAR 1.2, written entry by entry (a crash loses no answered entry),
bounded, never over an earlier recording, and without any credential."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import subprocess
import sys
import threading
from importlib import metadata
from pathlib import Path

import pytest

from mock_server.upstream.config import RECORD_MAX_BYTES, REPLAY_MAX_BYTES
from mock_server.upstream.har import (
    REMOVED,
    HarError,
    HarWriter,
    har_entry,
    read_har,
)
from tests.proxy.recordings import exchange
from tests.support.document import ROOT


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
    assert data["log"]["creator"]["version"] == metadata.version("m7-mock-server")
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


#: Fills the disk under a writer: the file may grow to LIMIT bytes (RLIMIT_FSIZE; the signal
#: ignored, a write beyond fails with EFBIG, as with ENOSPC); prints what each write said.
FULL_DISK = """
import json, resource, signal, sys
from pathlib import Path
from mock_server.upstream.har import HarWriter
from tests.proxy.recordings import exchange
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
writer = HarWriter(Path(sys.argv[1]), max_bytes=1 << 26)
written = [writer.write(exchange(n)) for n in range(10)]
writer.close()
print(json.dumps({"written": written, **writer.describe(), "stopped": writer.stopped}))
"""


def test_a_disk_that_fills_up_stops_the_recording_and_keeps_what_was_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The writer never raises once open; the entry cut in the middle is dropped on reading,
    and every entry written before it reads back."""
    pytest.importorskip("resource")
    path = tmp_path / "r.har"
    one = len(json.dumps(har_entry(exchange(1)), ensure_ascii=False)) + 2
    limit = 200 + 3 * one + one // 2  # the head, three entries, half of the fourth
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(path), str(limit)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert said["written"] == [True] * 3 + [False] * 7
    assert (said["recorded"], said["notRecorded"]) == (3, 7)
    assert said["stopped"] == os.strerror(errno.EFBIG)
    assert done.stderr.count("cannot write to it") == 1  # one warning, no traceback
    assert "Traceback" not in done.stderr
    assert path.stat().st_size == limit  # the fourth entry is there, cut
    entries = read_har(path)
    assert [json.loads(e["request"]["postData"]["text"])["agentNumber"] for e in entries] == [
        "0",
        "1",
        "2",
    ]
    assert "last entry was cut off" in caplog.text


def test_a_recording_cut_inside_its_first_entry_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "r.har"
    writer = HarWriter(path, max_bytes=1 << 20)
    writer.write(exchange(1))
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 40])
    assert read_har(path) == []
    path.write_bytes(whole[:20])  # inside the head: nothing to keep
    with pytest.raises(HarError, match="not a HAR file"):
        read_har(path)


def _entry(**changes: object) -> dict[str, object]:
    """A recorded entry with ``request.X`` / ``response.X`` changed as ``request__X=...``."""
    entry = har_entry(exchange(1))
    for name, value in changes.items():
        part, key = name.split("__")
        entry[part][key] = value
    return entry


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        pytest.param(_entry(response__headers=5), "response.headers is not a list", id="int"),
        pytest.param(_entry(response__headers=[5]), "response.headers[0]", id="header-int"),
        pytest.param(
            _entry(request__headers=[{"name": "a", "value": 1}]),
            "request.headers[0]",
            id="header-value",
        ),
        pytest.param(_entry(request__postData="oops"), "request.postData", id="post-data"),
        pytest.param(
            _entry(request__postData={"text": ["x"]}), "request.postData.text", id="post-text"
        ),
        pytest.param(_entry(response__content=[]), "response.content", id="content"),
        pytest.param(
            _entry(response__content={"text": "e30=", "encoding": 64}),
            "response.content.encoding",
            id="encoding",
        ),
        pytest.param(_entry(response__status=True), "response.status", id="status-bool"),
        pytest.param(_entry(response__status="200"), "response.status", id="status-text"),
        pytest.param(_entry(request__url=None), "url", id="url"),
        pytest.param(
            _entry(response__content={"text": "\ud800"}),
            "response.content.text",
            id="lone-surrogate",
        ),
    ],
)
def test_an_entry_the_replay_or_the_report_could_not_use_is_named(
    tmp_path: Path, entry: dict[str, object], says: str
) -> None:
    path = tmp_path / "bad.har"
    path.write_text(json.dumps({"log": {"entries": [har_entry(exchange(0)), entry]}}))
    with pytest.raises(HarError, match=re.escape(says)) as refused:
        read_har(path)
    assert "log.entries[1]" in str(refused.value)


def test_a_har_nested_too_deeply_is_named(tmp_path: Path) -> None:
    path = tmp_path / "deep.har"
    path.write_text('{"log": {"entries": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    with pytest.raises(HarError, match="not a HAR file"):
        read_har(path)


def test_at_most_max_bytes_are_read_from_a_file_without_a_size(tmp_path: Path) -> None:
    """A device or a pipe says size 0: the bound holds on what is read, not on what the file
    claims."""
    with pytest.raises(HarError, match="larger than 1000 bytes"):
        read_har(Path("/dev/zero"), max_bytes=1000)
    fifo = tmp_path / "pipe.har"
    os.mkfifo(fifo)

    def feed() -> None:
        with contextlib.suppress(BrokenPipeError), fifo.open("wb") as sink:
            for _ in range(100):
                sink.write(b" " * 1000)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    with pytest.raises(HarError, match="larger than 1000 bytes"):
        read_har(fifo, max_bytes=1000)
    feeder.join(timeout=10)
    assert not feeder.is_alive()
    # The default bound is close to what the mock writes at most.
    assert RECORD_MAX_BYTES <= REPLAY_MAX_BYTES <= RECORD_MAX_BYTES * 1.1
