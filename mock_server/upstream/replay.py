"""Answering from a recording (``m7-mock --replay FILE``), with the upstream stopped.

A request is matched by its operation and its body, ``actionId`` ignored (a caller's label,
new on every call): the vendor generates nothing in a request body, so what is left is the
supervisor and the agent. One request recorded several times (``listen`` accepted, then
refused because the supervisor was already listening) is answered in the recorded order,
the last answer again once they are used up. Where each account is in that order is its
own (two teams replaying the same file do not take each other's answers), and the
account's reset (``POST /__mock/reset``, which ``app.py`` hands to ``ReplaySource.reset``)
starts it over. The answer is the recorded one, its ``actionId`` (and the echoed
``requestInfo.body``) the caller's when they differ.

A request the recording does not hold gets a 404 envelope naming what was not found, or,
with ``--replay-fallback``, the simulated call center's answer or the upstream's.
"""

from __future__ import annotations

import json
import weakref
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from mock_server.http.envelope import Answer, error_answer
from mock_server.http.record import RequestRecord
from mock_server.model.state import MockState
from mock_server.upstream.config import Fallback
from mock_server.upstream.drift import DriftCheck
from mock_server.upstream.har import entry_header, entry_text, read_har
from mock_server.upstream.sources import (
    AnswerSource,
    DriftCounters,
    PassedOn,
    SourcedAnswer,
    checked,
    journal_answer,
)

__all__ = ["Recording", "ReplaySource", "match_key"]

#: Body fields left out of the match: the caller's label.
IGNORED_FIELDS: Final = frozenset({"actionId"})
#: The recorded answer headers a replay sends again.
_REPLAYED_HEADERS: Final = ("content-type", "retry-after")


def match_key(operation: str, body: Mapping[str, Any]) -> str:
    """What a request is matched by: its operation and body, ``actionId`` left out."""
    kept = {k: v for k, v in body.items() if k not in IGNORED_FIELDS}
    return operation + " " + json.dumps(kept, sort_keys=True, ensure_ascii=False)


#: One recorded exchange: the request body and the HAR response.
_Exchange = tuple[dict[str, Any], dict[str, Any]]


class Recording:
    """A HAR recording's answers by ``match_key``, in the recorded order."""

    def __init__(self, path: Path, entries: Sequence[dict[str, Any]], check: DriftCheck) -> None:
        self.path = path
        self._by_key: dict[str, list[_Exchange]] = {}
        self.skipped = 0
        for entry in entries:
            operation = entry.get("_operation")
            if not isinstance(operation, str) or operation not in check.operations:
                operation = check.operation_of(_vendor_path(entry["request"]["url"], check))
            try:
                body = json.loads(entry_text(entry["request"], "postData"))
                key = match_key(operation, body) if isinstance(body, dict) and operation else None
            except (ValueError, RecursionError):
                key = None
            if key is None or not 100 <= entry["response"]["status"] <= 599:
                self.skipped += 1  # not a request to one of the five, or no answer to send
                continue
            self._by_key.setdefault(key, []).append((body, entry["response"]))

    @classmethod
    def read(cls, path: Path, check: DriftCheck) -> Recording:
        """The recording at ``path`` (``HarError`` when it cannot be read)."""
        return cls(path, read_har(path), check)

    def __len__(self) -> int:
        return sum(len(a) for a in self._by_key.values())

    def holds(self, operation: str, body: Mapping[str, Any]) -> bool:
        return match_key(operation, body) in self._by_key

    def answer(self, key: str, position: int) -> _Exchange:
        """The recorded (request body, HAR response) at ``position`` of the request ``key``;
        the last one again beyond."""
        answers = self._by_key[key]
        return answers[min(position, len(answers) - 1)]


def _vendor_path(url: str, check: DriftCheck) -> str:
    """The vendor path in a recorded URL (whatever prefix the upstream's base URL had)."""
    path = urlsplit(url).path
    for operation_path in check.paths:
        if path.endswith(operation_path):
            return operation_path
    return path


