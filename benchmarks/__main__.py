"""Run the benchmarks, print one table of ratios (or score differences) beside their targets.

Usage: ``python -m benchmarks [--only ingest,pages] [--keep] [--strict]`` (``make bench``).
Every ratio is studio / baseline measured side by side in this run; absolute seconds are for
context only, since a shared machine's load moves them from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks import evaluation, fidelity, ingest, pages, pipeline, sampling, throughput
from benchmarks.common import AT_LEAST, RATIO, ROOT, WITHIN, Context, Row

# In running order: throughput reads what pipeline and sampling measured.
MEASUREMENTS: dict[str, ModuleType] = {
    "ingest": ingest,
    "pipeline": pipeline,
    "pages": pages,
    "evaluation": evaluation,
    "sampling": sampling,
    "throughput": throughput,
    "fidelity": fidelity,
}
RESULTS = Path(__file__).resolve().parent / "results"
HEADERS = [
    "measurement",
    "size",
    "baseline",
    "studio",
    "ratio/Δ",
    "target",
    "result",
    "last",
    "seconds",
]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "score":
        return f"{value:.4f}"
    return f"{value:,.1f} {unit}"


def _figure(value: float | None, judge: str) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}×" if judge == RATIO else f"{value:+.4f}"


_TARGETS = {
    RATIO: lambda target: f"≤ {target:.2f}×",
    AT_LEAST: lambda target: f"≥ -{target:.2f}",
    WITHIN: lambda target: f"± {target:.2f}",
}


def _cells(row: Row, last: dict[tuple[str, str], float | None]) -> list[str]:
    previous = last.get((row.measurement, row.size))
    return [
        row.measurement,
        row.size,
        _value(row.baseline, row.unit) + (f" ({row.baseline_label})" if row.baseline_label else ""),
        _value(row.studio, row.unit),
        _figure(row.figure, row.judge),
        "—" if row.target is None else _TARGETS[row.judge](row.target),
        row.verdict,
        _figure(previous, row.judge),
        row.seconds,
    ]


def render(rows: list[Row], last: dict[tuple[str, str], float | None]) -> str:
    """The results as one aligned text table, then the notes and errors under it."""
    table = [HEADERS] + [_cells(row, last) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [
        f"- {r.measurement} ({r.size}): {'; '.join(filter(None, [r.error, r.note]))}"
        for r in rows
        if r.note or r.error
    ]
    met = sum(r.verdict == "PASS" for r in rows)
    judged = sum(r.verdict in ("PASS", "FAIL", "ERROR") for r in rows)
    return "\n".join([*lines, "", *notes, "", f"{met} of {judged} targets met."])


def _last_figures() -> dict[tuple[str, str], float | None]:
    files = sorted(RESULTS.glob("*.json"))
    if not files:
        return {}
    try:
        previous = json.loads(files[-1].read_text())
    except (OSError, ValueError):
        return {}
    # Files written before rows had a judge hold only the ratio.
    return {
        (r["measurement"], r["size"]): r.get("figure", r.get("ratio"))
        for r in previous.get("rows", [])
    }


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return None
    return done.stdout.strip() or None


def run(names: list[str], folder: Path) -> tuple[list[Row], Context]:
    ctx = Context(folder=folder, log=_log)
    rows: list[Row] = []
    for name in names:
        started = time.perf_counter()
        _log(f"[{name}] running…")
        try:
            found = MEASUREMENTS[name].measure(ctx)
        except Exception as err:  # one broken measurement must not hide the others
            found = [Row(name, "", "", None, None, "", error=f"{type(err).__name__}: {err}")]
        rows += found
        _log(f"[{name}] done in {time.perf_counter() - started:.0f} s")
    return rows, ctx


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(MEASUREMENTS)}")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    names = list(MEASUREMENTS)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(names) - set(MEASUREMENTS))
        if unknown:
            parser.error(f"unknown measurement(s) {', '.join(unknown)}")
    folder = Path(tempfile.mkdtemp(prefix="synth-bench-"))
    started, load_before = time.perf_counter(), os.getloadavg()
    try:
        rows, ctx = run(names, folder)
    finally:
        if args.keep:
            _log(f"scratch folder kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    total = time.perf_counter() - started
    last = _last_figures()
    print(render(rows, last))
    stamp = datetime.now()
    report: dict[str, Any] = {
        "timestamp": stamp.isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_before": load_before,
            "load_after": os.getloadavg(),
        },
        "total_seconds": total,
        "rows": [row.to_dict() for row in rows],
        "raw": ctx.raw,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{stamp:%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"\nTotal {total / 60:.1f} min. Results: {shown}")
    missed = any(row.verdict in ("FAIL", "ERROR") for row in rows)
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
