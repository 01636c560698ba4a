"""Pre-signed listen requests, never the same ``timestamp + nonce`` pair twice in a run.

The mock refuses a replayed signature, so a load run that reused one would measure its
refusals instead of the work of a listen; signing ahead of time keeps the signing cost out of
wrk's loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

from m7_call_monitor.signing import sign

from .common import BODY, LISTEN_PATH

#: Timestamps of pre-signed requests are spread over this many seconds before "now", well
#: inside the 300 s window even after the longest round.
TIMESTAMP_SPREAD: Final = 120


class SignaturePool:
    """Hands out signed (timestamp, nonce, sign) triples, never the same pair twice in a run.

    Nonces are 6 digits, so with one app key and one timestamp there are only 10**6 pairs.
    The nonce is a run-wide counter (unique for the first million requests) and the
    timestamp cycles over the last ``TIMESTAMP_SPREAD`` seconds; a set of every pair handed
    out makes uniqueness hold however long the run is.
    """

    def __init__(self, app_key: str, secret: str, *, clock: Callable[[], float] = time.time):
        self._app_key = app_key
        self._secret = secret
        self._clock = clock
        self._counter = 0
        self._used: set[tuple[str, str]] = set()

    @property
    def issued(self) -> int:
        return len(self._used)

    def take(self, count: int) -> list[tuple[str, str, str]]:
        now = int(self._clock())
        triples: list[tuple[str, str, str]] = []
        while len(triples) < count:
            counter = self._counter
            self._counter += 1
            timestamp = str(now - counter % TIMESTAMP_SPREAD)
            nonce = f"{counter % 1_000_000:06d}"
            if (timestamp, nonce) in self._used:
                continue
            self._used.add((timestamp, nonce))
            triples.append((timestamp, nonce, sign(self._app_key, self._secret, timestamp, nonce)))
        return triples

    def headers(self) -> dict[str, str]:
        """The four m7-* headers of one fresh request (plus content-type)."""
        ((timestamp, nonce, signature),) = self.take(1)
        return {
            "content-type": "application/json",
            "m7-appkey": self._app_key,
            "m7-nonce": nonce,
            "m7-timestamp": timestamp,
            "m7-sign": signature,
        }

    def write(self, prefix: Path, count: int, threads: int) -> None:
        """Write ``count`` fresh requests as ``prefix.0`` .. ``prefix.<threads-1>``."""
        triples = self.take(count)
        for index in range(threads):
            lines = (f"{t} {n} {s}\n" for t, n, s in triples[index::threads])
            Path(f"{prefix}.{index}").write_text("".join(lines), encoding="ascii")


def raw_request(pool: SignaturePool, port: int) -> bytes:
    """One signed listen request as bytes, for the socket-level probes."""
    headers = pool.headers()
    lines = [f"POST {LISTEN_PATH} HTTP/1.1", f"host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"content-length: {len(BODY)}", "connection: close", "", BODY]
    return "\r\n".join(lines).encode()
