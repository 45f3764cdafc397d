"""Peak memory when sampling 10M rows to Parquet vs 1M rows (target ≤ 1.2×).

Each size runs in a fresh process that loads the same fitted model (the million-row
workspace's run) and samples straight to a Parquet file; the figure is the process's peak RSS.
Bounded memory needs batches written as they are drawn: ``core.synth.sampling.sample_to_parquet``
when the studio has it, else what the studio does today (``sample_rows`` builds the whole
table, then ``DataFrame.to_parquet``). The table says which one ran.

A second row, for context: the peak RSS of a whole studio run (``core.runs.pipeline.synthesize``)
asking for 1M rows vs 100k rows of the same table, each in a fresh process. Its rows go into
the workspace in batches, and only its evaluation sample stays in memory.
"""

from __future__ import annotations

import dataclasses
import inspect
import time
from pathlib import Path
from typing import Any

from benchmarks.common import SEED, Context, Row, csv_mb_per_row, run_child, studio_request
from benchmarks.fixtures import studio_workspace

SMALL, LARGE = 1_000_000, 10_000_000
# A UI run samples into the workspace: rows asked for, from a table of this many rows.
RUN_TABLE = 100_000
RUN_ROWS = (100_000, 1_000_000)
TARGET = 1.2
STREAMED = "core.synth.sampling.sample_to_parquet"
IN_MEMORY = "sample_rows + DataFrame.to_parquet"


def sample_to_parquet(synth: Any, path: Path, *, rows: int, seed: int, batch_rows: int) -> str:
    """Sample ``rows`` rows of ``synth`` into ``path`` the best way the studio offers.

    Returns:
        Which way ran: ``STREAMED`` or ``IN_MEMORY``.
    """
    try:
        from core.synth.sampling import Draw
        from core.synth.sampling import sample_to_parquet as streamed
    except ImportError:
        streamed = None
    if streamed is not None:
        draw = Draw(synth, rows=rows, seed=seed, batch_rows=batch_rows)
        try:
            inspect.signature(streamed).bind(draw, path=path)
        except TypeError as err:
            raise TypeError(f"{STREAMED} takes an unexpected signature: {err}") from err
        streamed(draw, path=path)
        return STREAMED
    from core.synth.registry import sample_rows

    sample_rows(synth, rows=rows, seed=seed, batch_rows=batch_rows).to_parquet(path)
    return IN_MEMORY


def task_sample(model: str, rows: int, out: str) -> dict[str, Any]:
    import resource

    from sdv.utils.utils import load_synthesizer

    from core.config import get_settings

    synth = load_synthesizer(model)  # a model this benchmark wrote itself
    batch_rows = get_settings().sample_batch_rows
    setup_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    method = sample_to_parquet(synth, Path(out), rows=rows, seed=SEED, batch_rows=batch_rows)
    seconds = time.perf_counter() - started
    size_mb = Path(out).stat().st_size / 1e6
    Path(out).unlink()
    return {"seconds": seconds, "method": method, "setup_rss_mb": setup_mb, "file_mb": size_mb}


def task_run(csv: str, rows: int, workspace: str) -> dict[str, Any]:
    """One studio run of ``rows`` rows on a fresh workspace: ingest, fit, sample, store, score."""
    import resource

    from core.config import get_settings
    from core.data.ingest import ingest_file
    from core.runs.pipeline import synthesize
    from core.workspace.store import Workspace

    ws = Workspace(Path(workspace))
    dataset = ingest_file(ws, Path(csv))
    setup_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    settings = get_settings()
    started = time.perf_counter()
    roomy = dataclasses.replace(settings, max_rows=max(rows, settings.max_rows))
    synthesize(ws, studio_request(dataset.id, rows), settings=roomy)
    seconds = time.perf_counter() - started
    ws.close()
    Path(workspace).unlink()
    return {"seconds": seconds, "setup_rss_mb": setup_mb}


def _peak_rss(
    measurement: str,
    small: dict[str, Any],
    large: dict[str, Any],
    *,
    sizes: tuple[str, str],
    note: str,
    target: float | None = None,
) -> Row:
    """The peak RSS of the ``large`` child against the ``small`` one's, with both timings."""
    (few, many), seconds = sizes, (small["seconds"], large["seconds"])
    return Row(
        measurement=measurement,
        size=f"{many} vs {few} rows",
        baseline_label=f"same, {few} rows",
        baseline=small["peak_rss_mb"],
        studio=large["peak_rss_mb"],
        unit="MB",
        target=target,
        seconds=f"{few} {seconds[0]:.1f} s / {many} {seconds[1]:.1f} s",
        note=note,
    )


def measure_runs(ctx: Context) -> Row:
    """Peak RSS of a studio run into the workspace, 1M vs 100k rows from one 100k-row table."""
    data = ctx.dataset(RUN_TABLE)
    runs = {
        rows: run_child(
            ctx,
            "sampling",
            "run",
            csv=str(data.csv),
            rows=rows,
            workspace=str(ctx.folder / f"run_{rows}.duckdb"),
        )  # fmt: skip
        for rows in RUN_ROWS
    }
    small, large = (runs[rows] for rows in RUN_ROWS)
    return _peak_rss(
        "peak RSS of a studio run (sample, store, score)",
        small,
        large,
        sizes=("100k", "1M"),
        note=f"fit on {RUN_TABLE:,} rows; {small['setup_rss_mb']:.0f} MB after ingest",
    )


def measure(ctx: Context) -> list[Row]:
    built = studio_workspace(ctx, SMALL)
    runs = {
        rows: run_child(
            ctx,
            "sampling",
            "sample",
            model=built["model"],
            rows=rows,
            out=str(ctx.folder / f"sample_{rows}.parquet"),
        )
        for rows in (SMALL, LARGE)
    }
    per_row = csv_mb_per_row(ctx.dataset(SMALL))
    ctx.shared["sampling"] = {
        rows: {"mb_s": rows * per_row / r["seconds"], "seconds": r["seconds"]}
        for rows, r in runs.items()
    }
    small, large = runs[SMALL], runs[LARGE]
    return [
        _peak_rss(
            "peak RSS sampling to Parquet",
            small,
            large,
            sizes=("1M", "10M"),
            target=TARGET,
            note=f"via {large['method']}; {small['setup_rss_mb']:.0f} MB before sampling",
        ),
        measure_runs(ctx),
    ]
