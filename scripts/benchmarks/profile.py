"""Where the mock's CPU goes per request: py-spy's samples, grouped by layer.

Only with ``--profile DIR`` (`make bench-profile`): a profiler slows the mock down, so its
shares are scaled by the CPU time per request of an unprofiled round.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

from .common import log
from .load import Round, pool_size_for, run_wrk
from .processes import Service
from .signatures import SignaturePool


def ensure_py_spy() -> str:
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if found:
        return found
    log("py-spy is missing: installing py-spy==0.4.3 into this environment")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "py-spy==0.4.3"], check=True)
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit("py-spy could not be installed: pip install py-spy==0.4.3")
    return found


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


_FRAME: Final = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?):\d+\)$")


def layer_of(frame: str) -> str:
    """Where a py-spy frame's code lives: a mock_server file, a package, or a stdlib module."""
    match = _FRAME.match(frame)
    if not match:
        return frame
    file = match.group("file")
    parts = file.split("/")
    if "mock_server" in parts:
        return "mock_server/" + parts[-1]
    if "m7_call_monitor" in parts:
        return "m7_call_monitor/" + parts[-1]
    if len(parts) > 1:
        return parts[-2] if parts[-2] in {"site-packages", "lib"} else parts[0]
    return parts[0].removesuffix(".py")


#: Layers grouped by what they do, for the per-request budget (first match wins).
GROUPS: Final = (
    ("HTTP server: uvicorn, httptools, asyncio (incl. the socket writes)", ("uvicorn", "asyncio")),
    ("framework: starlette + connexion routing and middleware", ("starlette", "connexion")),
    ("access log: mock_server/access_log.py + logging", ("mock_server/access_log.py", "logging")),
    (
        "response: envelope, ids, uuid, JSON",
        ("mock_server/envelope.py", "mock_server/ids.py", "uuid", "json"),
    ),
    (
        "authentication: signature, replay cache",
        ("mock_server/auth.py", "hmac", "m7_call_monitor/", "base64", "mock_server/replay.py"),
    ),
    (
        "call-center model + handlers",
        ("mock_server/callcenter.py", "mock_server/handlers.py", "mock_server/dispatch.py"),
    ),
    ("body validation", ("mock_server/validation.py", "jsonschema")),
    ("other mock layers (transport, guards, CORS, faults, journal, ...)", ("mock_server/",)),
)


def group_of(layer: str) -> str:
    for name, keys in GROUPS:
        if any(layer == key or (key.endswith("/") and layer.startswith(key)) for key in keys):
            return name
    return "other (stdlib, dataclass __init__, ...)"


def summarise_profile(raw_path: Path, cpu_us_per_request: float) -> str:
    """Self time per layer (file or package) and per function, from py-spy's collapsed stacks.

    Shares are of the samples in which the mock's thread was busy; µs are those shares of
    the mock's measured CPU time per request.
    """
    self_time: dict[str, int] = {}
    layer_time: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in raw_path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        leaf = frames[-1]
        self_time[leaf] = self_time.get(leaf, 0) + count
        layer = layer_of(leaf)
        layer_time[layer] = layer_time.get(layer, 0) + count
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + count
    if not total:
        return "py-spy recorded no samples"

    def row(count: int, name: str) -> str:
        share = count / total
        return f"  {share:6.1%}  {share * cpu_us_per_request:7.1f} µs  {name}"

    groups: dict[str, int] = {}
    for layer, count in layer_time.items():
        groups[group_of(layer)] = groups.get(group_of(layer), 0) + count
    out = [f"{total} samples; µs are shares of {cpu_us_per_request:.0f} µs of CPU per request"]
    out.append("\nself time by group:")
    out += [row(c, n) for n, c in sorted(groups.items(), key=lambda kv: -kv[1])]
    out.append("\nself time by layer (file of mock_server, package, or stdlib module):")
    out += [row(c, n) for n, c in sorted(layer_time.items(), key=lambda kv: -kv[1])[:25]]
    out.append("\ntop functions by self time:")
    out += [row(c, n) for n, c in sorted(self_time.items(), key=lambda kv: -kv[1])[:25]]
    out.append("\ntop functions by inclusive time:")
    out += [row(c, n) for n, c in sorted(inclusive.items(), key=lambda kv: -kv[1])[:45]]
    return "\n".join(out)


def profile_mock(
    args: argparse.Namespace, mock: Service, pool: SignaturePool, workdir: Path, wrk: str
) -> str:
    """Where the mock's CPU goes per request: py-spy shares scaled by unprofiled CPU time.

    First a plain round measures the mock's CPU time per request (from /proc, no profiler
    attached); then a round under py-spy (blocking sampling, 250 Hz, idle excluded) gives
    the shares of that time. The collapsed stacks are kept (speedscope.app opens them).
    """
    py_spy = ensure_py_spy()
    out_dir: Path = args.profile
    out_dir.mkdir(parents=True, exist_ok=True)
    if mock.process is None:
        raise SystemExit("the mock is not running")
    pid = mock.process.pid
    seconds = max(args.duration, 5)
    raw_path = out_dir / "mock-profile.txt"

    def load() -> Round:
        return run_wrk(
            wrk,
            mock,
            pool,
            workdir / "pool-profile",
            seconds=seconds,
            threads=args.threads,
            connections=args.connections,
            pool_size=pool_size_for(None, seconds, None),
        )

    cpu_before = _cpu_seconds(pid)
    plain = load()
    cpu_per_request = (_cpu_seconds(pid) - cpu_before) / max(plain.requests, 1) * 1e6
    spy_argv = [py_spy, "record", "--pid", str(pid), "--rate", "250", "--function"]
    spy_argv += ["--duration", str(seconds + 1), "--format", "raw", "--output", str(raw_path)]
    recorder = subprocess.Popen(spy_argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        profiled = load()
    finally:
        try:
            recorder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            recorder.terminate()
            recorder.wait(timeout=10)
    summary = summarise_profile(raw_path, cpu_per_request)
    header = (
        f"unprofiled round: {plain.rps:,.0f} req/s, {cpu_per_request:.0f} µs of mock CPU per "
        f"request, statuses {plain.statuses}; profiled round: {profiled.rps:,.0f} req/s, "
        f"statuses {profiled.statuses}; collapsed stacks in {raw_path}"
    )
    (out_dir / "mock-profile-summary.txt").write_text(f"{header}\n{summary}\n", encoding="utf-8")
    return f"{header}\n{summary}"
