"""The parts a mock answering from elsewhere holds, built once from its ``MockMode``.

``build_elsewhere`` opens the recording to write (a new file) and reads the one to replay
(unless ``m7-mock`` read it already); ``Elsewhere.close`` completes the recording (the
server's shutdown calls it), ``aclose`` also closes the upstream connections;
``Elsewhere.after_reset`` wraps the admin API so that an account's reset starts its replay
over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.http.record import RequestRecord, record_of
from mock_server.model.state import MockState
from mock_server.upstream.config import MockMode, UpstreamConfigError
from mock_server.upstream.drift import document_check
from mock_server.upstream.forwarder import Forwarder
from mock_server.upstream.har import HarError, HarWriter
from mock_server.upstream.replay import Recording, ReplaySource
from mock_server.upstream.sources import AnswerSource, DriftCounters, ProxySource

__all__ = ["Elsewhere", "build_elsewhere"]

_log = logging.getLogger("mock_server.upstream")


@dataclass(eq=False)
class Elsewhere:
    """The answer source of a mock in proxy or replay mode, and what it holds open."""

    mode: MockMode
    source: AnswerSource
    counters: DriftCounters
    forwarder: Forwarder | None = None
    recorder: HarWriter | None = None
    recording: Recording | None = None

    def describe(self) -> dict[str, Any]:
        """The ``mode`` of ``GET /__mock/config``, with the counts so far."""
        described = self.mode.describe()
        described["drift"] = self.counters.to_dict()
        recorder = self.recorder.describe() if self.recorder is not None else {}
        described["recorded"] = recorder.get("recorded")
        described["notRecorded"] = recorder.get("notRecorded")
        described["replayable"] = len(self.recording) if self.recording is not None else None
        return described

    def reset(self, state: MockState) -> None:
        """The account of ``state`` was reset: its replay starts over."""
        if isinstance(self.source, ReplaySource):
            self.source.reset(state)

    def after_reset(
        self, app: ASGIApp, *, path: str, state_of: Callable[[RequestRecord], MockState]
    ) -> ASGIApp:
        """``app`` (the admin API) with each successful ``POST path`` (the reset) also
        starting over the replay of the account it reset (``state_of``: the account an
        admin request names)."""
        return _AfterReset(app, path, state_of, self.reset)

    def close(self) -> None:
        """Complete the recording (idempotent)."""
        if self.recorder is not None:
            self.recorder.close()

    async def aclose(self) -> None:
        """Close the upstream connections and complete the recording."""
        if self.forwarder is not None:
            await self.forwarder.aclose()
        self.close()


class _AfterReset:
    """Calls ``reset(state_of(record))`` as a ``POST path`` is answered with success, before
    the answer leaves (the caller's next request sees the replay started over)."""

    def __init__(
        self,
        app: ASGIApp,
        path: str,
        state_of: Callable[[RequestRecord], MockState],
        reset: Callable[[MockState], None],
    ) -> None:
        self.app = app
        self._path = path
        self._state_of = state_of
        self._reset = reset

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self._path:
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                try:
                    self._reset(self._state_of(record_of(scope)))
                except Exception as exc:  # the account's reset happened: its answer goes out
                    _log.warning("replay: not started over after a reset (%s)", type(exc).__name__)
            await send(message)

        await self.app(scope, receive, sending)


def build_elsewhere(
    mode: MockMode, *, auth_mode: str, transport: httpx.AsyncBaseTransport | None = None
) -> Elsewhere | None:
    """The parts of ``mode`` for a vendor API authenticating in ``auth_mode``; ``None`` when
    simulating. ``UpstreamConfigError`` names an unusable mode or file."""
    if mode.kind == "simulate":
        return None
    problems = mode.problems(auth_mode=auth_mode)
    if problems:
        raise UpstreamConfigError("; ".join(problems))
    check = document_check()
    counters = DriftCounters()
    forwarder = recorder = proxy = None
    if mode.upstream is not None:
        forwarder = Forwarder(mode.upstream, transport=transport)
        if mode.record is not None:
            try:
                recorder = HarWriter(mode.record, max_bytes=mode.record_max_bytes)
            except FileExistsError:
                raise UpstreamConfigError(
                    f"--record {mode.record}: exists already; a recording is never replaced "
                    "(move it away or name another file)"
                ) from None
            except OSError as exc:
                raise UpstreamConfigError(
                    f"--record {mode.record}: cannot create it ({exc.strerror or type(exc).__name__})"
                ) from None
        proxy = ProxySource(forwarder, check, counters, recorder)
    if mode.replay is None:
        assert proxy is not None  # noqa: S101 - kind is "proxy"
        return Elsewhere(mode, proxy, counters, forwarder, recorder)
    try:
        if mode.replay_entries is not None:
            recording = Recording(mode.replay, mode.replay_entries, check)
        else:
            recording = Recording.read(mode.replay, check)
    except HarError as exc:
        if recorder is not None:
            recorder.close()
        raise UpstreamConfigError(f"--replay {exc}") from None
    source = ReplaySource(recording, check, counters, fallback=mode.fallback, upstream=proxy)
    return Elsewhere(mode, source, counters, forwarder, recorder, recording)
