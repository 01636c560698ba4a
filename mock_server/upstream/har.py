"""Recordings of the upstream's exchanges as HAR 1.2, the format browsers and other tools read.

A recording is written entry by entry as the answers arrive (``HarWriter``): its head when
opened, each entry on a line of its own in one unbuffered write, the closing brackets when
the mock stops. A crash loses no entry already answered: ``read_har`` reads a recording cut
after its last entry as the complete one it would have been, and one cut inside its last
entry (the disk filled up mid-write) as the entries before it. A write that fails (the disk
full, the file's size limit) stops the recording with one warning: the answer the caller is
waiting for never depends on it, and the exchanges left out are counted.

No credential of either side is ever written: the four ``m7-*`` headers (the upstream's app
key, the fresh signature, its nonce and timestamp), ``authorization``, cookies and the like
are kept by name with the value ``<removed>``. The file is created anew (never over an
earlier recording), readable by its owner only, and bounded (``max_bytes``: once full, further
exchanges are counted, not written).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Final

from m7_call_monitor.signing import HEADER_NAMES
from mock_server.upstream.config import REPLAY_MAX_BYTES

__all__ = [
    "REMOVED",
    "HarError",
    "HarWriter",
    "Recorded",
    "har_entry",
    "read_har",
    "redacted",
]

REMOVED: Final = "<removed>"
#: Headers kept by name only, their value ``<removed>``.
SECRET_HEADERS: Final = frozenset(
    {*HEADER_NAMES, "authorization", "proxy-authorization", "cookie", "set-cookie"}
)


def _own_version() -> str:
    """The mock's version (its distribution's, the document's ``info.version``)."""
    try:
        return metadata.version("m7-mock-server")
    except metadata.PackageNotFoundError:  # run from a tree that was never installed
        return "unknown"


_CREATOR: Final = {"name": "m7-mock", "version": _own_version(), "comment": "m7-mock --record"}
_HEAD: Final = '{"log": {"version": "1.2", "creator": %s, "entries": [\n'
_TAIL: Final = "\n]}}\n"
_log = logging.getLogger("mock_server.upstream")


class HarError(ValueError):
    """A recording cannot be read; the message names the file and what is wrong."""


