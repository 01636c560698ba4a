"""Recordings of the upstream's exchanges as HAR 1.2, the format browsers and other tools read.

A recording is written entry by entry as the answers arrive (``HarWriter``): its head when
opened, each entry in one write followed by a flush, the closing brackets when the mock
stops. A crash loses no entry already answered: ``read_har`` reads a recording cut after
its last entry as the complete one it would have been.

No credential of either side is ever written: the four ``m7-*`` headers (the upstream's app
key, the fresh signature, its nonce and timestamp), ``authorization``, cookies and the like
are kept by name with the value ``<removed>``. The file is created anew (never over an
earlier recording), readable by its owner only, and bounded (``max_bytes``: once full, further
exchanges are counted, not written).
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Final

from m7_call_monitor.signing import HEADER_NAMES

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
_CREATOR: Final = {"name": "m7-mock", "version": "1", "comment": "m7-mock --record"}
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
    """Writes a recording entry by entry; ``close`` completes it (idempotent)."""

    def __init__(self, path: Path, *, max_bytes: int) -> None:
        self.path = path
        self._max_bytes = max_bytes
        # O_EXCL: an earlier recording (perhaps made with a real account) is never replaced.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file: IO[str] | None = os.fdopen(descriptor, "w", encoding="utf-8")
        self._written = 0
        self.entries = 0
        #: Exchanges not written because the recording was full.
        self.left_out = 0
        self._put(_HEAD % json.dumps(_CREATOR))

    def _put(self, text: str) -> None:
        assert self._file is not None  # noqa: S101 - callers check
        self._file.write(text)
        self._file.flush()
        self._written += len(text.encode("utf-8"))

    def write(self, exchange: Recorded) -> bool:
        """Append one exchange; ``False`` when it was left out (closed, or full)."""
        if self._file is None:
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
        self._put(separator + text)
        self.entries += 1
        return True

    def close(self) -> None:
        """Write the closing brackets and close the file."""
        if self._file is None:
            return
        self._put(_TAIL)
        self._file.close()
        self._file = None


def read_har(path: Path, *, max_bytes: int = 256 * 1024 * 1024) -> list[dict[str, Any]]:
    """The entries of a recording; one cut after an entry (the mock stopped before closing
    it) reads as complete. ``HarError`` names what is wrong."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise HarError(f"{path}: larger than {max_bytes} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HarError(f"{path}: cannot read it ({type(exc).__name__})") from None
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = json.loads(text.rstrip().removesuffix(",") + _TAIL)
        except ValueError:
            raise HarError(f"{path}: not a HAR file (not JSON)") from None
    log = data.get("log") if isinstance(data, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise HarError(f"{path}: not a HAR file (no log.entries)")
    for index, entry in enumerate(entries):
        if not _is_entry(entry):
            raise HarError(f"{path}: log.entries[{index}] is not a HAR entry with a response")
    return entries


def _is_entry(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    request, response = entry.get("request"), entry.get("response")
    return (
        isinstance(request, dict)
        and isinstance(request.get("url"), str)
        and isinstance(response, dict)
        and isinstance(response.get("status"), int)
        and isinstance(response.get("content", {}), dict)
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
