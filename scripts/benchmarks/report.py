"""The report: the Markdown tables, the section of docs/benchmarks.md, the machine, JSON.

Rendering only: every number comes from the measuring modules, and the same text is printed
and written to the docs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

from .common import AGENT, ALL_TARGETS, LISTEN_PATH, ROOT, SUPERVISOR
from .costs import ClientCost, ColdStart, SignatureCost
from .load import TargetSummary

DOCS: Final = ROOT / "docs" / "benchmarks.md"

MARK_BEGIN: Final = "<!-- bench:begin (written by scripts/bench.py --write-docs) -->"
MARK_END: Final = "<!-- bench:end -->"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def machine() -> dict[str, str]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    wrk_version = (wrk.stdout + wrk.stderr).split("Copyright")[0].strip() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cores": str(usable),
        "cpu": model,
        "python": platform.python_version(),
        "node": node.stdout.strip() or "unknown",
        "wrk": wrk_version,
        "os": f"{platform.system()} {platform.release()}",
    }


def _fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def _fmt_cpu(summary: TargetSummary) -> str:
    if summary.cpu_us is None:
        return "—"
    if summary.redis_cpu_us is None:
        return f"{summary.cpu_us:,.0f}"
    return f"{summary.cpu_us:,.0f} + {summary.redis_cpu_us:,.0f}"


def _total_cpu_us(summary: TargetSummary) -> float | None:
    if summary.cpu_us is None:
        return None
    return summary.cpu_us + (summary.redis_cpu_us or 0.0)


def render(results: dict[str, Any], args: argparse.Namespace) -> str:
    """The tables, as Markdown (printed as is, and written to docs/benchmarks.md)."""
    lines: list[str] = []
    load: dict[str, TargetSummary] = results["load"]
    prism = load.get("prism")
    lines.append(
        f"Load: wrk -t{args.threads} -c{args.connections}, {args.rounds} alternating rounds of "
        f"{args.duration} s per target (after a {args.warmup} s warm-up each), POST {LISTEN_PATH} "
        f"listen {SUPERVISOR} -> {AGENT}, every request with its own valid signature."
    )
    lines.append("")
    lines.append(
        "| target | req/s | p50 ms | p99 ms | errors | req/s vs Prism | p99 vs Prism "
        "| CPU µs/req | req/s per round |"
    )
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name in ALL_TARGETS:
        s = load.get(name)
        if s is None:
            continue
        rps_ratio = s.rps / prism.rps if prism else None
        p99_ratio = s.p99_ms / prism.p99_ms if prism and prism.p99_ms else None
        per_round = ", ".join(f"{x:,.0f}" for x in s.round_rps)
        lines.append(
            f"| {s.label} | {s.rps:,.0f} | {s.p50_ms:.2f} | {s.p99_ms:.2f} | {s.errors} | "
            f"{_fmt_ratio(rps_ratio)} | {_fmt_ratio(p99_ratio)} | {_fmt_cpu(s)} | {per_round} |"
        )
    lines.append("")
    lines.append(
        "errors = non-2xx answers + socket errors (connect, read, write, timeout). CPU µs/req = "
        "CPU time (user + system) of the target's processes (every worker) per request, "
        "+ Redis's for a target on Redis; wrk's own is not counted."
    )
    lines.append("")

    rows: list[tuple[str, str, str, str]] = []
    mock = load.get("mock")
    if mock and prism:
        rps_ratio = mock.rps / prism.rps
        p99_ratio = mock.p99_ms / prism.p99_ms
        rows.append(
            ("mock / Prism req/s", f"{rps_ratio:.2f}x", ">= 3.50x", verdict(rps_ratio >= 3.5))
        )
        rows.append(
            ("mock p99 / Prism p99", f"{p99_ratio:.2f}", "<= 0.25", verdict(p99_ratio <= 0.25))
        )
    earlier = load.get("mock-before")
    if mock and earlier:
        ratio = mock.rps / earlier.rps
        rows.append(
            (
                f"mock / mock at `{args.before}` req/s (side by side)",
                f"{ratio:.3f}x",
                ">= 0.95x",
                verdict(ratio >= 0.95),
            )
        )
    quiet = load.get("prism-quiet")
    if mock and quiet:
        rows.append(
            (
                "mock / quiet Prism: req/s, p99 (context)",
                f"{mock.rps / quiet.rps:.2f}x, {mock.p99_ms / quiet.p99_ms:.2f}",
                "—",
                "",
            )
        )
    mock_quiet = load.get("mock-quiet")
    if mock_quiet and quiet:
        rows.append(
            (
                "quiet mock / quiet Prism: req/s, p99 (context)",
                f"{mock_quiet.rps / quiet.rps:.2f}x, {mock_quiet.p99_ms / quiet.p99_ms:.2f}",
                "—",
                "",
            )
        )
    for name, label, floor, workers in (
        ("mock-redis", "mock on Redis, 1 worker / mock in memory, req/s", 0.6, "1 worker"),
        (
            "mock-redis-2w",
            "mock on Redis, 2 workers / mock in memory (1 worker), req/s",
            1.0,
            "2 workers",
        ),
        (
            "mock-redis-2w-pinned",
            "mock on Redis, 2 pinned workers / mock in memory (1 worker), req/s",
            1.0,
            "2 pinned workers",
        ),
    ):
        shared = load.get(name)
        if mock and shared:
            ratio = shared.rps / mock.rps
            rows.append((label, f"{ratio:.2f}x", f">= {floor:.2f}x", verdict(ratio >= floor)))
            # The same cost in CPU per request, which the machine's noise moves far less.
            spent, base = _total_cpu_us(shared), _total_cpu_us(mock)
            if spent is not None and base:
                rows.append(
                    (
                        f"mock on Redis, {workers}: CPU per request (+ Redis's) / in memory",
                        f"{spent / base:.2f}x ({spent:,.0f} vs {base:,.0f} µs)",
                        "—",
                        "",
                    )
                )
    round_trips: dict[str, float] | None = results.get("round_trips")
    for kind, count in (round_trips or {}).items():
        # an accepted action must reach Redis: no write at all is a broken count, not a pass
        goal, mark = ("1", verdict(0 < count <= 1.0)) if "accepted" in kind else ("—", "")
        rows.append((f"Redis round trips per request: {kind}", f"{count:.2f}", goal, mark))
    ceiling = load.get("ceiling")
    if mock and ceiling:
        rows.append(("mock / bare Starlette req/s", f"{mock.rps / ceiling.rps:.2f}x", "—", ""))
    client: ClientCost | None = results.get("client")
    if client:
        rows.append(
            (
                "friendly client / raw httpx, per call over loopback",
                f"{client.ratio:.3f} ({client.friendly_us:.0f} vs {client.raw_us:.0f} µs)",
                "<= 1.15",
                verdict(client.ratio <= 1.15),
            )
        )
    signature: SignatureCost | None = results.get("signature")
    if signature:
        rows.append(
            (
                "one signature, sign()",
                f"{signature.sign_us:.2f} µs",
                "<= 10 µs",
                verdict(signature.sign_us <= 10),
            )
        )
        rows.append(
            (
                "signed_headers() (nonce + timestamp + sign)",
                f"{signature.signed_headers_us:.2f} µs",
                "<= 10 µs",
                verdict(signature.signed_headers_us <= 10),
            )
        )
    cold: dict[str, ColdStart] | None = results.get("cold_start")
    if cold:
        for name, c in cold.items():
            spread = ", ".join(f"{x:.2f}" for x in c.seconds)
            target, mark = ("<= 1.00 s", verdict(c.median <= 1.0)) if name == "mock" else ("—", "")
            rows.append(
                (f"cold start {name} (median; runs: {spread} s)", f"{c.median:.2f} s", target, mark)
            )
    cost: dict[str, Any] | None = results.get("request_cost")
    if cost:
        for name in ("before", "after"):
            found = cost.get(name)
            if found is None:
                continue
            split = found["split_us"]
            where = f"`{found['ref']}`" if name == "before" else "this checkout"
            rows.append(
                (
                    f"per request inside the app, {name} ({where}): our code / framework / rest",
                    f"{found['us_per_request']:.0f} µs: {split['our code']:.0f} / "
                    f"{split['framework']:.0f} / {split['rest']:.0f}",
                    "—",
                    "",
                )
            )
    if rows:
        lines.append("| measurement | value | target | verdict |")
        lines.append("| --- | ---: | --- | --- |")
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def docs_section(results: dict[str, Any], args: argparse.Namespace, tables: str) -> str:
    info: dict[str, str] = results["machine"]
    return "\n".join(
        [
            MARK_BEGIN,
            "",
            f"Run on {results['date']} with `{results['command']}` "
            "(`make bench` runs `.venv/bin/python scripts/bench.py --write-docs`).",
            "",
            f"Machine: {info['cores']} cores ({info['cpu']}), {info['os']}; "
            f"Python {info['python']}, Node {info['node']}, {info['wrk']}.",
            "",
            tables,
            "",
            MARK_END,
        ]
    )


DOCS_TEMPLATE: Final = """# Benchmarks

Reproduce with `make bench` (or `.venv/bin/python scripts/bench.py --write-docs`).

{section}
"""


def write_docs(section: str) -> None:
    if DOCS.exists():
        text = DOCS.read_text(encoding="utf-8")
        if MARK_BEGIN in text and MARK_END in text:
            head, rest = text.split(MARK_BEGIN, 1)
            tail = rest.split(MARK_END, 1)[1]
            DOCS.write_text(head + section + tail, encoding="utf-8")
            return
        DOCS.write_text(text.rstrip() + "\n\n" + section + "\n", encoding="utf-8")
        return
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(DOCS_TEMPLATE.format(section=section), encoding="utf-8")


def jsonable(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value
