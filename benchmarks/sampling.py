"""Peak memory when sampling 10M rows to Parquet vs 1M rows (target ≤ 1.2×).

Each size runs in a fresh process that loads the same fitted model (the million-row
workspace's run) and samples straight to a Parquet file; the figure is the process's peak RSS.
Bounded memory needs batches written as they are drawn: ``core.stream.sample_to_parquet``
when the studio has it, else what the studio does today (``sample_rows`` builds the whole
table, then ``DataFrame.to_parquet``). The table says which one ran.
"""

from __future__ import annotations

import inspect
import time
from pathlib import Path
from typing import Any

from benchmarks.common import SEED, Context, Row, csv_mb_per_row, run_child
from benchmarks.fixtures import studio_workspace

SMALL, LARGE = 1_000_000, 10_000_000
TARGET = 1.2
STREAMED = "core.stream.sample_to_parquet"
IN_MEMORY = "sample_rows + DataFrame.to_parquet"


def sample_to_parquet(synth: Any, path: Path, *, rows: int, seed: int, batch_rows: int) -> str:
    """Sample ``rows`` rows of ``synth`` into ``path`` the best way the studio offers.

    Returns:
        Which way ran: ``STREAMED`` or ``IN_MEMORY``.
    """
    try:
        from core.stream import sample_to_parquet as streamed
    except ImportError:
        streamed = None
    if streamed is not None:
        kwargs = {"path": path, "rows": rows, "seed": seed, "batch_rows": batch_rows}
        try:
            inspect.signature(streamed).bind(synth, **kwargs)
        except TypeError as err:
            raise TypeError(f"{STREAMED} takes an unexpected signature: {err}") from err
        streamed(synth, **kwargs)
        return STREAMED
    from core.synthesizers import sample_rows

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
        Row(
            measurement="peak RSS sampling to Parquet",
            size="10M vs 1M rows",
            baseline_label="same, 1M rows",
            baseline=small["peak_rss_mb"],
            studio=large["peak_rss_mb"],
            unit="MB",
            target=TARGET,
            seconds=f"1M {small['seconds']:.1f} s / 10M {large['seconds']:.1f} s",
            note=f"via {large['method']}; {small['setup_rss_mb']:.0f} MB before sampling",
        )
    ]
