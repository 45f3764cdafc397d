"""Fit and sample throughput in MB/s of data (CSV size of the rows handled), for context.

Read from the pipeline run (studio vs bare SDV, same table) and the Parquet sampling runs, so
it costs no extra time. Higher is better; there is no target.
"""

from __future__ import annotations

from benchmarks.common import Context, Row
from benchmarks.pipeline import ROWS as PIPELINE_ROWS


def measure(ctx: Context) -> list[Row]:
    rows = []
    pipeline = ctx.shared.get("throughput")
    if pipeline:
        for stage in ("fit", "sample"):
            bare, studio = pipeline["bare"], pipeline["studio"]
            rows.append(
                Row(
                    measurement=f"{stage} throughput (higher is better)",
                    size=f"{PIPELINE_ROWS:,} rows",
                    baseline_label="bare SDV",
                    baseline=bare[f"{stage}_mb_s"],
                    studio=studio[f"{stage}_mb_s"],
                    unit="MB/s",
                    seconds=f"bare {bare[f'{stage}_seconds']:.2f} s / "
                    f"studio {studio[f'{stage}_seconds']:.2f} s",
                )
            )
    for size, result in (ctx.shared.get("sampling") or {}).items():
        rows.append(
            Row(
                measurement="sample to Parquet throughput",
                size=f"{size:,} rows",
                baseline_label="",
                baseline=None,
                studio=result["mb_s"],
                unit="MB/s",
                seconds=f"studio {result['seconds']:.1f} s",
            )
        )
    return rows
