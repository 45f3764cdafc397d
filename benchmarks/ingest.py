"""Ingest of a CSV into the workspace vs ``pandas.read_csv`` on the same file (target ≤ 0.5×).

Both sides run in one fresh process, alternately, best of a few repeats; the studio side gets a
new workspace file each time (opened before the clock starts) and includes everything
``ingest_file`` does: format and encoding checks, the fingerprint, reading and storing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import SIZES, Context, Row, interleaved, run_child, seconds_note

TARGET = 0.5
# Below this many rows both sides finish in milliseconds and DuckDB's CSV sniffing (a fixed
# ~0.1-0.3 s) decides the ratio, so the row is shown for context only.
TARGET_FROM_ROWS = 100_000
REPEATS = {1_000: 5, 100_000: 3, 1_000_000: 3}


def task_ingest(csv: str, repeats: int) -> dict[str, Any]:
    import pandas as pd

    from core.data.ingest import ingest_file
    from core.workspace.store import Workspace

    path = Path(csv)
    with tempfile.TemporaryDirectory() as tmp:
        opened = [Workspace(Path(tmp) / f"ws{i}.duckdb") for i in range(repeats)]
        fresh = iter(opened)
        studio, pandas = interleaved(
            lambda: ingest_file(next(fresh), path), lambda: pd.read_csv(path), repeats
        )
        for workspace in opened:
            workspace.close()
    return {"studio": studio, "pandas": pandas}


def measure(ctx: Context) -> list[Row]:
    rows = []
    for size in SIZES:
        data = ctx.dataset(size)
        result = run_child(ctx, "ingest", "ingest", csv=str(data.csv), repeats=REPEATS[size])
        rows.append(
            Row(
                measurement="ingest CSV",
                size=f"{size:,} rows",
                baseline_label="pandas.read_csv",
                baseline=min(result["pandas"]),
                studio=min(result["studio"]),
                unit="s",
                target=TARGET if size >= TARGET_FROM_ROWS else None,
                seconds=seconds_note(pandas=result["pandas"], studio=result["studio"]),
                note=f"{data.csv_mb:.1f} MB CSV",
            )
        )
    return rows
