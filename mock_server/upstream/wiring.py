"""The parts a mock answering from elsewhere holds, built once from its ``MockMode``.

``build_elsewhere`` opens the recording to write (a new file) and reads the one to replay;
``Elsewhere.close`` completes the recording (the server's shutdown calls it), ``aclose``
also closes the upstream connections.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from mock_server.upstream.config import MockMode, UpstreamConfigError
from mock_server.upstream.drift import document_check
from mock_server.upstream.forwarder import Forwarder
from mock_server.upstream.har import HarError, HarWriter
from mock_server.upstream.replay import Recording, ReplaySource
from mock_server.upstream.sources import AnswerSource, DriftCounters, ProxySource

__all__ = ["Elsewhere", "build_elsewhere"]


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
        described["recorded"] = self.recorder.entries if self.recorder is not None else None
        described["replayable"] = len(self.recording) if self.recording is not None else None
        return described

    def close(self) -> None:
        """Complete the recording (idempotent)."""
        if self.recorder is not None:
            self.recorder.close()

    async def aclose(self) -> None:
        """Close the upstream connections and complete the recording."""
        if self.forwarder is not None:
            await self.forwarder.aclose()
        self.close()


def build_elsewhere(
    mode: MockMode, *, transport: httpx.AsyncBaseTransport | None = None
) -> Elsewhere | None:
    """The parts of ``mode``; ``None`` when simulating. ``UpstreamConfigError`` names an
    unusable mode or file."""
    if mode.kind == "simulate":
        return None
    problems = mode.problems()
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
        recording = Recording.read(mode.replay, check)
    except HarError as exc:
        if recorder is not None:
            recorder.close()
        raise UpstreamConfigError(f"--replay {exc}") from None
    source = ReplaySource(recording, check, counters, fallback=mode.fallback, upstream=proxy)
    return Elsewhere(mode, source, counters, forwarder, recorder, recording)
