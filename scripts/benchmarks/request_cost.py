"""Per-request cost inside the mock's app: our code against the framework's, before and after.

No server and no network: signed ``listen`` requests are driven straight into the ASGI app
of ``create_app(Settings())`` (the ``make mock`` defaults: strict authentication, the access
log on, written to ``/dev/null`` here), one after another on one event loop. Two numbers per
checkout:

* the wall time per request, without a profiler;
* how that time splits between our code (``mock_server/``, ``m7_call_monitor/``), the
  framework (``connexion/``, ``starlette/``) and the rest (stdlib, logging, C extensions),
  from ``cProfile``'s self time, scaled to the unprofiled time. cProfile weighs Python calls
  more than C calls, so the split is an estimate; the wall time is not.

A checkout other than this one (``--before REF``) is taken with ``git archive`` into a
temporary directory and measured in its own interpreter, alternating with this one.
Run as a file (``python request_cost.py ROOT N``) it is that interpreter: it prints JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

GROUPS = ("our code", "framework", "rest")
_PATH = "/openapi/v1/call/listen"
_BODY = b'{"listenAgent":"2002","agentNumber":"9527"}'


def _group(filename: str) -> str:
    if "/mock_server/" in filename or "/m7_call_monitor/" in filename:
        return "our code"
    if "/connexion/" in filename or "/starlette/" in filename:
        return "framework"
    return "rest"


def _worker(root: Path, requests: int) -> dict[str, Any]:  # pragma: no cover - subprocess
    """Measure the checkout at ``root`` (run in a fresh interpreter)."""
    sys.path[:0] = [str(root), str(root / "generated_client")]
    import asyncio
    import cProfile
    import gc
    import logging
    import os
    import pstats
    import time
    import warnings

    warnings.filterwarnings("ignore")
    from m7_call_monitor.signing import sign
    from mock_server.app import create_app
    from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET, Settings

    access = logging.getLogger("mock_server.access")
    access.handlers[:] = [logging.StreamHandler(open(os.devnull, "w"))]  # noqa: SIM115
    access.propagate = False
    access.setLevel(logging.INFO)
    app = create_app(Settings())
    gc.collect()
    gc.freeze()
    now = str(int(time.time()))
    counter = iter(range(10**6))

    def headers() -> list[tuple[bytes, bytes]]:
        nonce = f"{next(counter):06d}"
        return [
            (b"host", b"127.0.0.1:4010"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(_BODY)).encode()),
            (b"m7-appkey", DEMO_APP_KEY.encode()),
            (b"m7-nonce", nonce.encode()),
            (b"m7-timestamp", now.encode()),
            (b"m7-sign", sign(DEMO_APP_KEY, DEMO_SECRET, now, nonce).encode()),
        ]

    async def one(request_headers: list[tuple[bytes, bytes]]) -> int:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": _PATH,
            "raw_path": _PATH.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": request_headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 4010),
        }
        delivered = False
        done = asyncio.Event()
        status = 0

        async def receive() -> MutableMapping[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": _BODY, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif not message.get("more_body", False):
                done.set()

        await app(scope, receive, send)
        return status

    async def run(count: int) -> float:
        prepared = [headers() for _ in range(count)]
        started = time.perf_counter()
        for request_headers in prepared:
            status = await one(request_headers)
            if status != 200:
                raise SystemExit(f"{root}: a request got {status}, not 200")
        return (time.perf_counter() - started) / count

    async def main() -> dict[str, Any]:
        await run(1000)  # warm-up
        wall = min([await run(requests) for _ in range(3)])
        profiler = cProfile.Profile()
        prepared = [headers() for _ in range(requests)]
        profiler.enable()
        for request_headers in prepared:
            await one(request_headers)
        profiler.disable()
        totals = dict.fromkeys(GROUPS, 0.0)
        stats: Any = getattr(pstats.Stats(profiler), "stats")  # noqa: B009 - untyped
        for (filename, _, _), (_, _, self_time, _, _) in stats.items():
            totals[_group(filename)] += self_time
        whole = sum(totals.values()) or 1.0
        return {
            "us_per_request": wall * 1e6,
            "split_us": {g: wall * 1e6 * totals[g] / whole for g in GROUPS},
        }

    return asyncio.run(main())


def _measure(root: Path, requests: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, str(root), str(requests)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"request cost of {root} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def export_tree(repository: Path, ref: str, into: Path) -> Path:
    """The tree of ``ref`` (any git revision) unpacked into ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    archive = into / "tree.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "archive", ref], cwd=repository, stdout=handle, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def measure_request_cost(
    repository: Path, before: str | None, requests: int = 5000, rounds: int = 2
) -> dict[str, Any]:
    """``{"after": ..., "before": ...}`` (``before`` only with a ref), best of ``rounds``
    alternating runs each."""
    with tempfile.TemporaryDirectory(prefix="m7-cost-") as tmp:
        roots = {"after": repository}
        if before is not None:
            roots["before"] = export_tree(repository, before, Path(tmp))
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in roots}
        for _ in range(rounds):
            for name, root in roots.items():
                runs[name].append(_measure(root, requests))
    best = {
        name: min(found, key=lambda r: float(r["us_per_request"])) for name, found in runs.items()
    }
    if before is not None:
        best["before"]["ref"] = before
    return best


if __name__ == "__main__":
    # Run as a file, this folder is first on the path, where profile.py would shadow the
    # standard library's (which cProfile imports).
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
    print(json.dumps(_worker(Path(sys.argv[1]), int(sys.argv[2]))))