def _patched(content: bytes, recorded: Mapping[str, Any], body: Mapping[str, Any]) -> bytes:
    """The recorded answer with the caller's ``actionId`` where the recorded request's was
    echoed (and the caller's body in ``requestInfo.body``); unchanged when they agree, or
    when the answer is not the JSON object this expects."""
    if recorded.get("actionId") == body.get("actionId"):
        return content
    try:
        answer = json.loads(content)
        if not isinstance(answer, dict):
            return content
        if "actionId" in answer:
            data = answer.get("data")
            request = data.get("request") if isinstance(data, dict) else None
            system_id = request.get("requestId") if isinstance(request, dict) else None
            if "actionId" in body:
                answer["actionId"] = body["actionId"]
            elif isinstance(system_id, str):
                answer["actionId"] = system_id
            else:
                del answer["actionId"]
        info = answer.get("requestInfo")
        if isinstance(info, dict) and isinstance(info.get("body"), dict):
            info["body"] = dict(body)
        return json.dumps(answer, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):
        return content


def _header_value(response: dict[str, Any], name: str) -> bytes | None:
    """A recorded answer header to send again; ``None`` when absent or not sendable."""
    value = entry_header(response, name)
    if value is None or not value.isprintable():
        return None
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return None


class ReplaySource:
    """Answers from a recording; what it does not hold goes to ``fallback``."""

    def __init__(
        self,
        recording: Recording,
        check: DriftCheck,
        counters: DriftCounters,
        *,
        fallback: Fallback = "none",
        upstream: AnswerSource | None = None,
    ) -> None:
        self._recording = recording
        self._check = check
        self.counters = counters
        self._fallback = fallback
        self._upstream = upstream
        #: How many answers of each request each account has taken (its place in the
        #: recorded order), by the account's state: a removed account's goes with it.
        self._positions: weakref.WeakKeyDictionary[MockState, Counter[str]] = (
            weakref.WeakKeyDictionary()
        )

    def reset(self, state: MockState) -> None:
        """Start the account's replay over: its next request gets the first recorded answer
        again (the account's ``POST /__mock/reset``)."""
        self._positions.pop(state, None)

    def answerer(self, operation: str, body: Mapping[str, Any]) -> PassedOn | None:
        if self._recording.holds(operation, body):
            return partial(self._replayed, operation)
        if self._fallback == "simulate":
            return None
        if self._fallback == "upstream" and self._upstream is not None:
            return self._upstream.answerer(operation, body)
        return partial(self._not_recorded, operation)

    async def _replayed(
        self, operation: str, state: MockState, record: RequestRecord, body: dict[str, Any]
    ) -> Answer:
        key = match_key(operation, body)
        taken = self._positions.setdefault(state, Counter())
        recorded, response = self._recording.answer(key, taken[key])
        taken[key] += 1
        status = int(response["status"])
        content = _patched(entry_text(response, "content"), recorded, body)
        headers = tuple(
            (name.encode("latin-1"), value)
            for name in _REPLAYED_HEADERS
            if (value := _header_value(response, name)) is not None
        )
        content_type = entry_header(response, "content-type")
        found = checked(self._check, self.counters, operation, status, content_type, content)
        answer = SourcedAnswer(status, content, headers)
        await journal_answer(state, record, operation, answer, found)
        return answer

    async def _not_recorded(
        self, operation: str, state: MockState, record: RequestRecord, body: dict[str, Any]
    ) -> Answer:
        del state
        asked = ", ".join(f"{k}={v}" for k, v in sorted(body.items()) if k not in IGNORED_FIELDS)
        return error_answer(
            record,
            404,
            f"replay: {self._recording.path.name} holds no {operation} with {asked} "
            "(actionId ignored); record it through --upstream with --record, or start the "
            "mock with --replay-fallback simulate or upstream",
        )
