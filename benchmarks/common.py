"""What every measurement shares: result rows, the run context and fresh-process workers.

Each side of a comparison that touches memory or caches runs in its own ``python`` process
(``python -m benchmarks.child``), so one side never inherits the other's warm caches or heap,
and peak RSS is the child's own ``getrusage`` high-water mark.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.data import BenchData, write_dataset

ROOT = Path(__file__).resolve().parents[1]
RESULT_MARK = "BENCH-RESULT "
SIZES = (1_000, 100_000, 1_000_000)
SEED = 7
# GaussianCopula with normal marginals: the cheapest registry entry and setting, so the runs
# measure the studio's own overhead rather than a slow fit.
SYNTHESIZER = "gaussian_copula"
PARAMS = {"default_distribution": "norm"}


def studio_request(dataset_id: int, rows: int) -> Any:
    """The run every studio measurement makes: ``SYNTHESIZER`` with ``PARAMS`` and ``SEED``.

    A ``core.runs.request.RunRequest``, imported here so that only the child processes load
    the studio.
    """
    from core.runs.request import RunRequest

    return RunRequest(dataset_id=dataset_id, key=SYNTHESIZER, rows=rows, seed=SEED, params=PARAMS)


# How a row is judged against its target (``Row.judge``).
RATIO = "ratio"  # studio / baseline, lower is better: passes at ratio <= target
AT_LEAST = "at_least"  # a score, higher is better: passes at studio >= baseline - target
WITHIN = "within"  # a score that must match: passes at |studio - baseline| <= target
_PASSES: dict[str, Callable[[float, float], bool]] = {
    RATIO: lambda figure, target: figure <= target,
    AT_LEAST: lambda figure, target: figure >= -target,
    WITHIN: lambda figure, target: abs(figure) <= target,
}


# What a row records, in this order: its fields and the figures derived from them.
_RECORDED = (
    *("measurement", "size", "baseline_label", "baseline", "studio", "unit", "judge"),
    *("ratio", "difference", "figure", "target", "verdict", "seconds", "note", "error"),
)


@dataclass(frozen=True)
class Row:
    """One line of the results table: a studio figure beside its baseline and target.

    ``judge`` says what the figure is. RATIO (the default): ``ratio`` = studio / baseline, and
    ``target`` is the highest ratio that passes. AT_LEAST and WITHIN compare scores (higher is
    better): the figure is ``difference`` = studio - baseline, and ``target`` is the largest
    shortfall allowed (AT_LEAST) or the largest gap either way (WITHIN). A ``target`` of None
    marks a row shown for context only (throughput, or sizes where fixed costs dominate).
    """

    measurement: str
    size: str
    baseline_label: str
    baseline: float | None
    studio: float | None
    unit: str
    target: float | None = None
    seconds: str = ""  # absolute timings, for context only
    note: str = ""
    extra_ok: bool = True  # a second condition of the target (e.g. a score within tolerance)
    error: str = ""
    judge: str = RATIO

    def __post_init__(self) -> None:
        if self.judge not in _PASSES:
            raise ValueError(f"unknown judge {self.judge!r}; one of {', '.join(_PASSES)}")

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.studio is None or self.baseline <= 0:
            return None
        return self.studio / self.baseline

    @property
    def difference(self) -> float | None:
        if self.baseline is None or self.studio is None:
            return None
        return self.studio - self.baseline

    @property
    def figure(self) -> float | None:
        """What the target judges: the ratio, or the difference for a score."""
        return self.ratio if self.judge == RATIO else self.difference

    @property
    def verdict(self) -> str:
        if self.error:
            return "ERROR"
        figure = self.figure
        if self.target is None or figure is None:
            return "info"
        return "PASS" if _PASSES[self.judge](figure, self.target) and self.extra_ok else "FAIL"

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _RECORDED}


@dataclass
class Context:
    """The scratch folder, the generated tables and what one measurement leaves to the next."""

    folder: Path
    data: dict[int, BenchData] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)  # every child's answer, for the JSON
    log: Callable[[str], None] = print

    def dataset(self, rows: int) -> BenchData:
        """The generated table of ``rows`` rows, written on first use."""
        if rows not in self.data:
            started = time.perf_counter()
            self.data[rows] = write_dataset(rows, self.folder / "data")
            self.log(f"  generated {rows:,} rows in {time.perf_counter() - started:.1f} s")
        return self.data[rows]


class ChildError(RuntimeError):
    """A worker process failed; the message is its last line of output."""


def rows_against(
    baseline_label: str, baseline: float | None, *, size: str, unit: str = "s"
) -> Callable[..., Row]:
    """A maker of rows that each compare a studio figure with one baseline on one size."""
    return functools.partial(
        Row, size=size, baseline_label=baseline_label, baseline=baseline, unit=unit
    )


def run_child(
    ctx: Context, module: str, task: str, *, timeout: float = 1200, **kwargs: Any
) -> dict[str, Any]:
    """Run ``benchmarks.<module>.task_<task>(**kwargs)`` in a fresh interpreter.

    The child's workspace setting points into the scratch folder, so nothing touches the
    user's own workspace. Returns the task's dict plus ``peak_rss_mb`` and ``wall_seconds``.
    """
    env = {
        **os.environ,
        "SYNTH_STUDIO_WORKSPACE": str(ctx.folder / "unused.duckdb"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONWARNINGS": "ignore",
    }
    command = [sys.executable, "-m", "benchmarks.child", module, task, json.dumps(kwargs)]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as err:
        raise ChildError(f"{module}.{task} took over {timeout:.0f} s") from err
    # DuckDB may draw a progress bar on the same stdout, so find the mark anywhere in a line.
    found = [
        line.split(RESULT_MARK, 1)[1] for line in done.stdout.splitlines() if RESULT_MARK in line
    ]
    if done.returncode != 0 or not found:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ChildError(f"{module}.{task} failed: {tail[:300]}")
    result = json.loads(found[-1])
    result["wall_seconds"] = time.perf_counter() - started
    ctx.raw.setdefault(module, []).append({"task": task, "args": kwargs, "result": result})
    return result


def interleaved(
    a: Callable[[], Any], b: Callable[[], Any], repeats: int
) -> tuple[list[float], list[float]]:
    """Time ``a`` and ``b`` alternately, so a burst of outside load hits both sides alike."""
    times_a, times_b = [], []
    for i in range(repeats):
        order = [(a, times_a), (b, times_b)] if i % 2 == 0 else [(b, times_b), (a, times_a)]
        for fn, times in order:
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
    return times_a, times_b


def seconds_note(**timings: float | list[float]) -> str:
    """``base 1.23 s / studio 0.45 s`` from the given timings (the best of a list)."""
    parts = []
    for name, value in timings.items():
        best = min(value) if isinstance(value, list) else value
        parts.append(f"{name} {best:.2f} s")
    return " / ".join(parts)


def csv_mb_per_row(data: BenchData) -> float:
    """Size of one row as CSV text, the unit of the throughput figures."""
    return data.csv_mb / data.rows