def redacted(headers: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """HAR headers, every credential's value removed."""
    return [
        {"name": name, "value": REMOVED if name.lower() in SECRET_HEADERS else value}
        for name, value in headers
    ]


@dataclass(frozen=True, slots=True)
class Recorded:
    """One exchange with the upstream, as it went."""

    started: float
    elapsed_ms: float
    method: str
    url: str
    request_headers: Sequence[tuple[str, str]]
    request_body: bytes
    status: int
    reason: str
    response_headers: Sequence[tuple[str, str]]
    response_body: bytes
    operation: str
    #: The disagreements with the document found when it was answered (``str`` of each).
    drift: Sequence[str] = field(default_factory=tuple)


def _content(body: bytes, mime: str) -> dict[str, Any]:
    try:
        return {"size": len(body), "mimeType": mime, "text": body.decode("utf-8")}
    except UnicodeDecodeError:
        text = base64.b64encode(body).decode("ascii")
        return {"size": len(body), "mimeType": mime, "text": text, "encoding": "base64"}


def _mime(headers: Sequence[tuple[str, str]]) -> str:
    return next((v for n, v in headers if n.lower() == "content-type"), "")


def har_entry(exchange: Recorded) -> dict[str, Any]:
    """The HAR 1.2 entry of one exchange (``_operation`` and ``_drift``: this mock's own
    fields, underscored as HAR asks of custom ones)."""
    started = datetime.fromtimestamp(exchange.started, UTC).isoformat(timespec="milliseconds")
    request_mime = _mime(exchange.request_headers) or "application/json"
    request_text = _content(exchange.request_body, request_mime)
    return {
        "startedDateTime": started,
        "time": round(exchange.elapsed_ms, 3),
        "request": {
            "method": exchange.method,
            "url": exchange.url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": redacted(exchange.request_headers),
            "queryString": [],
            "postData": {k: v for k, v in request_text.items() if k != "size"},
            "headersSize": -1,
            "bodySize": len(exchange.request_body),
        },
        "response": {
            "status": exchange.status,
            "statusText": exchange.reason,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": redacted(exchange.response_headers),
            "content": _content(exchange.response_body, _mime(exchange.response_headers)),
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(exchange.response_body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": round(exchange.elapsed_ms, 3), "receive": 0},
        "_operation": exchange.operation,
        "_drift": list(exchange.drift),
    }


class HarWriter:
    """Writes a recording entry by entry; ``close`` completes it (idempotent). A write that
    fails stops the recording: ``write`` and ``close`` never raise once it is open."""

    def __init__(self, path: Path, *, max_bytes: int) -> None:
        self.path = path
        self._max_bytes = max_bytes
        # O_EXCL: an earlier recording (perhaps made with a real account) is never replaced.
        self._descriptor: int | None = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._written = 0
        self.entries = 0
        #: Exchanges not written: the recording was full, or could no longer be written.
        self.left_out = 0
        #: Why the recording stopped early (``None``: it did not).
        self.stopped: str | None = None
        try:
            self._put(_HEAD % json.dumps(_CREATOR))
        except OSError:
            self._drop()
            raise

    def _put(self, text: str) -> None:
        """Write ``text`` whole (no buffer holds part of it back); ``OSError`` when it cannot."""
        assert self._descriptor is not None  # noqa: S101 - callers check
        encoded = text.encode("utf-8")
        data = memoryview(encoded)
        while data:
            data = data[os.write(self._descriptor, data) :]
        self._written += len(encoded)

    def _drop(self) -> None:
        """Close the file, whatever state it is in."""
        if self._descriptor is None:
            return
        descriptor, self._descriptor = self._descriptor, None
        with contextlib.suppress(OSError):
            os.close(descriptor)

    def _stop(self, exc: OSError) -> None:
        """The recording cannot be written any more: say so once, and write no more."""
        self.stopped = exc.strerror or type(exc).__name__
        _log.warning(
            "recording %s: cannot write to it (%s); recording stopped after %d exchange(s), "
            "the answers go on",
            self.path,
            self.stopped,
            self.entries,
        )
        self._drop()

    def write(self, exchange: Recorded) -> bool:
        """Append one exchange; ``False`` when it was left out (closed, full, or not
        writable)."""
        if self._descriptor is None:
            if self.stopped is not None:
                self.left_out += 1
            return False
        text = json.dumps(har_entry(exchange), ensure_ascii=False)
        separator = ",\n" if self.entries else ""
        if self._written + len(separator) + len(text.encode("utf-8")) + len(_TAIL) > (
            self._max_bytes
        ):
            if not self.left_out:
                _log.warning(
                    "recording %s is full (%d bytes): not writing more", self.path, self._max_bytes
                )
            self.left_out += 1
            return False
        try:
            self._put(separator + text)
        except OSError as exc:
            self.left_out += 1
            self._stop(exc)
            return False
        self.entries += 1
        return True

    def describe(self) -> dict[str, int]:
        """What was recorded and what was left out so far (``GET /__mock/config``)."""
        return {"recorded": self.entries, "notRecorded": self.left_out}

    def close(self) -> None:
        """Write the closing brackets and close the file (a recording that stopped early is
        left as it is: ``read_har`` reads what it holds)."""
        if self._descriptor is None:
            return
        try:
            self._put(_TAIL)
        except OSError as exc:
            self._stop(exc)
        self._drop()


def read_har(path: Path, *, max_bytes: int = REPLAY_MAX_BYTES) -> list[dict[str, Any]]:
    """The entries of a recording; one cut after an entry (the mock stopped before closing
    it) reads as complete, one cut inside its last entry as the entries before it.
    ``HarError`` names what is wrong. At most ``max_bytes`` are read, whatever the file is
    (a pipe or a device has no size to check first)."""
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise HarError(f"{path}: larger than {_size(max_bytes)}")
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError, MemoryError) as exc:
        raise HarError(f"{path}: cannot read it ({type(exc).__name__})") from None
    del data
    parsed = _parsed(text, path)
    if parsed is None:
        raise HarError(f"{path}: not a HAR file (not JSON, or nested too deeply)")
    log = parsed.get("log") if isinstance(parsed, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise HarError(f"{path}: not a HAR file (no log.entries)")
    for index, entry in enumerate(entries):
        problem = _entry_problem(entry)
        if problem is not None:
            raise HarError(f"{path}: log.entries[{index}] is not a HAR entry: {problem}")
    return entries


def _size(count: int) -> str:
    mib = 1024 * 1024
    return f"{count / mib:g} MiB" if count >= mib else f"{count} bytes"


def _loads(text: str) -> Any:
    """``text`` as JSON; ``None`` when it is not (or nests beyond the parser's depth)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError, MemoryError):
        return None


def _parsed(text: str, path: Path) -> Any:
    """The JSON of a recording, completed when the mock did not close it: cut after an
    entry, or inside its last one (each entry is one line: that line is dropped)."""
    whole = _loads(text)
    if whole is not None:
        return whole
    cut = text.rstrip()
    completed = _loads(cut.removesuffix(",") + _TAIL)
    if completed is not None:
        return completed
    head, newline, last = cut.rpartition("\n")
    if not newline:
        return None
    completed = _loads(head.rstrip().removesuffix(",") + _TAIL)
    if completed is not None:
        _log.warning(
            "recording %s: its last entry was cut off (%d characters): read without it",
            path,
            len(last),
        )
    return completed


def _is_text(value: Any) -> bool:
    """A string that can be sent (JSON allows a lone surrogate, UTF-8 does not)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _headers_problem(headers: Any, where: str) -> str | None:
    if headers is None:
        return None
    if not isinstance(headers, list):
        return f"{where}.headers is not a list"
    for index, header in enumerate(headers):
        if not (
            isinstance(header, dict)
            and _is_text(header.get("name"))
            and _is_text(header.get("value"))
        ):
            return f"{where}.headers[{index}] is not a {{name, value}} pair of strings"
    return None


def _body_problem(part: dict[str, Any], key: str, where: str) -> str | None:
    body = part.get(key)
    if body is None:
        return None
    if not isinstance(body, dict):
        return f"{where}.{key} is not an object"
    for field_name in ("text", "encoding", "mimeType"):
        if body.get(field_name) is not None and not _is_text(body[field_name]):
            return f"{where}.{key}.{field_name} is not a string (of valid UTF-8)"
    return None


def _entry_problem(entry: Any) -> str | None:
    """What makes ``entry`` unusable as an exchange (``None``: nothing)."""
    if not isinstance(entry, dict):
        return "not an object"
    request, response = entry.get("request"), entry.get("response")
    if not isinstance(request, dict) or not _is_text(request.get("url")):
        return "no request with a url"
    if not isinstance(response, dict):
        return "no response"
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 0 <= status <= 999:
        return "response.status is not a status"
    return (
        _headers_problem(request.get("headers"), "request")
        or _body_problem(request, "postData", "request")
        or _headers_problem(response.get("headers"), "response")
        or _body_problem(response, "content", "response")
    )


def entry_text(part: dict[str, Any], key: str) -> bytes:
    """The body of a HAR request (``postData``) or response (``content``), as bytes."""
    content = part.get(key) or {}
    text = content.get("text") or ""
    if not isinstance(text, str):
        return b""
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text)
        except ValueError:
            return b""
    return text.encode("utf-8")


def entry_header(part: dict[str, Any], name: str) -> str | None:
    """The first header ``name`` of a HAR request or response."""
    for header in part.get("headers") or []:
        if isinstance(header, dict) and str(header.get("name", "")).lower() == name:
            return str(header.get("value", ""))
    return None
